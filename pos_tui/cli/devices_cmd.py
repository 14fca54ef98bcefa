"""`pos devices`: setting up a till's scanners, printer, drawer and customer display.

Also the `--printer` option and the printed/queued report that `pos sale` and `pos reprint` share.
"""

from __future__ import annotations

import os
import threading
import time
from typing import TYPE_CHECKING, Annotated

import typer

from pos_tui.cli.common import (
    ConfigOption,
    DbOption,
    command_group,
    fail,
    refuse_when_read_only,
    reports_errors,
    settings_from,
)
from pos_tui.devices.errors import DeviceConfigError

if TYPE_CHECKING:  # the config models and the printing service load when a command runs, not for its help
    from pos_tui.config import Settings
    from pos_tui.services.selling.printing import QueuedJob, ReceiptPrinter

devices_app = command_group(
    help="Scanners, receipt printer, cash drawer and customer display of this till.", no_args_is_help=True
)

PrinterOption = Annotated[
    str | None,
    typer.Option(
        "--printer",
        help="Printer URI: tcp://host:9100, usb://04b8:0202, serial:///dev/ttyS0?baud=19200, file:///dev/usb/lp0 "
        "or none (default: devices.printer.uri from the config).",
    ),
]
WaitOption = Annotated[
    float | None,
    typer.Option("--wait", help="Seconds to wait for the printer (default: devices.printer.wait_seconds)."),
]


def printer_from(settings: Settings, uri: str | None, *, before_sale: bool = False) -> ReceiptPrinter:
    """The till's printer, started. Refuses a wrong printer setting before anything is sold."""
    from pos_tui.services.selling.printing import ReceiptPrinter

    try:
        printer = ReceiptPrinter(settings, uri=uri)
    except DeviceConfigError as error:
        if not before_sale:
            raise
        raise DeviceConfigError(
            error.message, f"{error.hint} Nothing was sold; pass --printer none to sell without printing."
        ) from error
    printer.start()
    return printer


def report_job(printer: ReceiptPrinter, job: QueuedJob | None, wait: float | None, what: str) -> bool:
    """Wait up to ``wait`` seconds for ``job``; say on stderr whether it printed or waits in the queue."""
    if not printer.enabled:
        return False
    if job is None:
        typer.secho(printer.status().last_error, fg=typer.colors.YELLOW, err=True)
        return False
    if printer.wait_printed(job, wait):
        typer.echo(f"{what} printed on {printer.name}.", err=True)
        return True
    status = printer.status()
    why = status.last_error or f"{printer.name} has not taken it yet."
    typer.secho(
        f"{what} is queued for retry: {why} It prints, in order, when the printer is back and a till program is "
        "running (or run `pos devices queue`).",
        fg=typer.colors.YELLOW,
        err=True,
    )
    return False


@devices_app.command("test-print")
@reports_errors
def test_print(
    printer: PrinterOption = None, wait: WaitOption = None, config: ConfigOption = None, db: DbOption = None
) -> None:
    """Print a test page: profile, columns, code page samples, a barcode and a QR code."""
    refuse_when_read_only("`pos devices test-print`")
    receipt_printer = printer_from(settings_from(config), printer)
    try:
        if not report_job(receipt_printer, receipt_printer.test_page(), wait, "The test page"):
            raise typer.Exit(2)
    finally:
        receipt_printer.close()


@devices_app.command("drawer")
@reports_errors
def drawer(
    printer: PrinterOption = None, wait: WaitOption = None, config: ConfigOption = None, db: DbOption = None
) -> None:
    """Kick the cash drawer plugged into the printer."""
    refuse_when_read_only("`pos devices drawer`")
    receipt_printer = printer_from(settings_from(config), printer)
    try:
        if not report_job(receipt_printer, receipt_printer.kick_drawer(), wait, "The drawer kick"):
            raise typer.Exit(2)
    finally:
        receipt_printer.close()


@devices_app.command("queue")
@reports_errors
def queue(
    printer: PrinterOption = None, wait: WaitOption = None, config: ConfigOption = None, db: DbOption = None
) -> None:
    """Show the print jobs waiting for the printer and try to print them now."""
    refuse_when_read_only("`pos devices queue`")
    from pos_tui.services.selling.printing import ReceiptPrinter, waiting_jobs

    receipt_printer = ReceiptPrinter(settings_from(config), uri=printer)
    try:
        if not receipt_printer.enabled:
            fail("No printer is configured; set devices.printer.uri or pass --printer URI.")
        assert receipt_printer.spool is not None
        before = waiting_jobs(receipt_printer.spool)  # counted before the queue starts sending
        typer.echo(f"{receipt_printer.name}: {before} job{'s' if before != 1 else ''} waiting.")
        receipt_printer.start()
        deadline = time.monotonic() + (receipt_printer.wait_seconds if wait is None else wait)
        while waiting_jobs(receipt_printer.spool) and time.monotonic() < deadline:
            time.sleep(0.05)
        left = waiting_jobs(receipt_printer.spool)
        typer.echo(f"Printed {before - left}; {left} still waiting.")
        if left:
            typer.secho(receipt_printer.status().sentence(), fg=typer.colors.YELLOW, err=True)
            raise typer.Exit(2)
    finally:
        receipt_printer.close()


