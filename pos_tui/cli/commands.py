"""The `pos` commands: where each one lives and what it does, in one table that imports none of them.

`pos` reads this table to say what it can do (`pos --help`) and to import only the module of the
command being run: loading every group cost about 1.8 s of CPU a command (typer, pydantic models,
python-escpos's printer profiles, the services of every area). `tests/test_cli_tree.py` holds each
row to the command it names, so the table cannot drift from the code.
"""

from __future__ import annotations


class CommandEntry:
    """One word after `pos`: a group of commands (a `typer.Typer`) or a single command (a function).

    A plain class, not a dataclass: `pos --help` reads this table, and importing `dataclasses` alone
    costs more than the whole `python -c "import sqlite3"` that a command's start is measured against."""

    __slots__ = ("attribute", "group", "module", "name", "summary")

    def __init__(self, name: str, module: str, attribute: str, summary: str, group: bool = True) -> None:
        self.name, self.module, self.attribute, self.summary, self.group = name, module, attribute, summary, group

    def __repr__(self) -> str:
        return f"CommandEntry({self.name!r}, {self.module!r}, {self.attribute!r}, group={self.group})"


COMMANDS: tuple[CommandEntry, ...] = (
    CommandEntry("init", "pos_tui.cli.store_cmd", "init",
                 "Create a store database: store details, tax classes and the first admin user.", group=False),
    CommandEntry("status", "pos_tui.cli.store_cmd", "status",
                 "The store's status: database, journal head, today's sales.", group=False),
    CommandEntry("demo", "pos_tui.cli.demo_cmd", "demo_command",
                 "Create a new store with a generated catalogue and DAYS of back-dated sales, returns and deliveries.",
                 group=False),
    CommandEntry("sale", "pos_tui.cli.selling_cmd", "sale",
                 "Sell the scanned items, take the payments, and print the receipt.", group=False),
    CommandEntry("return", "pos_tui.cli.selling_cmd", "return_",
                 "Take goods back against a sale (--sale, --line, --qty), or without a receipt (--scan), and refund "
                 "them.", group=False),
    CommandEntry("void", "pos_tui.cli.selling_cmd", "void",
                 "Void a completed sale: a full return, refunded the way it was paid.", group=False),
    CommandEntry("reprint", "pos_tui.cli.store_cmd", "reprint",
                 "Print a sale's receipt again, marked DUPLICATE (it never opens the drawer).", group=False),
    CommandEntry("giftcard", "pos_tui.cli.giftcard_cmd", "giftcard_app",
                 "Gift cards: sell, reload, check a balance, block a lost card, list the liability."),
    CommandEntry("outbox", "pos_tui.cli.outbox_cmd", "outbox_app",
                 "Receipts by email or SMS: queue, send (once, or as a service), list, retry, purge."),
    CommandEntry("product", "pos_tui.cli.product_cmd", "product_app",
                 "Look products up; add, edit, retire and restore them."),
    CommandEntry("stock", "pos_tui.cli.inventory_cmd", "stock_app",
                 "Stock adjustments with a reason from the list in pos.toml."),
    CommandEntry("po", "pos_tui.cli.inventory_cmd", "po_app",
                 "Purchase orders: make, export, and receive deliveries against them by scan."),
    CommandEntry("stocktake", "pos_tui.cli.inventory_cmd", "stocktake_app",
                 "Stocktakes: count by scan on any till, review the variance, post it."),
    CommandEntry("transfer", "pos_tui.cli.transfer_cmd", "transfer_app",
                 "Stock transfers between stores: request, ship (with head office's approval), receive."),
    CommandEntry("catalog", "pos_tui.cli.catalog_cmd", "catalog_app",
                 "Import and export the catalogue as CSV (UTF-8) a spreadsheet can open."),
    CommandEntry("table", "pos_tui.cli.restaurant_cmd", "table_app",
                 "A restaurant's tables: open, order, send to the kitchen, move, split and pay."),
    CommandEntry("kitchen", "pos_tui.cli.restaurant_cmd", "kitchen_app",
                 "Kitchen tickets: the log of what each station got, and reprints."),
    CommandEntry("shift", "pos_tui.cli.cash_cmd", "shift_app",
                 "Shifts: open with a float, close with a blind count, see what is open."),
    CommandEntry("cash", "pos_tui.cli.cash_cmd", "cash_app",
                 "Cash outside sales: paid in, paid out, drops to the safe, expenses, no-sale."),
    CommandEntry("daybook", "pos_tui.cli.daybook_cmd", "daybook_command",
                 "Every money movement of a range of days: time, kind, reference, cashier, method, in, out.",
                 group=False),
    CommandEntry("report", "pos_tui.cli.report_cmd", "report_app",
                 "Reports: X and Z for the day, sales and stock analytics."),
    CommandEntry("export", "pos_tui.cli.export_cmd", "export_app",
                 "Export the books (hledger, ledger, beancount, CSV)."),
    CommandEntry("customer", "pos_tui.cli.customers_cmd", "customer_app",
                 "Customers: add, find, show, edit, merge, export, forget; points and reports."),
    CommandEntry("user", "pos_tui.cli.people_cmd", "user_app", "Users and PINs."),
    CommandEntry("staff", "pos_tui.cli.staff_cmd", "staff_app",
                 "Employees: clock in/out, hours for payroll, sales per cashier, commissions."),
    CommandEntry("audit", "pos_tui.cli.audit_cmd", "audit_command",
                 "Sensitive events of a period: who did what, who approved it, and why. Reads only.", group=False),
    CommandEntry("api", "pos_tui.cli.api_cmd", "api_app",
                 "The HTTP/JSON API for integrations: tokens, the service, webhooks."),
    CommandEntry("db", "pos_tui.cli.db_cmd", "db_app", "The store database: migrate, verify, rebuild."),
    CommandEntry("backup", "pos_tui.cli.backup_cmd", "backup_app",
                 "Encrypted, signed snapshots and journal segments; verify and restore them."),
    CommandEntry("devices", "pos_tui.cli.devices_cmd", "devices_app",
                 "Scanners, receipt printer, cash drawer and customer display of this till."),
    CommandEntry("sync", "pos_tui.cli.sync_cmd", "sync_command",
                 "Send this store's journal to head office over NATS (its own process); stop on a fork.", group=False),
    CommandEntry("hq", "pos_tui.cli.hq_cmd", "hq_app",
                 "Head office: PostgreSQL schema, stores and terminals, the ingest consumer, reports."),
    CommandEntry("doctor", "pos_tui.cli.doctor_cmd", "doctor_command",
                 "Check that this till is fit to sell; the exit status is 0 only when every check passes.",
                 group=False),
)

