from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from newscrawl.errors import StateError
from newscrawl.state.lock import StateLock, lock_path_for

HOLD = """
import sys, time
from newscrawl.state.lock import StateLock
with StateLock(sys.argv[1]):
    print("locked", flush=True)
    time.sleep(60)
"""


@pytest.fixture
def holder(tmp_path):
    """A separate process holding the lock of tmp_path/state.sqlite."""
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(tmp_path / "state.sqlite")],
        stdout=subprocess.PIPE,
        text=True,
    )
    with proc:
        assert proc.stdout.readline().strip() == "locked"
        yield proc
        proc.kill()


def test_second_lock_is_refused_naming_the_holder(tmp_path, holder):
    with pytest.raises(
        StateError, match=rf"locked by another running crawl or scrape \(pid {holder.pid} "
    ):
        StateLock(tmp_path / "state.sqlite").acquire()


def test_lock_of_a_killed_process_is_taken_over(tmp_path, holder):
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    with StateLock(tmp_path / "state.sqlite") as lock:
        assert f"pid {os.getpid()}" in lock.path.read_text()


def test_lock_released_on_exit_and_reusable(tmp_path):
    state = tmp_path / "s.sqlite"
    with StateLock(state):
        pass
    with StateLock(state):
        pass
    assert lock_path_for(state).read_text() == ""


def test_unwritable_lock_location(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(StateError, match="cannot open state lock"):
        StateLock(blocker / "state.sqlite").acquire()


def test_lock_is_per_open_file_not_per_process(tmp_path):
    # flock locks belong to the open file description: a second lock object in the
    # same process is refused too, so one process cannot run two crawls on one state.
    state = tmp_path / "s.sqlite"
    with StateLock(state), pytest.raises(StateError):
        StateLock(state).acquire()
