"""A throwaway MariaDB server for the test run, started from the installed binaries.

Used when `STILL_TEST_MYSQL_URL` is not set. `mariadb-install-db` lays out a data
directory in a temporary directory, and `mariadbd` serves it on a free port on 127.0.0.1
with its unix socket beside it, durability off (this data is thrown away). As root the
server runs as root (`--user=root`); root logs in without a password over TCP.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Optional

from tests.pg_server import ServerUnavailable, free_port


def find_binary(*names: str) -> Optional[str]:
    for name in names:
        for found in (shutil.which(name), f"/usr/sbin/{name}", f"/usr/bin/{name}"):
            if found and os.access(found, os.X_OK):
                return found
    return None


class MariaDBServer:
    def __init__(self) -> None:
        self.install_db = find_binary("mariadb-install-db", "mysql_install_db")
        self.mariadbd = find_binary("mariadbd", "mysqld")
        if not (self.install_db and self.mariadbd):
            raise ServerUnavailable("mariadb-install-db/mariadbd not found (apt-get install mariadb-server)")
        self.tmp = Path(tempfile.mkdtemp(prefix="still-mariadb-"))
        self.data = self.tmp / "data"
        self.socket = self.tmp / "mysqld.sock"
        self.port = free_port()
        self.url = f"mysql+pymysql://root@127.0.0.1:{self.port}/mysql"
        self.process: Optional[subprocess.Popen] = None

    def _user(self) -> list[str]:
        return ["--user=root"] if os.geteuid() == 0 else []

    def start(self) -> "MariaDBServer":
        result = subprocess.run(
            [self.install_db, "--no-defaults", f"--datadir={self.data}", "--auth-root-authentication-method=normal",
             "--skip-test-db", *self._user()],
            capture_output=True, text=True)
        if result.returncode != 0:
            raise ServerUnavailable(f"mariadb-install-db failed: {(result.stderr or result.stdout).strip()[-500:]}")
        log = open(self.tmp / "server.log", "w")
        self.process = subprocess.Popen(
            [self.mariadbd, "--no-defaults", f"--datadir={self.data}", f"--socket={self.socket}",
             f"--port={self.port}", "--bind-address=127.0.0.1", f"--pid-file={self.tmp / 'mysqld.pid'}",
             "--skip-log-bin", "--innodb-flush-log-at-trx-commit=0", "--innodb-doublewrite=0",
             "--sync-frm=0", "--innodb-buffer-pool-size=128M", "--max-connections=60",
             "--skip-name-resolve", "--character-set-server=utf8mb4",
             "--collation-server=utf8mb4_general_ci", *self._user()],
            stdout=log, stderr=subprocess.STDOUT)
        log.close()
        self._wait()
        return self

    def _wait(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                tail = (self.tmp / "server.log").read_text()[-500:]
                raise ServerUnavailable(f"mariadbd exited with {self.process.returncode}: {tail.strip()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        raise ServerUnavailable(f"mariadbd did not accept connections on port {self.port}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.tmp, ignore_errors=True)
