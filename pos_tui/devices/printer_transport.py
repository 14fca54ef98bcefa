"""Sending one rendered job to the printer in one go, over TCP, USB, serial or a file.

Each job opens the connection, writes everything, and closes: a printer that was power-cycled between
jobs is found again, and a half-sent job is an error the queue retries, never a silent success.
"""

from __future__ import annotations

import contextlib
import io
import os
import socket
from typing import Protocol

import serial

from pos_tui.devices.errors import PrinterUnavailable
from pos_tui.devices.printer_address import (
    FilePrinter,
    NoPrinter,
    PrinterAddress,
    SerialPrinter,
    TcpPrinter,
    UsbPrinter,
    describe,
)

# DLE EOT 1: "transmit printer status". The answer comes after every byte before it was processed.
STATUS_REQUEST = b"\x10\x04\x01"
SAVED = "the sale is saved and the receipt will print when the printer is back"


class PrinterTransport(Protocol):
    def send(self, job: bytes) -> None:
        """Deliver the whole job or raise ``PrinterUnavailable``."""


class TcpTransport:
    def __init__(self, address: TcpPrinter) -> None:
        self.address = address

    def send(self, job: bytes) -> None:
        name, timeout = describe(self.address), self.address.timeout
        try:
            with socket.create_connection((self.address.host, self.address.port), timeout=timeout) as sock:
                sock.settimeout(timeout)
                if not self.address.confirm_status:
                    sock.sendall(job)
                    return
                sock.sendall(job + STATUS_REQUEST)
                if not sock.recv(1):
                    raise PrinterUnavailable(
                        f"{name} closed the connection before confirming the job;", SAVED + "."
                    )
        except ConnectionRefusedError as error:
            raise PrinterUnavailable(
                f"{name} refused the connection;", f"check it is switched on; {SAVED}."
            ) from error
        except TimeoutError as error:
            raise PrinterUnavailable(
                f"{name} did not answer in {timeout:g} s;", f"check its cable and paper; {SAVED}."
            ) from error
        except OSError as error:
            raise PrinterUnavailable(
                f"{name} dropped the job ({error.strerror or error});", f"{SAVED}."
            ) from error


class SerialTransport:
    def __init__(self, address: SerialPrinter) -> None:
        self.address = address

    def send(self, job: bytes) -> None:
        a = self.address
        try:
            with serial.serial_for_url(
                a.device, baudrate=a.baudrate, parity=a.parity, bytesize=a.bytesize, stopbits=a.stopbits,
                rtscts=a.rtscts, write_timeout=a.timeout,
            ) as port:
                port.write(job)
                port.flush()
        except serial.SerialTimeoutException as error:
            raise PrinterUnavailable(
                f"{describe(a)} did not take the job in {a.timeout:g} s;",
                f"check it is on, online and has paper; {SAVED}.",
            ) from error
        except (serial.SerialException, OSError, ValueError) as error:
            raise PrinterUnavailable(
                f"{describe(a)} cannot be opened ({error});", f"check the cable and the port name; {SAVED}."
            ) from error


class FileTransport:
    def __init__(self, address: FilePrinter) -> None:
        self.address = address

    def send(self, job: bytes) -> None:
        try:
            fd = os.open(self.address.path, os.O_WRONLY | os.O_APPEND | os.O_CLOEXEC)
        except OSError as error:
            raise PrinterUnavailable(
                f"{describe(self.address)} cannot be opened ({error.strerror});",
                f"check the printer is plugged in and the till may write to it; {SAVED}.",
            ) from error
        try:
            view = memoryview(job)
            while view:  # a character device may take a job in pieces
                view = view[os.write(fd, view) :]
        except OSError as error:
            raise PrinterUnavailable(
                f"{describe(self.address)} stopped taking the job ({error.strerror});", f"{SAVED}."
            ) from error
        finally:
            os.close(fd)


class UsbTransport:
    def __init__(self, address: UsbPrinter) -> None:
        self.address = address

    def send(self, job: bytes) -> None:
        from escpos.printer import Usb

        a = self.address
        if not Usb.is_usable():
            raise PrinterUnavailable(
                f"{describe(a)} cannot be used: USB printing support is not installed.",
                "Install python-escpos[usb] (pyusb) and the Debian package libusb-1.0-0, "
                "or address the printer as file:///dev/usb/lp0.",
            )
        printer = None
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                printer = Usb(
                    a.vendor_id, a.product_id, timeout=int(a.timeout * 1000),
                    in_ep=a.in_endpoint, out_ep=a.out_endpoint,
                )
                printer.open(raise_not_found=True)
                printer._raw(job)
        except Exception as error:  # pyusb raises its own USBError/NoBackendError family
            raise PrinterUnavailable(
                f"{describe(a)} is not reachable ({type(error).__name__}: {error});",
                f"check it is plugged in and the udev rule gives the till access; {SAVED}.",
            ) from error
        finally:
            if printer is not None:
                with contextlib.suppress(Exception):
                    printer.close()


class NullTransport:
    """``none``: this till has no printer; jobs are accepted and dropped."""

    def send(self, job: bytes) -> None:
        return None


def transport_for(address: PrinterAddress) -> PrinterTransport:
    match address:
        case TcpPrinter():
            return TcpTransport(address)
        case SerialPrinter():
            return SerialTransport(address)
        case FilePrinter():
            return FileTransport(address)
        case UsbPrinter():
            return UsbTransport(address)
        case NoPrinter():
            return NullTransport()
    raise TypeError(f"not a printer address: {address!r}")
