"""How `pos sync` and `pos hq serve` reach head office's NATS: their own nkey, and TLS.

Each terminal signs in with its own nkey (a seed file that never leaves the store box; head office
keeps only the public key) and may publish and read only its own subjects (``hq/authorization.py``
writes what nats-server enforces). With a CA file the connection is TLS and the server's certificate
must be signed by it. A refusal (an unknown key, a certificate the CA did not sign) is a sentence,
not a retry loop: waiting does not make a wrong credential right.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pos_tui.domain.errors import ConfigError, PosError

DEFAULT_INBOX = "_INBOX"


class NatsRefused(PosError):
    """Head office's NATS server refused this process: a credential or a certificate, not the line."""


@dataclass(frozen=True)
class NatsAccess:
    credentials: Path | None = None
    """A file holding the nkey seed (SU...), mode 0600; None: connect without (a server with no auth)."""
    ca_file: Path | None = None
    """The CA that signed head office's NATS certificate; given, the connection is TLS."""
    inbox: str = DEFAULT_INBOX
    """The reply subjects' prefix: a terminal may read only its own (``Channels.inbox``)."""
    head_office: bool = False
    """`pos hq serve` signing in (its key is head office's own, not a terminal's)."""

    def connect_options(self) -> dict[str, Any]:
        """Keyword arguments for ``nats.connect``; a sentence when a file is missing or not what it says."""
        options: dict[str, Any] = {"inbox_prefix": self.inbox}
        if self.credentials is not None:
            read_seed(self.credentials)
            options["nkeys_seed"] = str(self.credentials)
        if self.ca_file is not None:
            options["tls"] = tls_context(self.ca_file)
        return options

    async def connect(self, url: str, **options: Any) -> Any:
        """``nats.connect`` with this access; a refusal ends the attempt with its sentence (nats-py would
        otherwise try again for ever), anything else is the line's and left to the caller and nats-py."""
        import nats

        connecting = [True]

        async def on_error(error: Exception) -> None:
            refused = self.refused(url, error) if connecting[0] else None
            if refused is not None:
                raise refused  # out of nats.connect's own retry loop

        try:
            return await nats.connect(url, error_cb=on_error, **self.connect_options(), **options)
        except NatsRefused:
            raise
        except Exception as error:
            refused = self.refused(url, error)
            if refused is not None:
                raise refused from None
            raise
        finally:
            connecting[0] = False

    def refused(self, url: str, error: BaseException) -> NatsRefused | None:
        """``error`` from connecting to ``url`` as a sentence, when it is a refusal (None: the line)."""
        text = str(error) or type(error).__name__
        if isinstance(error, ssl.SSLCertVerificationError):
            signer = f"the CA in {self.ca_file}" if self.ca_file else "a CA this machine trusts"
            return NatsRefused(f"{url}'s TLS certificate is not signed by {signer} ({error.verify_message}): set"
                               " [chain] ca_file to the CA certificate head office gave.")
        if isinstance(error, ssl.SSLError):
            return NatsRefused(f"TLS with {url} failed ({text}): check the URL (tls://...) and [chain] ca_file.")
        if "authorization violation" in text.lower() or type(error).__name__ == "AuthorizationError":
            which = f"the key in {self.credentials}" if self.credentials else "no credentials"
            if self.head_office:
                return NatsRefused(f"{url} refused head office's sign-in ({which}): give --credentials the key"
                                   " `pos hq nats-config --office-credentials` wrote, and reload nats-server.")
            return NatsRefused(f"{url} refused this terminal's sign-in ({which}): ask head office for this"
                               " terminal's credentials (`pos hq store add` or `pos hq store rekey`) and set"
                               " [chain] credentials to the file.")
        if "tls" in text.lower() and "required" in text.lower():
            return NatsRefused(f"{url} requires TLS: use tls://... and set [chain] ca_file.")
        return None


def read_seed(path: Path) -> bytes:
    """The nkey seed in ``path`` (checked: a user seed), or a sentence."""
    import nkeys

    try:
        seed = path.read_bytes().strip()
        mode = path.stat().st_mode & 0o777
    except OSError as error:
        raise ConfigError(f"cannot read the NATS credentials {path}: {error.strerror}; set [chain] credentials"
                          " to the file head office gave for this terminal.") from error
    if mode & 0o077:  # as ssh does with a private key: whoever can read it can sign in as this terminal
        raise ConfigError(f"{path} can be read by other users of this machine (mode {mode:o}): run"
                          f" `chmod 600 {path}` and start again.")
    try:
        if not seed.startswith(b"SU"):
            raise nkeys.ErrInvalidSeed()
        nkeys.from_seed(bytearray(seed))
    except (nkeys.NkeysError, ValueError) as error:
        raise ConfigError(f"{path} is not a NATS user nkey seed (a line starting SU): set [chain] credentials"
                          " to the file head office gave for this terminal.") from error
    return seed


def tls_context(ca_file: Path) -> ssl.SSLContext:
    try:
        return ssl.create_default_context(cafile=str(ca_file))
    except (OSError, ssl.SSLError) as error:
        raise ConfigError(f"cannot read the CA certificate {ca_file} ({error}): set [chain] ca_file to the PEM"
                          " file head office gave.") from error
