"""Sending one message: email over SMTP (smtplib), SMS through an HTTP gateway (POST JSON).

Each raises ``SendFailed`` with a sentence; ``permanent`` when trying again cannot help (the server
refused the recipient, the gateway said the request is bad), so the outbox stops retrying it.
"""

from __future__ import annotations

import json
import smtplib
import ssl
import urllib.error
import urllib.request
from email.message import EmailMessage

from pos_tui.services.messaging.settings import EmailSettings, SmsSettings


class SendFailed(Exception):
    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


def _secret(path: object, what: str) -> str:
    if path is None:
        return ""
    try:
        with open(str(path), encoding="utf-8") as handle:
            return handle.readline().strip()
    except OSError as error:
        raise SendFailed(f"The {what} file {path} cannot be read ({error.strerror}).") from None


def send_email(settings: EmailSettings, message: EmailMessage) -> None:
    if not settings.host:
        raise SendFailed("No SMTP server is set ([email] host in pos.toml).")
    try:
        with smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout_s) as smtp:
            if settings.starttls:
                cafile = str(settings.ca_file) if settings.ca_file is not None else None
                smtp.starttls(context=ssl.create_default_context(cafile=cafile))
            if settings.user:
                smtp.login(settings.user, _secret(settings.password_file, "SMTP password"))
            smtp.send_message(message)
    except smtplib.SMTPRecipientsRefused as error:
        raise SendFailed(f"The mail server refused the address: {error.recipients}", permanent=True) from None
    except smtplib.SMTPResponseException as error:
        # 5xx is the server's final word; 4xx asks us to come back later.
        raise SendFailed(f"The mail server answered {error.smtp_code}: {error.smtp_error!r}",
                         permanent=500 <= error.smtp_code < 600 and error.smtp_code != 530) from None
    except (OSError, smtplib.SMTPException) as error:
        where = f"{settings.host}:{settings.port}"
        raise SendFailed(f"The mail server at {where} could not be reached ({error}).") from None


def send_sms(settings: SmsSettings, to: str, text: str) -> None:
    if not settings.url:
        raise SendFailed("No SMS gateway is set ([sms] url in pos.toml).")
    headers = {"Content-Type": "application/json"}
    token = _secret(settings.token_file, "SMS token")
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(settings.url, data=json.dumps({"to": to, "text": text}).encode(),
                                     headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=settings.timeout_s) as response:
            response.read()
    except urllib.error.HTTPError as error:
        # 4xx (but 408/429): the gateway will never take this one; 5xx, 408, 429: later.
        permanent = 400 <= error.code < 500 and error.code not in (408, 429)
        raise SendFailed(f"The SMS gateway answered {error.code} {error.reason}.", permanent=permanent) from None
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        raise SendFailed(f"The SMS gateway could not be reached ({getattr(error, 'reason', error)}).") from None
