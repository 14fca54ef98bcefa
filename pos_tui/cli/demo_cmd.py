"""`pos demo`: create a store full of generated products and past trading, to try things out."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from pos_tui.cli.common import ConfigOption, refuse_when_read_only, reports_errors, settings_from
from pos_tui.services.demo.store import DEFAULT_SALES_PER_DAY, build_demo


class _StderrProgress:
    """One line per stage on stderr, and a count every few seconds for the long ones."""

    def __init__(self, every_seconds: float = 5.0) -> None:
        self.started = time.monotonic()
        self.every = every_seconds
        self.last_stage = ""
        self.last_shown = 0.0

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if stage == self.last_stage and done < total and now - self.last_shown < self.every:
            return
        self.last_stage, self.last_shown = stage, now
        typer.echo(f"[{now - self.started:6.1f}s] {stage}: {done:,}/{total:,}", err=True)


@reports_errors
def demo_command(
    db: Annotated[Path, typer.Option("--db", help="Where to create the demo store (must not exist yet).")],
    skus: Annotated[int, typer.Option("--skus", min=10, help="How many products to generate.")] = 20_000,
    days: Annotated[int, typer.Option("--days", min=1, help="Days of past trading, ending yesterday.")] = 30,
    seed: Annotated[int, typer.Option("--seed", help="The same seed gives the same catalogue and sales.")] = 1,
    sales_per_day: Annotated[
        int, typer.Option("--sales-per-day", min=0, help="Average sales per day (365 days x 275 = ~100k sales).")
    ] = DEFAULT_SALES_PER_DAY,
    lines_per_sale: Annotated[
        int, typer.Option("--lines-per-sale", min=0, help="Average lines per sale (0: the usual mix, ~3.5).")
    ] = 0,
    config: ConfigOption = None,
) -> None:
    """Create a new store with a generated catalogue and DAYS of back-dated sales, returns and deliveries."""
    refuse_when_read_only("`pos demo`")
    settings = settings_from(config)
    started = time.monotonic()
    summary = build_demo(settings, db, skus=skus, days=days, seed=seed, sales_per_day=sales_per_day,
                         lines_per_sale=lines_per_sale,
                         progress=_StderrProgress())
    elapsed = time.monotonic() - started
    money = settings.currency().format
    typer.echo(f"Demo store created at {summary.path} in {elapsed:.1f} s.")
    typer.echo(f"  {summary.products:,} products; trading {summary.first_day} to {summary.last_day}:")
    typer.echo(f"  {summary.sales:,} sales, {summary.returns:,} returns, {summary.voids:,} voids, "
               f"{summary.receipts:,} stock receipts; takings {money(summary.takings)}.")
    typer.echo(f"  Journal: {summary.journal_entries:,} entries.")
    typer.echo("Users (log in with these PINs):")
    for username, pin, role in summary.users:
        typer.echo(f"  {username:<11} PIN {pin}  ({role})")
