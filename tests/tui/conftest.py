"""A real store in tmp_path and the real app over it, driven by Textual's pilot."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.message import Message
from textual.pilot import Pilot
from textual.widgets import Input

from pos_tui.services.session import Session
from pos_tui.tui.app import PosApp
from pos_tui.tui.theme import ThemeMemory
from tests.conftest import assert_verifies, make_store

ADMIN, ADMIN_PIN = "admin", "456789"


@pytest.fixture
def shop(tmp_path: Path) -> Iterator[Session]:
    """A stocked sample store; `pos db verify` must pass on it when the story ends."""
    session = make_store(tmp_path / "store.db")
    yield session
    session.close()
    assert_verifies(tmp_path / "store.db")


def make_app(session: Session, tmp_path: Path, *, theme: str | None = None, **kwargs: object) -> PosApp:
    memory = ThemeMemory(tmp_path / "state", key="test")
    if theme:
        memory.save(theme)
    return PosApp(session, theme_memory=memory, **kwargs)  # type: ignore[arg-type]


async def log_in(pilot: Pilot[None], user: str = ADMIN, pin: str = ADMIN_PIN) -> None:
    screen = pilot.app.screen
    screen.query_one("#user", Input).value = user
    screen.query_one("#pin", Input).value = pin
    screen.query_one("#pin", Input).focus()
    await pilot.press("enter")
    await wait_for(pilot, lambda: pilot.app.current_mode == "bucket")


async def scan(pilot: Pilot[None], code: str) -> None:
    """What a keyboard-wedge scanner does: the digits, then Enter (set at once: typing speed is not the point)."""
    field = pilot.app.screen.query_one("#scan", Input)
    field.value = code
    await pilot.press("enter")
    await pilot.pause()


async def wait_for(pilot: Pilot[None], condition: object, timeout: float = 60.0) -> None:
    """Let workers and message handlers run until ``condition()`` holds. The timeout is a ceiling for a
    stuck app, not an expectation: it returns as soon as the condition holds, and a shared two-core box
    under load (CI, a newcomer's laptop running two suites) can take seconds for a worker to run."""
    import asyncio

    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not _holds(condition):
        if loop.time() > deadline:
            raise AssertionError("timed out waiting for the app")
        await pilot.pause(0.02)
    await pilot.pause()


def _holds(condition: object) -> bool:
    """Whether ``condition()`` holds yet. A condition reads the screen on top, and on a loaded box a dialog
    (an approval, a question) may still be on top of the screen it reads, or a list still empty: that is
    "not yet", not a failure."""
    from textual.css.query import NoMatches  # a query on the dialog still on top: not a LookupError

    try:
        return bool(condition())  # type: ignore[operator]
    except (AttributeError, LookupError, NoMatches):
        return False


def names(messages: list[Message] | list[object]) -> list[str]:
    """Message class names in the order sent; a bubbling message is seen at each hop, counted once."""
    seen: set[int] = set()
    found = []
    for message in messages:
        if id(message) not in seen:
            seen.add(id(message))
            found.append(type(message).__name__)
    return found
