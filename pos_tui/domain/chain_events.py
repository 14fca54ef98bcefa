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

from pos_tui.domain.events import Event, ProductDetails


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


@dataclasses.dataclass(frozen=True)
class HeadOfficePriceSet(Event):
    """A price head office set (for every store or for this one), applied by this till as it arrived.

    Recorded once per head-office seq, applied or not: a SKU this store does not sell, or one whose
    price the store set itself (a store's own ``price.changed`` takes precedence), keeps its price.
    A sale records the price it used, so a later change never touches it; replaying the journal
    reproduces the price in force at each sale."""

    KIND: ClassVar[str] = "chain.office_price_set"
    AUDITED: ClassVar[bool] = True
    office_seq: int
    sku: str
    product_id: int  # 0: a SKU this store does not have
    old_price: int
    new_price: int
    applied: bool
    why_not: str = ""  # "store price", "unknown here" when not applied


@dataclasses.dataclass(frozen=True)
class HeadOfficeTransferApproved(Event):
    """Head office approved a transfer this store requested: its reference, as it arrived by `pos sync`.

    Recorded once per head-office seq. ``applied`` is False when this journal has no such request (a
    store restored from a backup older than it); the journal still says what head office sent."""

    KIND: ClassVar[str] = "chain.office_transfer_approved"
    AUDITED: ClassVar[bool] = True
    office_seq: int
    transfer_id: str
    approval_ref: str
    applied: bool


@dataclasses.dataclass(frozen=True)
class HeadOfficeProductAdded(Event):
    """A product head office sent to every store, with what a till needs to sell it, as this till applied it.

    Recorded once per head-office seq. A store that lacks the SKU creates it (``created``; ``product_id``
    is its id here, ``details`` what it was created with). A store that has it takes head office's price
    as with ``chain.office_price_set`` (``price_applied``; its own price stands) and keeps its own
    details. Nothing is created when a barcode is another product's here or the tax class is not
    defined here: ``why_not`` says which, and `pos sync --status` and `pos doctor` show it."""

    KIND: ClassVar[str] = "chain.office_product_added"
    AUDITED: ClassVar[bool] = True
    office_seq: int
    product_id: int  # 0: not created and not here
    details: ProductDetails  # head office's name, price, category, tax class and barcodes
    created: bool
    old_price: int
    price_applied: bool
    why_not: str = ""


@dataclasses.dataclass(frozen=True)
class HeadOfficeTaxClassSet(Event):
    """A tax class head office defined or changed for every store, as this till applied it (always).

    A sale line keeps the rate it was sold at (``tax_rate_bp``), so a later change never touches it."""

    KIND: ClassVar[str] = "chain.office_tax_class_set"
    AUDITED: ClassVar[bool] = True
    office_seq: int
    code: str
    name: str
    rate_bp: int
    old_rate_bp: int  # the rate here before; -1: the class was new here


CHAIN_EVENTS: tuple[type[Event], ...] = (ChainEpochStarted, HeadOfficePriceSet, HeadOfficeTransferApproved,
                                         HeadOfficeProductAdded, HeadOfficeTaxClassSet)
