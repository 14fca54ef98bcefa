"""One printer URI in the config -> a typed transport description.

    tcp://10.0.0.7:9100?timeout=3&confirm=status    network printer (raw port 9100)
    usb://04b8:0202?timeout=5                         USB printer by vendor:product (see lsusb)
    serial:///dev/ttyS0?baud=19200&parity=N          RS-232 printer
    file:///dev/usb/lp0                               kernel line-printer device (or any file)
    none                                              no printer: receipts are not printed
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

from pos_tui.devices.errors import DeviceConfigError

EXAMPLES = "tcp://10.0.0.7:9100, usb://04b8:0202, serial:///dev/ttyS0?baud=19200, file:///dev/usb/lp0 or none"


@dataclass(frozen=True)
class TcpPrinter:
    host: str
    port: int = 9100
    timeout: float = 3.0  # seconds, for connecting and for each send
    # After the job, ask the printer for its status (DLE EOT) and wait for the answer: proof that
    # the printer, not just a network buffer, took every byte.
    confirm_status: bool = False


@dataclass(frozen=True)
class UsbPrinter:
    vendor_id: int
    product_id: int
    timeout: float = 5.0
    in_endpoint: int = 0x82
    out_endpoint: int = 0x01


@dataclass(frozen=True)
class SerialPrinter:
    device: str
    baudrate: int = 19200
    parity: str = "N"
    bytesize: int = 8
    stopbits: int = 1
    rtscts: bool = False
    timeout: float = 5.0


@dataclass(frozen=True)
class FilePrinter:
    path: str


@dataclass(frozen=True)
class NoPrinter:
    pass


PrinterAddress = TcpPrinter | UsbPrinter | SerialPrinter | FilePrinter | NoPrinter


def _bad(uri: str, why: str) -> DeviceConfigError:
    return DeviceConfigError(f"Printer address {uri!r} cannot be used: {why}.", f"Write it like {EXAMPLES}.")


def parse_printer_uri(uri: str) -> PrinterAddress:
    text = uri.strip()
    if text.lower() in ("none", ""):
        return NoPrinter()
    parts = urlsplit(text)
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    try:
        if parts.scheme == "tcp":
            if not parts.hostname:
                raise _bad(uri, "it names no host")
            _no_unknown(uri, query, {"timeout", "confirm"})
            confirm = query.get("confirm", "none")
            if confirm not in ("none", "status"):
                raise _bad(uri, f"confirm={confirm} is not none or status")
            return TcpPrinter(
                host=parts.hostname,
                port=parts.port or 9100,
                timeout=float(query.get("timeout", 3.0)),
                confirm_status=confirm == "status",
            )
        if parts.scheme == "usb":
            vendor, _, product = parts.netloc.partition(":")
            if not vendor or not product:
                raise _bad(uri, "USB printers are named vendor:product in hex")
            _no_unknown(uri, query, {"timeout", "in_ep", "out_ep"})
            return UsbPrinter(
                vendor_id=int(vendor, 16),
                product_id=int(product, 16),
                timeout=float(query.get("timeout", 5.0)),
                in_endpoint=int(query.get("in_ep", "0x82"), 0),
                out_endpoint=int(query.get("out_ep", "0x01"), 0),
            )
        if parts.scheme == "serial":
            if not parts.path:
                raise _bad(uri, "it names no serial device")
            _no_unknown(uri, query, {"baud", "parity", "bytesize", "stopbits", "rtscts", "timeout"})
            parity = query.get("parity", "N").upper()
            if parity not in ("N", "E", "O"):
                raise _bad(uri, f"parity {parity!r} is not N, E or O")
            return SerialPrinter(
                device=unquote(parts.path),
                baudrate=int(query.get("baud", 19200)),
                parity=parity,
                bytesize=int(query.get("bytesize", 8)),
                stopbits=int(query.get("stopbits", 1)),
                rtscts=query.get("rtscts", "0").lower() in ("1", "yes", "true", "on"),
                timeout=float(query.get("timeout", 5.0)),
            )
        if parts.scheme == "file":
            if not parts.path:
                raise _bad(uri, "it names no file")
            return FilePrinter(path=unquote(parts.path))
    except ValueError as error:
        raise _bad(uri, f"a number in it is wrong ({error})") from error
    raise _bad(uri, f"unknown kind {parts.scheme or text!r}")


def _no_unknown(uri: str, query: dict[str, str], known: set[str]) -> None:
    unknown = set(query) - known
    if unknown:
        raise _bad(uri, f"unknown option {', '.join(sorted(unknown))}")


def describe(address: PrinterAddress) -> str:
    """How a person would name this printer in a message."""
    match address:
        case TcpPrinter(host=host, port=port):
            return f"Printer at {host}:{port}"
        case UsbPrinter(vendor_id=vendor, product_id=product):
            return f"USB printer {vendor:04x}:{product:04x}"
        case SerialPrinter(device=device):
            return f"Printer on {device}"
        case FilePrinter(path=path):
            return f"Printer at {path}"
    return "No printer"
