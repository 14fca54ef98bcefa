"""`pos report ...`: the day's X and Z reports and the managers' analytics, one command each."""

from __future__ import annotations

import typer

report_app = typer.Typer(help="Reports: X and Z for the day, sales and stock analytics.", no_args_is_help=True)
