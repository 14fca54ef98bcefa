"""`pos table` and `pos kitchen` from a shell, in real processes: an evening at one table."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import assert_verifies
from tests.restaurant.conftest import make_restaurant

CONFIG = """
[terminal]
mode = "restaurant"

[devices.printer]
spool_dir = "{spool}"

[[restaurant.floors]]
name = "Main"
tables = [1, 2, 3]

[restaurant.stations.kitchen]
[restaurant.stations.bar]

[restaurant.category_stations]
Drinks = "bar"

[[restaurant.modifiers]]
name = "extra cheese"
price = 15000
applies_to = ["Pizza"]
"""


def test_an_evening_at_table_two_from_the_shell(tmp_path: Path) -> None:
    path = tmp_path / "store.db"
    make_restaurant(path, tmp_path / "spool").close()
    config = tmp_path / "pos.toml"
    config.write_text(CONFIG.format(spool=tmp_path / "spool"))

    def pos(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "pos_tui.cli.main", *args, "--db", str(path), "--config",
                               str(config)], capture_output=True, text=True, input=stdin)

    def ok(*args: str, stdin: str = "") -> str:
        done = pos(*args, stdin=stdin)
        assert done.returncode == 0, done.stderr
        return done.stdout

    assert "Table 2: order 1, 3 covers." in ok("table", "open", "2", "--covers", "3", "--user", "asma")
    assert "line #1 1 x Pizza (Large) Rs 1,550.00" in ok("table", "add", "2", "PZ-L", "--mod", "extra cheese",
                                                          "--user", "asma")
    refused = pos("table", "add", "2", "COLA", "--mod", "extra cheese", "--user", "asma")
    assert refused.returncode == 1 and "'extra cheese' is not a modifier for Cola" in refused.stderr
    assert "Traceback" not in refused.stderr
    ok("table", "add", "2", "COLA", "--qty", "2", "--user", "asma")
    sent = ok("table", "send", "2", "--user", "asma")
    assert "Ticket 1 to bar: 1 line." in sent and "Ticket 2 to kitchen: 1 line." in sent
    assert "nothing new to send" in ok("table", "send", "2", "--user", "asma")
    voided = pos("table", "void", "2", "2", "--reason", "spilt", "--user", "asma", "--approved-by", "sara",
                 stdin="234567\n")
    assert voided.returncode == 0 and "VOID ticket 3" in voided.stdout, voided.stderr
    assert "occupied" in ok("table", "floor")
    occupied = pos("table", "transfer", "2", "1", "--user", "asma")
    assert occupied.returncode == 0 and "now on table 1" in occupied.stdout
    log = ok("kitchen", "tickets")
    assert "VOID 2 x Cola" in log and "table 2" in log
    assert "Rs 1,550.00" in ok("table", "bill", "1", "--user", "asma")
    paid = ok("table", "pay", "1", "--pay", "card:1550", "--tip", "100", "--user", "asma")
    assert "Sale T1-000001: Rs 1,550.00, tip Rs 100.00. Table 1 is free." in paid
    assert_verifies(path)


def test_the_restaurant_report_from_the_shell(tmp_path: Path) -> None:
    from pos_tui.domain.tender import Tender
    from pos_tui.services.restaurant import bills, floor, orders

    path = tmp_path / "store.db"
    admin = make_restaurant(path, tmp_path / "spool")
    waiter = admin.as_user("asma")
    floor.open_table(waiter, 1, covers=2)
    orders.add_line(waiter, 1, "SOUP")
    bills.pay(waiter, 1, [Tender("cash", 45000)])
    floor.open_table(waiter, 2, covers=1)
    admin.close()
    config = tmp_path / "pos.toml"
    config.write_text(CONFIG.format(spool=tmp_path / "spool"))
    done = subprocess.run([sys.executable, "-m", "pos_tui.cli.main", "table", "report", "--db", str(path),
                           "--config", str(config)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "Rs 450.00 from 2 covers, Rs 225.00 a cover" in done.stdout
    assert "table 1" in done.stdout and "Starters" in done.stdout and "Open tables: 2 (1 covers, asma)." in done.stdout
    by_table = subprocess.run([sys.executable, "-m", "pos_tui.cli.main", "report", "restaurant-by-table", "--format",
                               "json", "--db", str(path), "--config", str(config)], capture_output=True, text=True)
    assert by_table.returncode == 0, by_table.stderr
    document = json.loads(by_table.stdout)
    [row] = document["rows"]
    assert (row["table"], row["bills"], row["covers"], row["sales"], row["per_cover"]) == ("1", 1, 2, 45000, 22500)


def test_the_readmes_restaurant_block_runs_as_written(tmp_path: Path) -> None:
    """The README's restaurant commands, line by line through a shell, on a restaurant whose pos.toml is
    where a till looks for it (./config/pos.toml) and whose store is at its default path."""
    from tests.test_readme_commands import command_part, readme_commands

    (tmp_path / "var").mkdir()
    (tmp_path / "config").mkdir()
    make_restaurant(tmp_path / "var" / "pos.db", tmp_path / "spool").close()
    floor = CONFIG.format(spool=tmp_path / "spool").replace("tables = [1, 2, 3]", "tables = [1, 2, 3, 4, 5, 6, 7]")
    (tmp_path / "config" / "pos.toml").write_text(floor)
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    env.pop("POS_CONFIG", None)
    commands = [command_part(line) for line in readme_commands("## A restaurant")]
    assert len(commands) >= 8
    for command in commands:
        done = subprocess.run(["bash", "-c", command], cwd=tmp_path, env=env, capture_output=True, text=True,
                              timeout=300)
        assert done.returncode == 0 and "Traceback" not in done.stderr, f"{command}\n{done.stdout}\n{done.stderr}"
    assert_verifies(tmp_path / "var" / "pos.db")
