"""A pseudo-terminal pair standing in for a serial cable: we hold the master, the code opens the slave."""

from __future__ import annotations

import errno
import os
import select
import time
import tty
from pathlib import Path


class FakeSerialLine:
    """``port`` is a stable symlink to the pty slave, like a udev ``/dev/pos-...`` link."""

    def __init__(self, link: Path) -> None:
        self.port = str(link)
        self._link = link
        self.master = -1
        self.plug_in()

    def plug_in(self) -> None:
        master, slave = os.openpty()
        tty.setraw(slave)  # no echo, no line editing: a cable, not a terminal
        slave_path = os.ttyname(slave)
        os.close(slave)
        self.master = master
        self._link.unlink(missing_ok=True)
        self._link.symlink_to(slave_path)

    def unplug(self) -> None:
        self._link.unlink(missing_ok=True)
        if self.master >= 0:
            os.close(self.master)
            self.master = -1

    def send(self, data: bytes) -> None:
        os.write(self.master, data)

    def received(self, settle: float = 0.2) -> bytes:
        """Everything the code wrote to the slave, once the line has been quiet for ``settle`` s."""
        chunks = []
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            readable, _, _ = select.select([self.master], [], [], settle)
            if not readable:
                break
            try:
                chunks.append(os.read(self.master, 65536))
            except OSError as error:
                if error.errno != errno.EIO:
                    raise
                break  # the code closed its end after writing: everything has been read

        return b"".join(chunks)
