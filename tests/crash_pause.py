"""``python tests/crash_pause.py SECONDS ARGS...``: ``newscrawl ARGS...`` that sleeps
SECONDS after each claimed line is appended, before the state commits it, so that
tests/test_crash_safety.py can kill the run in that window. A test hook that lives with
the tests: newscrawl itself has no such setting."""

from __future__ import annotations

import sys
import time
from typing import Any

from newscrawl.cli import main
from newscrawl.dedup import emission


def pausing_append(seconds: float) -> Any:
    append = emission.append_line

    def append_then_pause(*args: Any, **kwargs: Any) -> int:
        offset = append(*args, **kwargs)
        time.sleep(seconds)
        return offset

    return append_then_pause


if __name__ == "__main__":
    emission.append_line = pausing_append(float(sys.argv[1]))
    sys.exit(main(sys.argv[2:]))