BY_NAME: dict[str, CommandEntry] = {entry.name: entry for entry in COMMANDS}

SUMMARY = "pos_tui: a point of sale in the terminal. With no command, opens the till on the configured store."

# The options every command takes, before the command or after it (`pos --db X sale ...` is
# `pos sale ... --db X`), with what each says in help.
GLOBAL_OPTIONS: tuple[tuple[str, str], ...] = (
    ("--db PATH", "Store database (default: database.path from the config)."),
    ("--config PATH", "Config file (default: $POS_CONFIG, /etc/pos/pos.toml, ./config/pos.toml)."),
    ("--read-only", "Open for reading only (managers over SSH); a command that would write refuses."),
)


def overview() -> str:
    """`pos --help`: what `pos` does, its common options and every command, from this table alone."""
    width = max(len(entry.name) for entry in COMMANDS) + 2
    option_width = max(len(option) for option, _ in GLOBAL_OPTIONS) + 2
    lines = ["Usage: pos [OPTIONS] [COMMAND] [ARGS]...", "", SUMMARY, "",
             "Options (before or after the command):"]
    lines += [f"  {option:<{option_width}}{text}" for option, text in GLOBAL_OPTIONS]
    lines += [f"  {'--help':<{option_width}}Show this message and exit.", "", "Commands:"]
    lines += [f"  {entry.name:<{width}}{entry.summary}" for entry in COMMANDS]
    lines += ["", "Run `pos COMMAND --help` for a command's own options."]
    return "\n".join(lines) + "\n"
