"""Stock transfers at head office: the steps the stores send, matched by transfer id in whatever order
they arrive, head office's approval, in-transit and shrinkage.

The steps are facts of the store that took them (request and ship at the sender, receive at the
receiver), so they never conflict: each sets only what it knows, and a line's shrinkage (shipped less
received) is posted once both ends are here, whichever came first. In-transit is what was shipped of
the transfers not yet received. The stores' stock moves as their own movements (``hq_stock``); a
transfer adds no movement of its own, so head office's stock stays the sum of each store's movements.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

import psycopg

from pos_tui.domain.errors import NotFound
from pos_tui.services.chain.wire import TRANSFER_APPROVED
from pos_tui.services.hq import office

STEP_KINDS = ("transfer.requested", "transfer.shipped", "transfer.received")


@dataclass
class TransferSteps:
    """The transfer steps a batch chained, written in chain order in the batch's transaction."""

    steps: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)

    def add(self, store: str, kind: str, payload: dict[str, Any]) -> None:
        self.steps.append((store, kind, payload))

    def write(self, cur: psycopg.Cursor[Any]) -> None:
        touched = []
        for store, kind, p in self.steps:
            tid = p["transfer_id"]
            touched.append(tid)
            if kind == "transfer.requested":
                cur.execute("INSERT INTO hq_transfers AS t (transfer_id, from_store, to_store, requested)"
                            " VALUES (%s, %s, %s, true) ON CONFLICT (transfer_id) DO UPDATE SET"
                            " from_store = EXCLUDED.from_store, to_store = EXCLUDED.to_store, requested = true",
                            (tid, store, p["to_store"]))
                column = "requested"
            elif kind == "transfer.shipped":
                cur.execute("INSERT INTO hq_transfers AS t (transfer_id, from_store, to_store, shipped, shipped_ref)"
                            " VALUES (%s, %s, %s, true, %s) ON CONFLICT (transfer_id) DO UPDATE SET"
                            " from_store = EXCLUDED.from_store, to_store = EXCLUDED.to_store, shipped = true,"
                            " shipped_ref = EXCLUDED.shipped_ref", (tid, store, p["to_store"], p["approval_ref"]))
                column = "shipped"
            else:
                # The receiver knows only the sender's id prefix: the sender's own steps name it whole.
                cur.execute("INSERT INTO hq_transfers AS t (transfer_id, to_store, received, received_by, reason)"
                            " VALUES (%s, %s, true, %s, %s) ON CONFLICT (transfer_id) DO UPDATE SET"
                            " received = true, received_by = EXCLUDED.received_by, reason = EXCLUDED.reason",
                            (tid, store, store, p["reason"]))
                column = "received"
            quantities: dict[str, int] = {}
            for line in p["lines"]:
                quantities[line["sku"]] = quantities.get(line["sku"], 0) + line["quantity"]
            cur.executemany(
                f"INSERT INTO hq_transfer_lines (transfer_id, sku, {column}) VALUES (%s, %s, %s)"  # our own column
                f" ON CONFLICT (transfer_id, sku) DO UPDATE SET {column} = EXCLUDED.{column}",
                [(tid, sku, quantity) for sku, quantity in sorted(quantities.items())],
            )
        if touched:
            cur.execute("UPDATE hq_transfers SET updated_at = now() WHERE transfer_id = ANY(%s)", (touched,))
            cur.execute("UPDATE hq_transfer_lines l SET shrinkage = CASE WHEN t.shipped AND t.received"
                        " THEN l.shipped - l.received ELSE 0 END FROM hq_transfers t"
                        " WHERE t.transfer_id = l.transfer_id AND l.transfer_id = ANY(%s)", (touched,))


@dataclass(frozen=True)
class HqTransferLine:
    sku: str
    requested: int
    shipped: int
    received: int
    shrinkage: int


