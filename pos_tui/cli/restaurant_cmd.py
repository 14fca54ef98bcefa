"""`pos table` and `pos kitchen`: the restaurant's floor from a shell (open, order, send, move, pay) and
the kitchen ticket log."""

from __future__ import annotations

from contextlib import closing
from typing import TYPE_CHECKING, Annotated

import typer

from pos_tui.cli.common import (
    ApprovedByOption,
    ConfigOption,
    DbOption,
    UserOption,
    acting_session,
    command_group,
    reports_errors,
    session_from,
    with_approval,
)

if TYPE_CHECKING:
    from pos_tui.services.session import Session

table_app = command_group(help="A restaurant's tables: open, order, send to the kitchen, move, split and pay.")
kitchen_app = command_group(help="Kitchen tickets: the log of what each station got, and reprints.")

Table = Annotated[int, typer.Argument(help="The table's number.")]


def _dispatch(session: Session) -> None:
    """Hand the new tickets to the stations' printers and wait (a few seconds at most) for them."""
    from pos_tui.services.restaurant.printing import KitchenPrinters

    with KitchenPrinters(session.settings, on_alert=lambda sentence: typer.echo(sentence, err=True)) as printers:
        printers.dispatch(session)
        if not printers.wait_idle(session.settings.devices.printer.wait_seconds):
            typer.echo("Some tickets are still waiting for their printer; the till prints them when it is back.",
                       err=True)


def _show_order(session: Session, table: int) -> None:
    from pos_tui.services.restaurant import floor, orders

    order = floor.open_order_on(session, table)
    typer.echo(f"Table {table}: order {order.order_no}, {order.covers} covers, {order.status}, waiter {order.waiter}")
    for line in orders.order_lines(session, order.order_no):
        flags = "sent" if line.sent else ("held" if line.course > order.fired else "new")
        mods = "".join(f" +{m.name}" for m in line.modifiers)
        note = f" ({line.note})" if line.note else ""
        typer.echo(f"  #{line.line_no:<5} {line.quantity // 1000} x {line.name}{mods}{note}  course {line.course}"
                   f"  seat {line.seat}  {session.money(line.amount)}  {flags}")


@table_app.command("floor")
@reports_errors
def floor_command(db: DbOption = None, config: ConfigOption = None) -> None:
    """Every table, floor by floor: available, occupied or billing, with its covers."""
    from pos_tui.services.restaurant import floor

    with closing(session_from(db, config, read_only=True)) as session:
        for state in floor.floor_plan(session):
            order = state.order
            detail = f"  order {order.order_no}, {order.covers} covers, {order.waiter}" if order else ""
            typer.echo(f"{state.floor:<10} {state.table:>4}  {state.status:<9}{detail}")


@table_app.command("open")
@reports_errors
def open_command(table: Table, covers: Annotated[int, typer.Option("--covers", help="Guests at the table.")],
                 db: DbOption = None, config: ConfigOption = None, user: UserOption = None) -> None:
    """Open a table for its guests (an occupied table opens its order; never a second one)."""
    from pos_tui.services.restaurant import floor

    with closing(acting_session(db, config, user)) as session:
        order = floor.open_table(session, table, covers)
        typer.echo(f"Table {table}: order {order.order_no}, {order.covers} covers.")


@table_app.command("add")
@reports_errors
def add_command(
    table: Table,
    code: Annotated[str, typer.Argument(help="The portion's SKU or barcode.")],
    qty: Annotated[int, typer.Option("--qty", help="How many.")] = 1,
    modifier: Annotated[list[str] | None, typer.Option("--mod", help="A modifier from pos.toml; repeat.")] = None,
    note: Annotated[str, typer.Option(help="For the kitchen.")] = "",
    course: Annotated[int, typer.Option(help="1 first.")] = 1,
    seat: Annotated[int, typer.Option(help="0 for the table.")] = 0,
    db: DbOption = None, config: ConfigOption = None, user: UserOption = None,
) -> None:
    """Add a line to the table's order."""
    from pos_tui.services.restaurant import orders

    with closing(acting_session(db, config, user)) as session:
        line = orders.add_line(session, table, code, quantity=qty * 1000, modifiers=modifier or [], note=note,
                               course=course, seat=seat)
        typer.echo(f"Table {table}: line #{line.line_no} {qty} x {line.name} {session.money(line.amount)}.")


@table_app.command("show")
@reports_errors
def show_command(table: Table, db: DbOption = None, config: ConfigOption = None) -> None:
    """The table's order, line by line."""
    with closing(session_from(db, config, read_only=True)) as session:
        _show_order(session, table)


