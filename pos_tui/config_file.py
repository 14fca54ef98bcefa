"""Where the config file is, and the settings of a process that has none, without the pydantic models.

`config.py` reads and checks the file with pydantic models; importing them costs about half of a
report command's start (docs/performance.md, "Commands"). A command that reads a store needs only the
database path and the terminal id, so when no config file exists it may take those defaults from
here and build the models only if something asks for another setting (`cli/reading.py`). When a
file exists, it is read and checked whole by `config.load_settings`, as ever: a broken file is
refused by every command the same way.
"""

from __future__ import annotations

import os
from pathlib import Path

from pos_tui.domain.errors import ConfigError

SYSTEM_CONFIG = Path("/etc/pos/pos.toml")
LOCAL_CONFIG = Path("config/pos.toml")

# The defaults of `[terminal] id` and `[database] path` (config.TerminalSettings, DatabaseSettings).
DEFAULT_TERMINAL_ID = "T1"
DEFAULT_DATABASE_PATH = Path("var/pos.db")


def find_config(explicit: Path | None = None) -> Path | None:
    if explicit is not None:
        if not explicit.is_file():
            raise ConfigError(f"No config file at {explicit}.", "Check the --config path.")
        return explicit
    from_env = os.environ.get("POS_CONFIG")
    if from_env:
        if not Path(from_env).is_file():
            raise ConfigError(f"POS_CONFIG names {from_env}, which is not a file.", "Fix or unset POS_CONFIG.")
        return Path(from_env)
    for candidate in (SYSTEM_CONFIG, LOCAL_CONFIG):
        if candidate.is_file():
            return candidate
    return None

