"""Events of the chain: a till's journal as one of head office's chains.

A restore from a backup (or a reinstall from one) starts a new epoch: the restored journal may end
before entries head office already holds, so the seqs after the restore point are written again with
other content. The epoch keeps them apart at head office (its key is store, terminal, epoch, seq),
and the event that starts the epoch names the previous epoch and head office's head in it, so the
gap (what head office holds that this journal lacks) can be named.
"""

from __future__ import annotations

import dataclasses
from typing import ClassVar

from pos_tui.domain.events import Event


@dataclasses.dataclass(frozen=True)
class ChainEpochStarted(Event):
    KIND: ClassVar[str] = "chain.epoch_started"
    AUDITED: ClassVar[bool] = True
    epoch: int
    previous_epoch: int
    previous_head_seq: int  # head office's verified head of the previous epoch, as last heard
    previous_head_hash: str
    base_seq: int  # the new epoch's chain at head office goes on from this entry (acknowledged before)
    reason: str  # "restore", or what the admin said


CHAIN_EVENTS: tuple[type[Event], ...] = (ChainEpochStarted,)