@devices_app.command("list")
@reports_errors
def list_devices(config: ConfigOption = None, db: DbOption = None) -> None:
    """Input devices that look like scanners, serial ports, and the configured printer and its status."""
    from pos_tui.services.selling.printing import ReceiptPrinter, spool_dirs, waiting_jobs

    settings = settings_from(config)
    devices = settings.devices
    typer.echo("Printer")
    receipt_printer = ReceiptPrinter(settings)  # not started: listing prints nothing
    try:
        typer.echo(f"  {'URI':<10} {receipt_printer.uri}")
        if receipt_printer.enabled:
            pin = devices.printer.drawer_pin
            typer.echo(
                f"  {'Profile':<10} {receipt_printer.profile}, {receipt_printer.renderer.columns} columns, "
                f"code page {receipt_printer.renderer.code_page}, drawer {f'pin {pin}' if pin else 'none'}"
            )
        typer.echo(f"  {'Status':<10} {receipt_printer.probe()}")
    finally:
        receipt_printer.close()
    for spool in spool_dirs(settings):
        count = waiting_jobs(spool)
        mark = "  (this printer)" if spool == receipt_printer.spool else ""
        typer.echo(f"  {'Queue':<10} {spool}: {count} waiting{mark}")

    typer.echo("Configured scanners")
    if not devices.scanners:
        typer.echo("  none (a keyboard-wedge scanner needs no entry: it types into the scan field)")
    for scanner in devices.scanners:
        where = scanner.device if scanner.kind == "evdev" else scanner.port
        typer.echo(f"  {scanner.label:<20} {scanner.kind:<6} {where}  {_presence(where)}".rstrip())

    typer.echo("Input devices that look like scanners")
    for line in _input_devices():
        typer.echo(f"  {line}")

    typer.echo("Serial ports")
    for line in _serial_ports():
        typer.echo(f"  {line}")

    typer.echo("Customer display")
    pole = devices.pole_display
    if pole is None:
        typer.echo("  none configured")
    else:
        typer.echo(f"  {pole.port} ({pole.command_set}, {pole.baudrate} baud)  {_presence(pole.port)}".rstrip())


def _presence(where: str) -> str:
    """A path can be checked now; ids (05e0:1200) and URLs are found when the device is opened."""
    if not where.startswith("/"):
        return ""
    return "present" if os.path.exists(where) else "not found: check the cable and the udev rule"


SCANNER_WORDS = ("scan", "barcode", "honeywell", "zebra", "datalogic", "symbol", "metrologic", "newland", "hid kbw")


def _input_devices() -> list[str]:
    try:
        import evdev
        from evdev import ecodes
    except ImportError:
        return ["evdev is not installed: only keyboard-wedge scanners can be used."]
    lines = []
    paths = evdev.list_devices()
    for path in paths:
        try:
            device = evdev.InputDevice(path)
        except OSError as error:
            lines.append(f"{path}  cannot be opened ({error.strerror}): add the till user to the scanner's udev group")
            continue
        try:
            keys = device.capabilities().get(ecodes.EV_KEY, [])
            if ecodes.KEY_ENTER not in keys or ecodes.KEY_0 not in keys:
                continue
            guess = "scanner?" if any(word in device.name.lower() for word in SCANNER_WORDS) else "keyboard"
            info = device.info
            lines.append(f"{path}  {info.vendor:04x}:{info.product:04x}  {device.name}  ({guess})")
        finally:
            device.close()
    if not lines:
        seen = "no input devices are visible" if not paths else "none of the input devices types digits and Enter"
        lines.append(f"none: {seen} (is the scanner plugged in, and may the till user read /dev/input?)")
    return lines


def _serial_ports() -> list[str]:
    from serial.tools import list_ports  # type: ignore[import-untyped, unused-ignore]

    ports = [f"{port.device}  {port.description}" for port in sorted(list_ports.comports())]
    return ports or ["none found"]


@devices_app.command("listen")
@reports_errors
def listen(
    seconds: Annotated[float, typer.Option("--seconds", help="Stop after this many seconds (0: at Ctrl-C).")] = 0,
    config: ConfigOption = None,
    db: DbOption = None,
) -> None:
    """Print every scan from the configured scanners, to check a till's scanner setup."""
    from pos_tui.devices.evdev_scanner import EvdevScanner
    from pos_tui.devices.scan_source import ReconnectingScanSource, Scan, ScannerStatus
    from pos_tui.devices.serial_scanner import SerialScanner

    settings = settings_from(config)
    if not settings.devices.scanners:
        fail(
            "No scanners are configured. Add a [[devices.scanners]] entry (see config/pos.example.toml); "
            "a keyboard-wedge scanner needs none: it types into the till's scan field."
        )
    echo_lock = threading.Lock()

    def show(text: str) -> None:
        with echo_lock:
            typer.echo(text)

    def on_scan(scan: Scan) -> None:
        show(f"{scan.at.astimezone().strftime('%H:%M:%S')}  {scan.source}  {scan.code}")

    def on_status(status: ScannerStatus) -> None:
        show(f"{status.at.astimezone().strftime('%H:%M:%S')}  {status.source}  [{status.state.value}] {status.detail}")

    sources: list[ReconnectingScanSource] = []
    for scanner in settings.devices.scanners:
        if scanner.kind == "evdev":
            sources.append(EvdevScanner(scanner.to_config(), on_scan, on_status, name=scanner.label))
        else:
            sources.append(SerialScanner(scanner.to_config(), on_scan, on_status, name=scanner.label))
    show(f"Listening to {len(sources)} scanner{'s' if len(sources) != 1 else ''}; scan something "
         f"({'Ctrl-C to stop' if not seconds else f'for {seconds:g} s'}).")
    for source in sources:
        source.start()
    try:
        deadline = time.monotonic() + seconds if seconds else None
        while deadline is None or time.monotonic() < deadline:
            time.sleep(0.05)
    except KeyboardInterrupt:
        pass
    finally:
        for source in sources:
            source.stop()

