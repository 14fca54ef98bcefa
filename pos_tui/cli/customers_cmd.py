"""`pos customer`: customers from a shell (add, find, show, edit, merge, export, forget), the points
expiry run, and the managers' customer reports."""

from __future__ import annotations

from contextlib import closing
from typing import TYPE_CHECKING, Annotated

import typer

from pos_tui.cli.common import ConfigOption, DbOption, UserOption, acting_session, command_group, reports_errors

if TYPE_CHECKING:
    from pos_tui.services.customers.accounts import Customer
    from pos_tui.services.customers.reports import Table
    from pos_tui.services.session import Session

customer_app = command_group(help="Customers: add, find, show, edit, merge, export, forget; points and reports.")
report_app = command_group(help="Customer reports: top, visits, lapsed, history, liability, breakage.")
customer_app.add_typer(report_app, name="report")

CustomerArgument = Annotated[str, typer.Argument(help="The customer's number (#12), card, or a phone that finds one.")]
Phone = Annotated[str, typer.Option("--phone", help="Phone number (digits are kept).")]
Email = Annotated[str, typer.Option("--email", help="Email address.")]


def _line(session: Session, customer: Customer) -> str:
    from pos_tui.services.customers.balances import balance

    held = balance(session, customer.customer_id)
    person = customer.person
    contact = f"  {person.phone or '-'}  {person.email or '-'}" if person else ""
    return (f"#{customer.customer_id:<6} {customer.label:<28}{contact}  card {customer.card}"
            f"  {held.points} points  credit {session.money(held.credit)}")


@customer_app.command()
@reports_errors
def add(
    name: Annotated[str, typer.Argument(help="The customer's name.")],
    phone: Phone = "",
    email: Email = "",
    email_receipts: Annotated[bool, typer.Option("--email-receipts", help="They agree to receipts by email.")] = False,
    sms_receipts: Annotated[bool, typer.Option("--sms-receipts", help="They agree to receipts by SMS.")] = False,
    db: DbOption = None,
    config: ConfigOption = None,
    user: UserOption = None,
) -> None:
    """Add a customer (name and phone are enough); prints their number and card."""
    from pos_tui.services.customers.accounts import Person, add_customer

    with closing(acting_session(db, config, user)) as session:
        customer = add_customer(session, Person(name, phone, email, email_receipts, sms_receipts))
        typer.echo(f"Added customer #{customer.customer_id}, card {customer.card}.")


@customer_app.command()
@reports_errors
def find(
    text: Annotated[str, typer.Argument(help="The start of a phone number, name or email; or a card scan.")],
    db: DbOption = None,
    config: ConfigOption = None,
    user: UserOption = None,
) -> None:
    """Find customers by phone prefix, name, email or card."""
    from pos_tui.services.customers.accounts import find_customers

    with closing(acting_session(db, config, user)) as session:
        found = find_customers(session, text)
        if not found:
            typer.echo(f"No customer matches {text!r}.")
        for customer in found:
            typer.echo(_line(session, customer))


@customer_app.command()
@reports_errors
def show(customer: CustomerArgument, db: DbOption = None, config: ConfigOption = None, user: UserOption = None) -> None:
    """A customer's details, balances and last visits."""
    from pos_tui.domain.loyalty import mask_phone
    from pos_tui.services.customers.accounts import customer_by_reference
    from pos_tui.services.customers.balances import balance, last_visits
    from pos_tui.services.selling.sales import sale_reference

    with closing(acting_session(db, config, user)) as session:
        found = customer_by_reference(session, customer)
        held = balance(session, found.customer_id)
        typer.echo(f"Customer #{found.customer_id}: {found.label}")
        typer.echo(f"  card     {found.card}")
        if found.person is not None:
            person = found.person
            typer.echo(f"  phone    {mask_phone(person.phone) if person.phone else '-'}"
                       f"   receipts by SMS: {'yes' if person.sms_ok else 'no'}")
            typer.echo(f"  email    {person.email or '-'}   receipts by email: {'yes' if person.email_ok else 'no'}")
        expired = f" ({held.expired} expired, not yet written off)" if held.expired else ""
        typer.echo(f"  points   {held.points} worth {session.money(held.points_value)}{expired}")
        typer.echo(f"  credit   {session.money(held.credit)}")
        for visit in last_visits(session, found.customer_id):
            when = session.local_time(visit.at).strftime("%Y-%m-%d %H:%M")
            typer.echo(f"  visit    {when}  {sale_reference(visit.terminal, visit.number)}"
                       f"  {session.money(visit.total)}  +{visit.points_earned} points")


