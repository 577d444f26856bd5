"""A throwaway PostgreSQL server for the test suite (no pytest-postgresql needed).

The server runs from the system's PostgreSQL binaries in a fresh temporary
directory, listens only on 127.0.0.1 at a free port, skips every durability
feature and is removed again when the test session ends.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

SERVER_BINARIES = ("initdb", "pg_ctl", "postgres")
INSTALL_HINT = "install PostgreSQL (e.g. `apt-get install -y postgresql`) or set PG_BIN"


def _has_server(bindir: str | Path) -> bool:
    return all(os.access(Path(bindir) / name, os.X_OK) for name in SERVER_BINARIES)


def _version_key(bindir: Path) -> tuple[int, ...]:
    return tuple(int(p) for p in bindir.parent.name.split(".") if p.isdigit())


def find_bindir() -> Path | None:
    """Return the directory holding initdb/pg_ctl/postgres, or None if absent.

    Looks at $PG_BIN (authoritative when set), `pg_config --bindir`, the newest
    /usr/lib/postgresql/*/bin and finally PATH.
    """
    if os.environ.get("PG_BIN"):
        return Path(os.environ["PG_BIN"]) if _has_server(os.environ["PG_BIN"]) else None
    candidates: list[Path] = []
    if pg_config := shutil.which("pg_config"):
        out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True)
        if out.returncode == 0 and out.stdout.strip():
            candidates.append(Path(out.stdout.strip()))
    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=_version_key, reverse=True)
    if initdb := shutil.which("initdb"):
        candidates.append(Path(initdb).resolve().parent)
    return next((c for c in candidates if _has_server(c)), None)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PostgresServer:
    """Context manager running a disposable PostgreSQL cluster (superuser `postgres`)."""

    def __init__(self, bindir: Path | None = None) -> None:
        found = bindir or find_bindir()
        if found is None:
            raise FileNotFoundError(f"PostgreSQL server binaries not found; {INSTALL_HINT}")
        self.bindir = found
        self.port = _free_port()
        self.base: Path | None = None
        self._as_user: list[str] = []

    @property
    def url(self) -> str:
        """SQLAlchemy URL of the default `postgres` database."""
        return self.database_url("postgres")

    def database_url(self, name: str) -> str:
        """SQLAlchemy URL of database `name` on this server."""
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{name}"

    def create_database(self, name: str) -> str:
        """Create a fresh database `name` and return its SQLAlchemy URL."""
        with psycopg.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname="postgres", autocommit=True
        ) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return self.database_url(name)

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        assert self.base is not None
        cmd = [*self._as_user, str(self.bindir / args[0]), *args[1:]]
        return subprocess.run(cmd, cwd=self.base, capture_output=True, text=True)

    def _fail(self, what: str, proc: subprocess.CompletedProcess[str]) -> RuntimeError:
        assert self.base is not None
        log = self.base / "server.log"
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-30:]) if log.exists() else ""
        return RuntimeError(
            f"{what} failed (exit {proc.returncode}):\n{proc.stdout}{proc.stderr}\n"
            f"--- tail of {log} ---\n{tail}"
        )

    def __enter__(self) -> PostgresServer:
        self.base = Path(tempfile.mkdtemp(prefix="pgtest-"))
        try:
            self._start()
        except BaseException:
            self.__exit__()
            raise
        return self

    def _start(self) -> None:
        assert self.base is not None
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root: hand the dir to `postgres`.
            try:
                pw = pwd.getpwnam("postgres")
            except KeyError:
                raise RuntimeError(
                    "running as root, but there is no `postgres` system user to run "
                    "the test server as; create it or run the tests as a normal user"
                ) from None
            self.base.chmod(0o755)
            os.chown(self.base, pw.pw_uid, pw.pw_gid)
            self._as_user = ["runuser", "-u", "postgres", "--"]
        data, log = self.base / "data", self.base / "server.log"
        proc = self._run("initdb", "-D", str(data), "-U", "postgres", "-A", "trust",
                         "-E", "UTF8", "--no-locale", "--no-sync")  # fmt: skip
        if proc.returncode != 0:
            raise self._fail("initdb", proc)
        with (data / "postgresql.conf").open("a") as conf:
            conf.write(
                f"\nlisten_addresses = '127.0.0.1'\nport = {self.port}\n"
                f"unix_socket_directories = '{self.base}'\nfsync = off\n"
                "synchronous_commit = off\nfull_page_writes = off\n"
            )
        proc = self._run("pg_ctl", "start", "-w", "-t", "60", "-D", str(data), "-l", str(log))
        if proc.returncode != 0:
            raise self._fail("pg_ctl start", proc)

    def __exit__(self, *exc: object) -> None:
        if self.base is None:
            return
        if (self.base / "data" / "postmaster.pid").exists():
            self._run("pg_ctl", "stop", "-m", "immediate", "-w", "-D", str(self.base / "data"))
        shutil.rmtree(self.base, ignore_errors=True)
        self.base = None


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """The session's throwaway PostgreSQL server (skips, or fails in CI, if absent)."""
    if find_bindir() is None:
        message = f"PostgreSQL server binaries (initdb, pg_ctl, postgres) not found; {INSTALL_HINT}"
        if os.environ.get("CI") or os.environ.get("REQUIRE_POSTGRES") == "1":
            pytest.fail(message + " (required because CI or REQUIRE_POSTGRES=1 is set)")
        pytest.skip(message)
    with PostgresServer() as server:
        yield server


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> str:
    """SQLAlchemy URL of a brand-new, empty database for this test only."""
    return postgres_server.create_database(f"test_{uuid.uuid4().hex[:16]}")
