"""Keyset paging for long lists: remember where each page began, so Back costs no OFFSET scan."""

from __future__ import annotations

from typing import Generic, TypeVar

Key = TypeVar("Key")


class KeysetPager(Generic[Key]):
    def __init__(self, first: Key, page_size: int) -> None:
        self._first = first
        self.page_size = page_size
        self.starts: list[Key] = [first]
        self.page = 0

    @property
    def start(self) -> Key:
        """The key the current page starts after."""
        return self.starts[self.page]

    def reset(self) -> None:
        self.starts, self.page = [self._first], 0

    def turn(self, step: int, rows_on_page: int, last_key: Key | None) -> str | None:
        """Move one page forward (step > 0) or back; returns why not, when it cannot."""
        if step > 0:
            if rows_on_page < self.page_size or last_key is None:
                return "This is the last page."
            if self.page + 1 >= len(self.starts):
                self.starts.append(last_key)
            self.page += 1
            return None
        if self.page == 0:
            return "This is the first page."
        self.page -= 1
        return None
