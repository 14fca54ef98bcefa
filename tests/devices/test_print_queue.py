"""Receipts go through a queue on disk to a network printer that may be off, stuck or failing."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from pos_tui.devices.backoff import Backoff
from pos_tui.devices.escpos_render import EscPosRenderer, PrinterSettings
from pos_tui.devices.print_elements import drawer_kick
from pos_tui.devices.print_queue import JobKind, PrintQueue, QueueState, QueueStatus
from pos_tui.devices.printer_address import parse_printer_uri
from pos_tui.devices.printer_transport import transport_for
from pos_tui.devices.receipt import layout_receipt
from tests.devices.escpos_decoder import decode
from tests.devices.fake_printer import fake_printer, free_port
from tests.devices.sample_receipt import cash_sale, profile_code_pages, rupees
from tests.devices.waiting import wait_until

QUICK = Backoff(initial=0.05, maximum=0.2)


class StatusLog:
    def __init__(self) -> None:
        self.seen: list[QueueStatus] = []

    def errors(self) -> list[str]:
        return [s.last_error for s in self.seen if s.state is QueueState.RETRYING]


@pytest.fixture
def statuses() -> StatusLog:
    return StatusLog()


@pytest.fixture
def queue_for(tmp_path: Path, statuses: StatusLog) -> Iterator:  # type: ignore[type-arg]
    queues: list[PrintQueue] = []

    def make(uri: str) -> PrintQueue:
        queue = PrintQueue(tmp_path / "spool", transport_for(parse_printer_uri(uri)), QUICK, statuses.seen.append)
        queue.start()
        queues.append(queue)
        return queue

    yield make
    for queue in queues:
        queue.stop()


def render_receipt(**changes: object) -> bytes:
    return EscPosRenderer(PrinterSettings("TM-T88III")).render(layout_receipt(cash_sale(**changes), rupees))


def test_cash_sale_prints_the_receipt_and_kicks_the_drawer(queue_for, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with fake_printer() as printer:
        queue = queue_for(printer.uri)
        queue.enqueue(render_receipt(), JobKind.RECEIPT, "S-000123")
        [job] = printer.wait_for_jobs(1)
    page = decode(job, profile_code_pages("TM-T88III"))
    assert "Riaz General Store" in page.texts()
    assert any(text.startswith("TOTAL") and text.endswith("1,710.00") for text in page.texts())
    assert page.items[-2:] == ["cut", "drawer pin 2"]
    wait_until(lambda: queue.status().pending == 0, what="queue empty")
    assert [path.suffix for path in (tmp_path / "spool" / "done").iterdir()] == [".job"]


def test_a_reprint_reaches_the_printer_marked_duplicate(queue_for) -> None:  # type: ignore[no-untyped-def]
    with fake_printer() as printer:
        queue_for(printer.uri).enqueue(render_receipt(is_duplicate=True), JobKind.DUPLICATE, "S-000123")
        [job] = printer.wait_for_jobs(1)
    page = decode(job, profile_code_pages("TM-T88III"))
    assert page.texts().count("*** DUPLICATE ***") == 2
    assert "drawer pin 2" not in page.items


def test_printer_switched_off_keeps_the_job_and_prints_it_once_when_back(queue_for, statuses) -> None:  # type: ignore[no-untyped-def]
    port = free_port()
    queue = queue_for(f"tcp://127.0.0.1:{port}?timeout=0.5")
    started = time.monotonic()
    queue.enqueue(b"receipt S-1\n", JobKind.RECEIPT, "S-1")
    assert time.monotonic() - started < 0.1  # the sale screen never waits for the printer
    wait_until(lambda: len(statuses.errors()) >= 3, what="several failed attempts")
    assert queue.status().state is QueueState.RETRYING and queue.status().pending == 1
    assert "refused the connection" in statuses.errors()[0]
    assert "the sale is saved" in queue.status().last_error
    with fake_printer(port) as printer:
        assert printer.wait_for_jobs(1) == [b"receipt S-1\n"]
        wait_until(lambda: queue.status().ok and queue.status().pending == 0, what="queue recovered")
        time.sleep(0.3)  # several back-off periods: nothing may be sent again
        assert printer.jobs == [b"receipt S-1\n"]


def test_printer_that_accepts_and_hangs_times_out_and_is_retried(queue_for, statuses) -> None:  # type: ignore[no-untyped-def]
    with fake_printer(misbehaviours=["hang"]) as printer:
        queue = queue_for(f"{printer.uri}?timeout=0.3&confirm=status")
        queue.enqueue(b"receipt S-2\n", JobKind.RECEIPT, "S-2")
        assert printer.wait_for_jobs(1) == [b"receipt S-2\n"]
        assert printer.connections == 2
    assert "did not answer in 0.3 s" in statuses.errors()[0]
    wait_until(lambda: queue.status().pending == 0, what="queue empty")


def test_connection_reset_mid_job_is_not_counted_as_printed(queue_for, statuses) -> None:  # type: ignore[no-untyped-def]
    big_job = bytes(range(256)) * 16384  # 4 MiB: still sending when the printer resets
    with fake_printer(misbehaviours=[("reset", 100_000)]) as printer:
        queue = queue_for(printer.uri)
        queue.enqueue(big_job, JobKind.RECEIPT, "S-3")
        assert printer.wait_for_jobs(1) == [big_job]
        wait_until(lambda: queue.status().pending == 0, what="queue empty")
        assert printer.connections == 2
    assert "dropped the job" in statuses.errors()[0]


def test_small_job_reset_before_confirmation_is_retried(queue_for, statuses) -> None:  # type: ignore[no-untyped-def]
    with fake_printer(misbehaviours=[("reset", 5)]) as printer:
        queue = queue_for(f"{printer.uri}?confirm=status")
        queue.enqueue(b"receipt S-4\n", JobKind.RECEIPT, "S-4")
        assert printer.wait_for_jobs(1) == [b"receipt S-4\n"]
    assert statuses.errors(), "the reset attempt must have been reported"


def test_jobs_print_in_the_order_they_were_queued(queue_for) -> None:  # type: ignore[no-untyped-def]
    port = free_port()
    queue = queue_for(f"tcp://127.0.0.1:{port}?timeout=0.5")
    for number in range(1, 6):
        queue.enqueue(f"receipt S-{number}\n".encode(), JobKind.RECEIPT, f"S-{number}")
    queue.enqueue(EscPosRenderer(PrinterSettings()).render(drawer_kick(5)), JobKind.DRAWER)
    assert [job.sale_number for job in queue.pending_jobs()] == ["S-1", "S-2", "S-3", "S-4", "S-5", None]
    with fake_printer(port) as printer:
        jobs = printer.wait_for_jobs(6)
    assert jobs[:5] == [f"receipt S-{n}\n".encode() for n in range(1, 6)]
    assert decode(jobs[5], profile_code_pages("TM-T88III")).items == ["drawer pin 5"]


def test_queued_jobs_survive_a_restart_of_the_till(tmp_path: Path) -> None:
    port = free_port()
    spool = tmp_path / "spool"
    before = PrintQueue(spool, transport_for(parse_printer_uri(f"tcp://127.0.0.1:{port}?timeout=0.2")), QUICK)
    before.enqueue(b"receipt S-7\n", JobKind.RECEIPT, "S-7")
    (spool / "tmp" / "half-written.job").write_bytes(b"{")  # a crash mid-enqueue leaves this behind
    with fake_printer(port) as printer:
        after = PrintQueue(spool, transport_for(parse_printer_uri(printer.uri)), QUICK)
        assert after.status().pending == 1
        after.start()
        try:
            assert printer.wait_for_jobs(1) == [b"receipt S-7\n"]
        finally:
            after.stop()
    assert list((spool / "tmp").iterdir()) == []


def test_an_unreadable_job_file_is_set_aside_and_the_rest_still_print(tmp_path: Path) -> None:
    spool = tmp_path / "spool"
    with fake_printer() as printer:
        seen: list[QueueStatus] = []
        queue = PrintQueue(
            spool, transport_for(parse_printer_uri(printer.uri)), QUICK, seen.append, keep_done=False
        )
        (spool / "queue" / "00000000000000000001-1-aaaaaa.job").write_bytes(b"not json\n")
        queue.enqueue(b"receipt S-8\n", JobKind.RECEIPT, "S-8")
        queue.start()
        try:
            assert printer.wait_for_jobs(1) == [b"receipt S-8\n"]
            wait_until(lambda: queue.status().pending == 0, what="queue empty")
        finally:
            queue.stop()
    assert [p.name for p in (spool / "bad").iterdir()] == ["00000000000000000001-1-aaaaaa.job"]
    assert list((spool / "done").iterdir()) == []
    assert any("unreadable" in status.last_error and "reprint" in status.last_error for status in seen)