@customer_app.command()
@reports_errors
def edit(
    customer: CustomerArgument,
    name: Annotated[str | None, typer.Option("--name", help="New name.")] = None,
    phone: Annotated[str | None, typer.Option("--phone", help="New phone number ('' to remove).")] = None,
    email: Annotated[str | None, typer.Option("--email", help="New email ('' to remove).")] = None,
    email_receipts: Annotated[bool | None, typer.Option("--email-receipts/--no-email-receipts",
                                                        help="Consent to receipts by email.")] = None,
    sms_receipts: Annotated[bool | None, typer.Option("--sms-receipts/--no-sms-receipts",
                                                      help="Consent to receipts by SMS.")] = None,
    db: DbOption = None,
    config: ConfigOption = None,
    user: UserOption = None,
) -> None:
    """Change a customer's details or consent; what is not given stays."""
    from dataclasses import replace

    from pos_tui.domain.errors import RuleViolation
    from pos_tui.services.customers.accounts import customer_by_reference, edit_customer

    with closing(acting_session(db, config, user)) as session:
        found = customer_by_reference(session, customer)
        if found.person is None:
            raise RuleViolation(f"Customer #{found.customer_id} was forgotten: there is nothing to edit.", "")
        changes = {key: value for key, value in (("name", name), ("phone", phone), ("email", email),
                                                  ("email_ok", email_receipts), ("sms_ok", sms_receipts))
                   if value is not None}
        edited = edit_customer(session, found.customer_id, replace(found.person, **changes))
        typer.echo(f"Customer #{edited.customer_id} changed.")


@customer_app.command()
@reports_errors
def merge(
    duplicate: Annotated[str, typer.Argument(help="The record to merge away (its number).")],
    into: Annotated[str, typer.Argument(help="The record that stays.")],
    db: DbOption = None,
    config: ConfigOption = None,
    user: UserOption = None,
) -> None:
    """Merge two records of one person: visits, points and credit move; the first one's details are erased."""
    from pos_tui.services.customers.accounts import customer_by_reference, merge_customers

    with closing(acting_session(db, config, user)) as session:
        source, target = customer_by_reference(session, duplicate), customer_by_reference(session, into)
        merged = merge_customers(session, source.customer_id, target.customer_id)
        typer.echo(f"Merged #{source.customer_id} into #{merged.customer_id}.")


@customer_app.command()
@reports_errors
def export(db: DbOption = None, config: ConfigOption = None, user: UserOption = None) -> None:
    """Every customer with details and balances, as CSV on stdout."""
    from pos_tui.cli.common import print_csv
    from pos_tui.services.customers.accounts import EXPORT_HEADER, export_customers

    with closing(acting_session(db, config, user)) as session:
        print_csv(EXPORT_HEADER, export_customers(session))


@customer_app.command()
@reports_errors
def forget(
    customer: CustomerArgument,
    yes: Annotated[bool, typer.Option("--yes", help="Confirm: the details cannot be brought back.")] = False,
    db: DbOption = None,
    config: ConfigOption = None,
    user: UserOption = None,
) -> None:
    """Erase a customer's name, phone and email for good; their number, visits and balances stay."""
    from pos_tui.domain.errors import InvalidInput
    from pos_tui.services.customers.accounts import (
        customer_by_reference,
        forget_customer,
        get_customer,
        wipe_old_pages,
    )

    if not yes:
        raise InvalidInput("Forgetting a customer cannot be undone.", "Add --yes to confirm; nothing was changed.")
    with closing(acting_session(db, config, user)) as session:
        found = customer_by_reference(session, customer) if not customer.strip().lstrip("#").isdigit() else \
            get_customer(session, int(customer.strip().lstrip("#")))
        if found.person is None:  # forgotten before: make sure no old page is left
            wiped = wipe_old_pages(session)
            typer.echo(f"Customer #{found.customer_id} has no details left (forgotten or merged); old pages "
                       f"{'wiped' if wiped else 'still in use by another till: run this again later'}.")
            return
        wiped = forget_customer(session, found.customer_id)
        typer.echo(f"Customer #{found.customer_id} forgotten: details erased, balances kept.")
        if not wiped:
            typer.secho("Another till was reading: older copies may stay in the database's write-ahead log until"
                        " it is checkpointed. Run this again when the tills are quiet to make sure.",
                        fg=typer.colors.YELLOW, err=True)