@table_app.command("close")
@reports_errors
def close_command(table: Table, db: DbOption = None, config: ConfigOption = None, user: UserOption = None) -> None:
    """Free a table with nothing left to pay (opened by mistake, or every unpaid line voided)."""
    from pos_tui.services.restaurant import floor

    with closing(acting_session(db, config, user)) as session:
        floor.close_table(session, table)
        typer.echo(f"Table {table} is free.")


@table_app.command("void")
@reports_errors
def void_command(table: Table, line: Annotated[int, typer.Argument(help="The line's number (#).")],
                 reason: Annotated[str, typer.Option(help="Why.")], db: DbOption = None,
                 config: ConfigOption = None, user: UserOption = None, approved_by: ApprovedByOption = None) -> None:
    """Take a line off; a line already sent needs a supervisor and prints a VOID ticket."""
    from pos_tui.services.restaurant import orders

    with closing(acting_session(db, config, user)) as session:
        ticket = with_approval(session, approved_by, reason, lambda approval: orders.void_line(
            session, table, line, reason=reason, approval=approval))
        typer.echo(f"Table {table}: line #{line} voided" + (f"; VOID ticket {ticket}." if ticket else "."))
        if ticket:
            _dispatch(session)


@table_app.command("send")
@reports_errors
def send_command(table: Table, db: DbOption = None, config: ConfigOption = None, user: UserOption = None) -> None:
    """Send every line not yet sent to its station (held courses wait for `fire`)."""
    from pos_tui.services.restaurant import kitchen

    with closing(acting_session(db, config, user)) as session:
        tickets = kitchen.send(session, table)
        _report_tickets(table, tickets)
        _dispatch(session)


@table_app.command("fire")
@reports_errors
def fire_command(table: Table, course: Annotated[int, typer.Argument(help="Fire courses up to this one.")],
                 db: DbOption = None, config: ConfigOption = None, user: UserOption = None) -> None:
    """Fire a course: what was held for it goes to the stations."""
    from pos_tui.services.restaurant import kitchen

    with closing(acting_session(db, config, user)) as session:
        _report_tickets(table, kitchen.fire(session, table, course))
        _dispatch(session)


def _report_tickets(table: int, tickets: tuple[object, ...]) -> None:
    if not tickets:
        typer.echo(f"Table {table}: nothing new to send.")
    for ticket in tickets:
        count = len(ticket.lines)  # type: ignore[attr-defined]
        typer.echo(f"Ticket {ticket.number} to {ticket.station}: {count} line{'' if count == 1 else 's'}.")  # type: ignore[attr-defined]


@table_app.command("transfer")
@reports_errors
def transfer_command(table: Table, to: Annotated[int, typer.Argument(help="The table it moves to.")],
                     merge: Annotated[bool, typer.Option(help="Merge into an occupied table.")] = False,
                     db: DbOption = None, config: ConfigOption = None, user: UserOption = None) -> None:
    """Move the table's order to another table (an occupied one only with --merge)."""
    from pos_tui.services.restaurant import moves

    with closing(acting_session(db, config, user)) as session:
        order = moves.transfer(session, table, to, merge=merge)
        typer.echo(f"Table {table} is now on table {to}: order {order.order_no}, {order.covers} covers.")


@table_app.command("split")
@reports_errors
def split_command(table: Table, to: Annotated[int, typer.Argument(help="The table the lines go to.")],
                  line: Annotated[list[int], typer.Option("--line", help="A line's number; repeat.")],
                  covers: Annotated[int, typer.Option(help="Guests moving with them.")] = 0,
                  db: DbOption = None, config: ConfigOption = None, user: UserOption = None) -> None:
    """Move some lines (and guests) to another table."""
    from pos_tui.services.restaurant import moves

    with closing(acting_session(db, config, user)) as session:
        order = moves.split(session, table, line, to, covers=covers)
        typer.echo(f"{len(line)} lines moved to table {to}: order {order.order_no}, {order.covers} covers.")


@table_app.command("bill")
@reports_errors
def bill_command(table: Table, parts: Annotated[int, typer.Option(help="Split into this many equal parts.")] = 0,
                 db: DbOption = None, config: ConfigOption = None, user: UserOption = None) -> None:
    """Present the bill (the table goes to billing); --parts N splits it equally."""
    from pos_tui.services.restaurant import bills

    with closing(acting_session(db, config, user)) as session:
        bill = bills.split_equally(session, table, parts) if parts else bills.prebill(session, table)
        for priced in bill.priced.lines:
            typer.echo(f"  {priced.line.name:<40} {session.money(priced.gross):>14}")
        typer.echo(f"Table {table} total {session.money(bill.total)}"
                   + (f" in {len(bill.parts_left)} parts: " + ", ".join(session.money(p) for p in bill.parts_left)
                      if bill.parts_left else "") + ".")