@dataclass(frozen=True)
class HqTransfer:
    transfer_id: str
    from_store: str
    to_store: str
    requested: bool
    shipped: bool
    received: bool
    approval_ref: str
    shipped_ref: str
    received_by: str
    reason: str
    lines: tuple[HqTransferLine, ...]

    @property
    def state(self) -> str:
        if self.received:
            return "received" if self.shipped else "received (shipment not synced yet)"
        if self.shipped:
            return "in transit"
        return "approved" if self.approval_ref else "requested"

    @property
    def alarm(self) -> str:
        """A shipment under a reference head office did not give (none yet, or a different one), or goods
        received at a store they were not sent to."""
        if self.received_by and self.to_store and self.received_by != self.to_store:
            return f"sent to {self.to_store} but received at {self.received_by}"
        if self.shipped and self.shipped_ref != self.approval_ref:
            return (f"shipped under {self.shipped_ref}, head office approved "
                    f"{self.approval_ref or 'nothing'}")
        return ""


_TRANSFER_COLUMNS = ("transfer_id, from_store, to_store, requested, shipped, received, approval_ref, shipped_ref,"
                     " received_by, reason")


def _transfers(conn: psycopg.Connection[Any], where: str, params: tuple[Any, ...]) -> list[HqTransfer]:
    rows = conn.execute(f"SELECT {_TRANSFER_COLUMNS} FROM hq_transfers {where} ORDER BY updated_at DESC,"
                        " transfer_id", params).fetchall()
    found = []
    for row in rows:
        lines = conn.execute("SELECT sku, requested, shipped, received, shrinkage FROM hq_transfer_lines"
                             " WHERE transfer_id = %s ORDER BY sku", (row[0],)).fetchall()
        tid, from_store, to_store, requested, shipped, received, approval_ref, shipped_ref, received_by, reason = row
        found.append(HqTransfer(tid, from_store, to_store, requested, shipped, received, approval_ref, shipped_ref,
                                received_by, reason, tuple(HqTransferLine(*line) for line in lines)))
    return found


def get_transfer(conn: psycopg.Connection[Any], tid: str) -> HqTransfer:
    found = _transfers(conn, "WHERE transfer_id = %s", (tid.strip(),))
    if not found:
        raise NotFound(f"head office has no transfer {tid.strip()!r}.",
                       "`pos hq transfer list` shows those the stores have sent; check the id.")
    return found[0]


def list_transfers(conn: psycopg.Connection[Any]) -> list[HqTransfer]:
    return _transfers(conn, "", ())


def approve(conn: psycopg.Connection[Any], tid: str) -> tuple[str, bool]:
    """Head office's approval reference for ``tid`` and whether it was given now (an approval is given
    once; asking again prints the same reference). The approval is also an event of head office's chain
    for the requesting store, which its `pos sync` records: the store ships without typing it."""
    tid = tid.strip()
    with conn.transaction(), conn.cursor() as cur:
        row = cur.execute("SELECT requested, approval_ref, from_store FROM hq_transfers WHERE transfer_id = %s"
                          " FOR UPDATE", (tid,)).fetchone()
        if row is None or not row[0]:
            raise NotFound(f"head office has not received the request for transfer {tid!r}.",
                           "Nothing was approved; check the id, or wait for the sending store to sync"
                           " (`pos hq store list`).")
        if row[1]:
            return str(row[1]), False
        reference = f"AP-{secrets.token_hex(3).upper()}"
        cur.execute("UPDATE hq_transfers SET approval_ref = %s, approved_at = now(), updated_at = now()"
                    " WHERE transfer_id = %s", (reference, tid))
        office.append_event(cur, TRANSFER_APPROVED, str(row[2]), {"transfer_id": tid, "approval_ref": reference})
    return reference, True


@dataclass(frozen=True)
class Transit:
    in_transit: int  # thousandths shipped of the transfers not yet received
    shrinkage: int  # thousandths shipped and never received, over every matched transfer


def transit_of(conn: psycopg.Connection[Any], sku: str) -> Transit:
    row = conn.execute("SELECT coalesce(sum(CASE WHEN t.shipped AND NOT t.received THEN l.shipped ELSE 0 END), 0),"
                       " coalesce(sum(l.shrinkage), 0) FROM hq_transfer_lines l JOIN hq_transfers t"
                       " USING (transfer_id) WHERE l.sku = %s", (sku,)).fetchone()
    assert row is not None
    return Transit(int(row[0]), int(row[1]))
