"""A throwaway PostgreSQL cluster for tests: found, started, used and removed by the test run itself.

:func:`throwaway_cluster` finds the server binaries (``initdb`` and ``postgres``) on ``PATH`` or in the usual
package locations (``/usr/lib/postgresql/<version>/bin`` on Debian and Ubuntu, ``/usr/pgsql-<version>/bin`` on
RHEL), runs ``initdb`` into a fresh temporary directory, starts the server listening only on a unix socket
inside that directory (so no port can collide with another server), waits until it accepts connections,
creates a database and yields a :class:`PostgresCluster` with its DSN. On leaving, the server is stopped (fast
shutdown, then immediate, then killed) and the directory removed. When the caller runs as root the server runs
as the ``postgres`` OS user, since PostgreSQL refuses to run as root.

The cluster trades durability for speed (``fsync=off``): it is for tests and benchmarks only.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import glob
import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from urllib.parse import quote

import attrs

__all__ = [
    "ClusterStartError",
    "PostgresCluster",
    "find_server_binaries",
    "throwaway_cluster",
]

#: Where distributions put the server binaries when they are not on ``PATH``, newest version first.
_SEARCH_PATTERNS = ("/usr/lib/postgresql/*/bin", "/usr/pgsql-*/bin", "/usr/local/pgsql/bin", "/opt/homebrew/bin")
_SERVER_SETTINGS = {
    "listen_addresses": "''",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "120",
    "shared_buffers": "64MB",
    "log_min_messages": "warning",
    "log_min_error_statement": "panic",
}


class ClusterStartError(RuntimeError):
    """The throwaway cluster could not be created or started; the message carries the end of the server log."""


@attrs.frozen
class PostgresCluster:
    """A running throwaway cluster.

    Attributes:
        dsn: a ``postgresql://`` URL of the test database (connects over the unix socket).
        database: the name of that database.
        socket_dir: the directory holding the server's unix socket.
        port: the port number the socket is named after.
        data_dir: the cluster's data directory.
        log_path: the server's log file.
        bindir: the directory of the server binaries used.
    """

    dsn: str
    database: str
    socket_dir: Path
    port: int
    data_dir: Path
    log_path: Path
    bindir: Path

    def dsn_for(self, database: str) -> str:
        """A DSN of another database in the same cluster.

        Args:
            database: the database name.

        Returns:
            a ``postgresql://`` URL over the cluster's unix socket.
        """
        return _dsn(self.socket_dir, self.port, database)


def _dsn(socket_dir: Path, port: int, database: str) -> str:
    return f"postgresql://postgres@/{quote(database)}?host={quote(str(socket_dir))}&port={port}"


def _has_server(bindir: Path) -> bool:
    return all(os.access(bindir / name, os.X_OK) for name in ("initdb", "postgres"))


def _version_key(path: str) -> tuple[int, ...]:
    digits = "".join(ch if ch.isdigit() else " " for ch in path).split()
    return tuple(int(d) for d in digits)


def find_server_binaries(extra_dirs: Sequence[str | Path] = ()) -> Path | None:
    """The directory holding ``initdb`` and ``postgres``, or ``None`` when the server is not installed.

    Args:
        extra_dirs: directories to try first (e.g. from a setting of the test run).

    Returns:
        the first of ``extra_dirs``, the directory of ``initdb`` on ``PATH``, or the newest version under the
        usual package locations, that holds both binaries.
    """
    candidates: list[Path] = [Path(d) for d in extra_dirs]
    on_path = shutil.which("initdb")
    if on_path is not None:
        candidates.append(Path(on_path).resolve().parent)
    for pattern in _SEARCH_PATTERNS:
        candidates.extend(Path(p) for p in sorted(glob.glob(pattern), key=_version_key, reverse=True))
    for candidate in candidates:
        if _has_server(candidate):
            return candidate
    return None


def _server_user() -> pwd.struct_passwd | None:
    """The account to run the server as: ``postgres`` when we are root, else ourselves (``None``)."""
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam("postgres")
    except KeyError:
        raise ClusterStartError(
            "running as root, but there is no 'postgres' OS user to run the server as "
            "(install the postgresql package or create the user)"
        ) from None


def _die_with_parent() -> None:
    """In the server process, before exec: ask Linux to stop the server if the test process dies."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGQUIT)


def _run(args: Sequence[str], user: pwd.struct_passwd | None, log_path: Path) -> None:
    who = _as_user(user)
    with log_path.open("ab") as log:
        result = subprocess.run(
            list(args),
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            check=False,
            user=who.user,
            group=who.group,
            extra_groups=who.extra_groups,
            env=who.env,
        )
    if result.returncode != 0:
        raise ClusterStartError(f"{Path(args[0]).name} failed with exit code {result.returncode}\n{_tail(log_path)}")


