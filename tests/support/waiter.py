"""A waiter (or the floor manager moving tables) in its own process, on one store file.

    python -m tests.support.waiter SETTINGS_JSON DB USER ROLE SECONDS ORDER SEED

ROLE "waiter": adds lines to whichever table holds order ORDER, sends now and then, fires course 2,
voids a line of its own (with a supervisor once it was sent). ROLE "mover": moves order ORDER from
table to table, opens side tables and either merges them into it or has them paid. Tickets go to the
stations' printers through the shared spools. Prints "ready", then at the end one JSON line:
{"added": [...line numbers], "voided": [...], "refused": n, "errors": [...]}.
"""

from __future__ import annotations

import json
import random
import sys
import time
from pathlib import Path

from pos_tui.config import Settings
from pos_tui.domain.errors import PosError
from pos_tui.domain.permissions import Action, PermissionRequired
from pos_tui.domain.tender import Tender
from pos_tui.services.restaurant import bills, floor, kitchen, moves, orders
from pos_tui.services.restaurant.printing import KitchenPrinters
from pos_tui.services.session import Session, open_session
from pos_tui.services.staff import authz

ITEMS = ("SOUP", "PZ-S", "PZ-L", "KHEER", "COLA", "LASSI")


def free_table(session: Session, rng: random.Random) -> int | None:
    free = [t.table for t in floor.floor_plan(session) if t.status == "available"]
    return rng.choice(free) if free else None


def waiter(session: Session, printers: KitchenPrinters, order_no: int, deadline: float, rng: random.Random,
           result: dict[str, list[int] | list[str] | int]) -> None:
    added: list[int] = result["added"]  # type: ignore[assignment]
    voided: list[int] = result["voided"]  # type: ignore[assignment]
    n = 0
    while time.monotonic() < deadline:
        table = floor.get_order(session, order_no).table
        try:
            line = orders.add_line(session, table, rng.choice(ITEMS), course=rng.choice((1, 1, 2)),
                                   seat=rng.randint(0, 4))
        except PosError:
            result["refused"] = int(result["refused"]) + 1  # type: ignore[call-overload]
            continue  # the table moved under us: find it again
        added.append(line.line_no)
        n += 1
        try:
            if n % 3 == 0:
                kitchen.send(session, table)
            if n % 11 == 0:
                kitchen.fire(session, table, 2)
            if n % 7 == 0:
                try:
                    orders.void_line(session, table, line.line_no, reason="changed mind")
                except PermissionRequired:
                    approval = authz.approve(session, "sara", "234567", Action.VOID_LINE, "changed mind")
                    orders.void_line(session, table, line.line_no, reason="changed mind", approval=approval)
                voided.append(line.line_no)
        except PosError:
            result["refused"] = int(result["refused"]) + 1  # type: ignore[call-overload]
        printers.dispatch(session)


def mover(session: Session, printers: KitchenPrinters, order_no: int, deadline: float, rng: random.Random,
          result: dict[str, list[int] | list[str] | int]) -> None:
    added: list[int] = result["added"]  # type: ignore[assignment]
    n = 0
    while time.monotonic() < deadline:
        n += 1
        try:
            main = floor.get_order(session, order_no).table
            side = free_table(session, rng)
            if side is None:
                continue
            if n % 2:
                moves.transfer(session, main, side)
                continue
            floor.open_table(session, side, covers=2)
            for _ in range(rng.randint(1, 2)):
                added.append(orders.add_line(session, side, rng.choice(ITEMS)).line_no)
            if rng.random() < 0.5:
                kitchen.send(session, side)
            if n % 4 == 0:
                total = bills.bill(session, side).total
                bills.pay(session, side, [Tender("card", total)])
            else:
                moves.transfer(session, side, floor.get_order(session, order_no).table, merge=True)
        except PosError:
            result["refused"] = int(result["refused"]) + 1  # type: ignore[call-overload]
        printers.dispatch(session)


def main() -> int:
    settings_json, db, user, role, seconds, order, seed = sys.argv[1:8]
    settings = Settings.model_validate_json(Path(settings_json).read_text())
    session = open_session(settings, Path(db), username=user)
    result: dict[str, list[int] | list[str] | int] = {"added": [], "voided": [], "refused": 0, "errors": []}
    with KitchenPrinters(settings) as printers:
        print("ready", flush=True)
        sys.stdin.readline()  # go
        deadline = time.monotonic() + float(seconds)
        try:
            (waiter if role == "waiter" else mover)(session, printers, int(order), deadline, random.Random(seed),
                                                   result)
        except Exception as error:  # reported to the test, which fails on it
            result["errors"] = [f"{type(error).__name__}: {error}"]
        printers.dispatch(session)
    session.close()
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