@customer_app.command("expire-points")
@reports_errors
def expire_points(db: DbOption = None, config: ConfigOption = None, user: UserOption = None) -> None:
    """Expire the points older than [loyalty] expiry_months (breakage); safe to run every day (systemd timer)."""
    from pos_tui.cli.common import session_from
    from pos_tui.services.customers.loyalty import expire_points as expire

    # A scheduled job: the journal names "system" unless a user runs it by hand with --user.
    with closing(acting_session(db, config, user) if user else session_from(db, config)) as session:
        event = expire(session)
        if event is None:
            typer.echo("No points to expire.")
            return
        points = sum(c.points for c in event.customers)
        value = sum(c.value for c in event.customers)
        typer.echo(f"Expired {points} points ({session.money(value)}) of {len(event.customers)} customers.")


def _print(session: Session, table: Table) -> None:
    from pos_tui.domain.permissions import Action
    from pos_tui.services.staff import authz

    authz.require(session, Action.REPORTS)  # what customers spend is for those who read reports
    typer.echo(table.title)
    rows = [[session.money(v) if i in table.money_columns and isinstance(v, int) else str(v)
             for i, v in enumerate(row)] for row in table.rows]
    widths = [max([len(c), *(len(r[i]) for r in rows)]) for i, c in enumerate(table.columns)]
    typer.echo("  ".join(c.ljust(w) for c, w in zip(table.columns, widths, strict=True)).rstrip())
    for row in rows:
        typer.echo("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())


Days = Annotated[int, typer.Option("--days", help="How many days back.")]


@report_app.command()
@reports_errors
def top(days: Days = 365, db: DbOption = None, config: ConfigOption = None, user: UserOption = None) -> None:
    """The customers who spent most."""
    from pos_tui.services.customers import reports

    with closing(acting_session(db, config, user)) as session:
        _print(session, reports.top_customers(session, *reports.days_back(session, days)))


@report_app.command()
@reports_errors
def visits(days: Days = 365, db: DbOption = None, config: ConfigOption = None, user: UserOption = None) -> None:
    """How many customers came once, a few times, often."""
    from pos_tui.services.customers import reports

    with closing(acting_session(db, config, user)) as session:
        _print(session, reports.visit_frequency(session, *reports.days_back(session, days)))


@report_app.command()
@reports_errors
def lapsed(days: Days = 90, db: DbOption = None, config: ConfigOption = None, user: UserOption = None) -> None:
    """Customers who stopped coming: not seen for --days."""
    from pos_tui.services.customers import reports

    with closing(acting_session(db, config, user)) as session:
        _print(session, reports.lapsed_customers(session, reports.days_back(session, days)[0]))


@report_app.command()
@reports_errors
def history(customer: CustomerArgument, db: DbOption = None, config: ConfigOption = None,
            user: UserOption = None) -> None:
    """One customer's purchases."""
    from pos_tui.services.customers import reports
    from pos_tui.services.customers.accounts import customer_by_reference

    with closing(acting_session(db, config, user)) as session:
        _print(session, reports.purchase_history(session, customer_by_reference(session, customer).customer_id))


@report_app.command()
@reports_errors
def liability(db: DbOption = None, config: ConfigOption = None, user: UserOption = None) -> None:
    """Points and store credit outstanding, beside the ledger's liability accounts."""
    from pos_tui.services.customers import reports

    with closing(acting_session(db, config, user)) as session:
        _print(session, reports.liability(session))


@report_app.command()
@reports_errors
def breakage(db: DbOption = None, config: ConfigOption = None, user: UserOption = None) -> None:
    """Points expired by each expiry run, and their value."""
    from pos_tui.services.customers import reports

    with closing(acting_session(db, config, user)) as session:
        _print(session, reports.breakage(session))
