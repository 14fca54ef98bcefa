"""X, Z and shift reports as documents: one layout for the receipt printer and the terminal.

``day_report_document(session, report)`` / ``shift_report_document(session, report)`` ->
``PrintedReport``; ``report_text(document, columns=42)`` -> the plain text a screen or `pos report`
shows; ``print_report(printer, document)`` queues it on the till's printer (None: no printer).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pos_tui.devices.receipt import format_rate
from pos_tui.devices.report_layout import PrintedReport, ReportSection, layout_report
from pos_tui.devices.text_render import render_text

if TYPE_CHECKING:
    from pos_tui.domain.cash_events import DenominationCount, KeyedTotal, PeriodTotals
    from pos_tui.services.cash.day_reports import DayReport
    from pos_tui.services.cash.shifts import ShiftReport
    from pos_tui.services.selling.printing import QueuedJob, ReceiptPrinter
    from pos_tui.services.session import Session

REPORT_COLUMNS = 42


def _local(session: Session, at: str) -> str:
    return session.local_time(at).strftime("%Y-%m-%d %H:%M")


def _method_label(session: Session, code: str) -> str:
    method = session.tender_methods.get(code)
    return method.label if method else code


def _keyed(session: Session, rows: tuple[KeyedTotal, ...], label: str) -> tuple[tuple[str, str], ...]:
    money = session.money
    if label == "rate":
        return tuple((f"{format_rate(int(r.key))} on {money(r.amount)}", money(r.tax)) for r in rows)
    if label == "method":
        return tuple((f"{_method_label(session, r.key)} ({r.count})", money(r.amount)) for r in rows)
    return tuple((f"{r.key or '(none)'} ({r.count})", money(r.amount)) for r in rows)


def _totals_sections(session: Session, t: PeriodTotals) -> list[ReportSection]:
    money = session.money
    sales = ReportSection("Sales", (
        ("Sales", str(t.sales_count)),
        ("Sales total", money(t.sales_total)),
        ("Discounts", money(t.discounts)),
        ("Returns" + f" ({t.returns_count})", money(-t.returns_total)),
        ("Voids" + f" ({t.voids_count})", money(-t.voids_total)),
        ("Net sales", money(t.net_total)),
        ("Average sale", money(t.average_sale)),
        ("Tax", money(t.tax_total)),
        ("Cash rounding", money(t.rounding)),
        *(((f"Gift cards sold ({t.gift_cards_sold_count})", money(t.gift_cards_sold)),) if t.gift_cards_sold else ()),
    ))
    cash = ReportSection("Cash outside sales", (
        ("Paid in", money(t.paid_in)),
        ("Paid out", money(-t.paid_out)),
        ("Drops to safe", money(-t.drops)),
        ("Expenses from safe", money(-t.expenses)),
        ("No-sales", str(t.no_sales)),
        ("Cash over/short", money(t.cash_variance)),
    ))
    return [
        sales,
        ReportSection("By payment method", _keyed(session, t.by_method, "method")),
        ReportSection("Tax by rate", _keyed(session, t.by_tax_rate, "rate")),
        ReportSection("By category", _keyed(session, t.by_category, "category")),
        cash,
    ]


def _store(session: Session) -> tuple[str, tuple[str, ...]]:
    info = session.ledger.store_info()
    return info.name, info.address


def day_report_document(session: Session, report: DayReport) -> PrintedReport:
    name, address = _store(session)
    title = f"Z REPORT {report.z_number}" if report.kind == "Z" else f"X REPORT (next Z {report.next_z_number})"
    header = [("Business day", report.day), ("Made", _local(session, report.at)),
              ("Journal", f"{report.totals.from_seq + 1}..{report.totals.to_seq}")]
    sections = _totals_sections(session, report.totals)
    sections.append(ReportSection("", (("Grand total", session.money(report.grand_total)),)))
    if report.open_shifts:
        sections.append(ReportSection("Shifts still open", tuple((s, "") for s in report.open_shifts)))
    from pos_tui.services.inventory import stocktakes

    counting = stocktakes.open_at(session, report.head_seq)
    if counting:
        sections.append(ReportSection("Stocktakes still open", tuple((t.reference, t.scope) for t in counting)))
    from pos_tui.services.restaurant import floor

    tables = floor.open_at(session, report.head_seq)
    if tables:
        sections.append(ReportSection("Tables still open", tuple(
            (f"Table {o.table}", f"{o.covers} covers, {o.waiter}") for o in tables)))
    # The head the Z certifies, whole, as SEQ:HASH: typed back into `pos db verify --witness`, the
    # paper Z is a witness that a rewrite of the store's file cannot reach.
    footer = (f"Head {report.head_seq}:{report.head_hash[:16]}", report.head_hash[16:])
    return PrintedReport(name, address, title, tuple(header), tuple(sections), footer)


def _counts_rows(session: Session, counts: tuple[DenominationCount, ...]) -> tuple[tuple[str, str], ...]:
    return tuple((f"{session.money(c.value)} x {c.count}", session.money(c.value * c.count)) for c in counts)


def shift_report_document(session: Session, report: ShiftReport) -> PrintedReport:
    name, address = _store(session)
    shift = report.shift
    header = [("Terminal", shift.terminal), ("Opened", f"{_local(session, shift.opened_at)} {shift.opened_by}"),
              ("Closed", f"{_local(session, shift.closed_at)} {shift.closed_by}" if shift.closed_at else "open"),
              ("Cashiers", ", ".join(shift.cashiers))]
    sections = _totals_sections(session, report.totals)
    money = session.money
    drawer = [("Float", money(shift.float_amount)), ("Expected in drawer", money(report.expected))]
    if report.counted is not None and report.variance is not None:
        word = "Short" if report.variance < 0 else "Over" if report.variance > 0 else "Variance"
        drawer += [("Counted", money(report.counted)), (word, money(report.variance))]
    sections.append(ReportSection("Drawer", tuple(drawer)))
    if report.counts:
        sections.append(ReportSection("Counted notes and coins", _counts_rows(session, report.counts)))
    title = f"SHIFT {shift.shift_id}" + ("" if report.counted is not None else " (OPEN)")
    return PrintedReport(name, address, title, tuple(header), tuple(sections), ())


def report_text(document: PrintedReport, columns: int = REPORT_COLUMNS) -> str:
    return render_text(layout_report(document), columns)


def print_report(printer: ReceiptPrinter, document: PrintedReport) -> QueuedJob | None:
    """Queue the report on the till's printer, laid out to its paper width; None: no printer."""
    if not printer.enabled:
        return None
    return printer.print_document(layout_report(document, printer.layout))