@table_app.command("pay")
@reports_errors
def pay_command(
    table: Table,
    pay: Annotated[list[str], typer.Option("--pay", help="METHOD:AMOUNT, e.g. cash:5000; repeat to split.")],
    seat: Annotated[int | None, typer.Option(help="Pay this seat's lines only.")] = None,
    line: Annotated[list[int] | None, typer.Option("--line", help="Pay this line only; repeat.")] = None,
    tip: Annotated[str, typer.Option(help="A tip on top, to liabilities:tips.")] = "0",
    tip_method: Annotated[str, typer.Option(help="How the tip was paid (default: the first payment's).")] = "",
    db: DbOption = None, config: ConfigOption = None, user: UserOption = None,
) -> None:
    """Pay the table: all of it, a seat, some lines, or the next equal part."""
    from pos_tui.cli.selling_cmd import parse_payment
    from pos_tui.services.restaurant import bills

    with closing(acting_session(db, config, user)) as session:
        paid = bills.pay(session, table, [parse_payment(session, p) for p in pay], seat=seat, lines=line or [],
                         tip=session.currency.parse(tip), tip_method=tip_method)
        change = f", change {session.money(paid.change)}" if paid.change else ""
        tipped = f", tip {session.money(paid.tip)}" if paid.tip else ""
        typer.echo(f"Sale {paid.sale_ref}: {session.money(paid.total)}{change}{tipped}."
                   + (f" Table {table} is free." if paid.closed else ""))


@kitchen_app.command("tickets")
@reports_errors
def tickets_command(station: Annotated[str | None, typer.Option(help="One station's tickets only.")] = None,
                    db: DbOption = None, config: ConfigOption = None) -> None:
    """The kitchen ticket log: every ticket, its station, table, waiter, time and lines."""
    from pos_tui.services.restaurant import kitchen

    with closing(session_from(db, config, read_only=True)) as session:
        for ticket in kitchen.ticket_log(session, station=station):
            at = session.local_time(ticket.at).strftime("%Y-%m-%d %H:%M")
            lines = ", ".join(f"{ln.quantity // 1000} x {ln.name}" for ln in ticket.lines)
            kind = "VOID " if ticket.kind == "void" else ""
            typer.echo(f"{ticket.number:>6} {at} {ticket.station:<8} table {ticket.table:<4} {ticket.waiter:<10}"
                       f" {kind}{lines}")


@kitchen_app.command("reprint")
@reports_errors
def reprint_command(ticket: Annotated[int, typer.Argument(help="The ticket's number.")], db: DbOption = None,
                    config: ConfigOption = None, user: UserOption = None) -> None:
    """Print a ticket again at its station, marked REPRINT."""
    from pos_tui.services.restaurant import kitchen

    with closing(acting_session(db, config, user)) as session:
        found = kitchen.reprint(session, ticket)
        typer.echo(f"Ticket {ticket} reprinted at {found.station}.")
        _dispatch(session)


@table_app.command("report")
@reports_errors
def report_command(
    first: Annotated[str, typer.Option("--from", help="First business day, YYYY-MM-DD (default: today).")] = "",
    last: Annotated[str, typer.Option("--to", help="Last business day, YYYY-MM-DD (default: --from).")] = "",
    db: DbOption = None, config: ConfigOption = None,
) -> None:
    """Sales by table, by waiter, by course and by category; covers, average per cover, tips; open tables."""
    from pos_tui.ledger.journal import business_day
    from pos_tui.services.restaurant import floor, reports

    with closing(session_from(db, config, read_only=True)) as session:
        info = session.ledger.store_info()
        first = first or business_day(session.clock(), info.timezone, info.day_starts_at_hour)
        report = reports.floor_report(session, first, last or first)
        money = session.money
        typer.echo(f"Restaurant {report.first_day} to {report.last_day}: {money(report.total)} from"
                   f" {report.covers} covers, {money(report.per_cover)} a cover; tips {money(report.tips)}.")
        for title, rows, label in (("By table", report.by_table, "table "), ("By waiter", report.by_waiter, ""),
                                   ("By course", report.by_course, "course "),
                                   ("By category", report.by_category, "")):
            typer.echo(title)
            for row in rows:
                typer.echo(f"  {label + row.key:<24} {row.bills:>5} bills {money(row.amount):>16}")
        still_open = floor.open_tables(session)
        typer.echo("Open tables: " + (", ".join(f"{o.table} ({o.covers} covers, {o.waiter})" for o in still_open)
                                      if still_open else "none") + ".")
