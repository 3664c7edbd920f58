"""A throwaway ``redis-server`` for the distributed-mode tests (a pytest plugin).

Registered from ``tests/conftest.py`` (``pytest_plugins``). One server per test session,
started on demand on a free 127.0.0.1 port with ``--save "" --appendonly no`` in a temp
folder and stopped at the end; each test gets the database emptied.

When the server cannot start (no ``redis-server`` on the PATH, or it dies), the tests
that need it are skipped with the reason, except under ``CI=true``, where they fail:
``make pytest`` installs the server first (``make services``).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from typing import TYPE_CHECKING

import pytest
import redis

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
#: Seconds a starting server has to answer PING.
START_TIMEOUT = 15.0


def unavailable(message: str) -> None:
    """Skip (or fail under CI) a test that needs Redis."""
    message = f"Redis tests need a local redis-server: {message}"
    if IN_CI:
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class RedisServer:
    """A ``redis-server`` process on 127.0.0.1 with nothing saved to disk."""

    def __init__(self, folder: Path, executable: str) -> None:
        self.folder = folder
        self.executable = executable
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        """Start on a free port (three tries: another process may take the port first)."""
        errors: list[str] = []
        for _ in range(3):
            self.port = _free_port()
            log = self.folder / f"redis-{self.port}.log"
            self.process = subprocess.Popen(
                [
                    *(self.executable, "--port", str(self.port), "--bind", "127.0.0.1"),
                    *("--save", "", "--appendonly", "no", "--dir", str(self.folder)),
                    *("--logfile", str(log), "--daemonize", "no"),
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            if self._wait_ready():
                return
            self.stop()
            tail = log.read_text("utf-8", "replace")[-300:] if log.exists() else "no log"
            errors.append(tail.strip().replace("\n", " | "))
        raise RuntimeError(f"redis-server did not start: {errors[-1]}")

    def _wait_ready(self) -> bool:
        client = redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=1.0)
        deadline = time.monotonic() + START_TIMEOUT
        try:
            while time.monotonic() < deadline:
                if self.process is None or self.process.poll() is not None:
                    return False
                try:
                    if client.ping():
                        return True
                except redis.ConnectionError:
                    time.sleep(0.05)
            return False
        finally:
            client.close()

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.process = None


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    """The session's Redis server (started on first use)."""
    executable = shutil.which("redis-server")
    if executable is None:
        unavailable("redis-server is not installed (make services installs it)")
    assert executable is not None
    server = RedisServer(tmp_path_factory.mktemp("redis"), executable)
    try:
        server.start()
    except (OSError, RuntimeError) as exc:
        unavailable(str(exc))
    yield server
    server.stop()


@pytest.fixture
def redis_url(redis_server: RedisServer) -> Iterator[str]:
    """URL of an empty database on the session's server (emptied again afterwards)."""
    client = redis.Redis.from_url(redis_server.url)
    try:
        client.flushdb()
        yield redis_server.url
        client.flushdb()
    finally:
        client.close()


@pytest.fixture
def redis_client(redis_url: str) -> Iterator[redis.Redis]:
    """A client of the emptied test database."""
    client = redis.Redis.from_url(redis_url)
    yield client
    client.close()