@attrs.frozen
class _Identity:
    """What a child process runs as: all ``None`` to stay ourselves."""

    user: int | None = None
    group: int | None = None
    extra_groups: list[int] | None = None
    env: dict[str, str] | None = None


def _as_user(user: pwd.struct_passwd | None) -> _Identity:
    if user is None:
        return _Identity()
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": user.pw_dir, "LC_ALL": "C"}
    return _Identity(user.pw_uid, user.pw_gid, [], env)


def _tail(log_path: Path, lines: int = 40) -> str:
    try:
        text = log_path.read_text(errors="replace")
    except OSError:
        return "(no server log)"
    return "--- server log (last lines) ---\n" + "\n".join(text.splitlines()[-lines:])


class _Server:
    """The postmaster process we started, and everything needed to stop it for sure."""

    def __init__(self, process: subprocess.Popen[bytes], log_path: Path) -> None:
        self.process = process
        self.log_path = log_path

    def stop(self) -> None:
        """Fast shutdown, then immediate shutdown, then SIGKILL: the server is gone when this returns."""
        for sig, grace in ((signal.SIGINT, 30.0), (signal.SIGQUIT, 10.0), (signal.SIGKILL, 10.0)):
            if self.process.poll() is not None:
                return
            with contextlib.suppress(ProcessLookupError):
                self.process.send_signal(sig)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=grace)


def _wait_ready(server: _Server, dsn: str, timeout: float) -> None:
    import psycopg

    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        code = server.process.poll()
        if code is not None:
            raise ClusterStartError(f"the server exited during start-up with code {code}\n{_tail(server.log_path)}")
        try:
            with psycopg.connect(dsn, connect_timeout=2, autocommit=True) as conn:
                conn.execute("SELECT 1")
            return
        except psycopg.OperationalError as exc:
            last_error = exc
            time.sleep(0.05)
    raise ClusterStartError(
        f"the server did not accept connections within {timeout:.0f} s ({last_error})\n{_tail(server.log_path)}"
    )


@contextlib.contextmanager
def throwaway_cluster(
    bindir: Path | None = None,
    *,
    database: str = "omscore",
    port: int = 5432,
    start_timeout: float = 60.0,
    settings: dict[str, str] | None = None,
) -> Iterator[PostgresCluster]:
    """Create and start a temporary cluster; stop it and delete its files on exit, whatever happens.

    Args:
        bindir: the directory of the server binaries; found with :func:`find_server_binaries` when ``None``.
        database: the database to create for the caller.
        port: the port number the unix socket is named after (nothing listens on TCP).
        start_timeout: seconds to wait for the server to accept connections.
        settings: extra ``postgresql.conf`` settings (values written as given, so quote strings).

    Yields:
        the running cluster.

    Raises:
        ClusterStartError: no binaries, no ``postgres`` user when root, or ``initdb``/start-up failed (the
            message includes the end of the server log).
    """
    import psycopg
    from psycopg import sql

    bindir = bindir or find_server_binaries()
    if bindir is None:
        raise ClusterStartError("PostgreSQL server binaries (initdb, postgres) were not found")
    user = _server_user()
    base = Path(tempfile.mkdtemp(prefix="omscore-pg-"))
    server: _Server | None = None
    try:
        data_dir, log_path = base / "data", base / "server.log"
        log_path.touch()
        os.chmod(base, 0o700)
        if user is not None:
            os.chown(base, user.pw_uid, user.pw_gid)
            os.chown(log_path, user.pw_uid, user.pw_gid)
        initdb = [str(bindir / "initdb"), "-D", str(data_dir), "-U", "postgres", "--auth=trust", "-E", "UTF8"]
        _run([*initdb, "--no-locale", "--no-sync", "--no-instructions"], user, log_path)
        conf = {**_SERVER_SETTINGS, "unix_socket_directories": f"'{base}'", "port": str(port), **(settings or {})}
        with (data_dir / "postgresql.conf").open("a") as handle:
            handle.write("\n# omscore throwaway test cluster\n")
            handle.writelines(f"{key} = {value}\n" for key, value in conf.items())
        who = _as_user(user)
        with log_path.open("ab") as log:
            process = subprocess.Popen(
                [str(bindir / "postgres"), "-D", str(data_dir)],
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                preexec_fn=_die_with_parent,
                user=who.user,
                group=who.group,
                extra_groups=who.extra_groups,
                env=who.env,
            )
        server = _Server(process, log_path)
        atexit.register(server.stop)
        _wait_ready(server, _dsn(base, port, "postgres"), start_timeout)
        with psycopg.connect(_dsn(base, port, "postgres"), autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
        yield PostgresCluster(
            dsn=_dsn(base, port, database),
            database=database,
            socket_dir=base,
            port=port,
            data_dir=data_dir,
            log_path=log_path,
            bindir=bindir,
        )
    finally:
        if server is not None:
            server.stop()
            atexit.unregister(server.stop)
        shutil.rmtree(base, ignore_errors=True)
