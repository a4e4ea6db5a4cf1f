"""Peak resident memory per stage of a run, sampled from outside the process.

Why not the alternatives:
- ``tracemalloc`` sees only Python allocations (not numpy's, pyarrow's, SQLite's or DuckDB's) and slows
  allocation-heavy pandas code several times;
- ``resource.getrusage(...).ru_maxrss`` is a high-water mark for the whole life of the process: after the
  largest stage, every later stage reports the same figure; it is kept as the run's overall peak;
- a sampling thread inside the process needs the GIL, and long pandas/numpy calls that hold it would hide
  exactly the peaks worth seeing.
So a small separate process reads this process's RSS (psutil) every few milliseconds and, when asked at a
stage boundary, answers the peak since the previous boundary. A peak shorter than the interval can be
missed; at 5 ms that is far below the allocations that matter here (hundreds of MB built over seconds).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from types import TracebackType

INTERVAL = 0.005
_MONITOR = r"""
import select, sys, psutil
proc = psutil.Process(int(sys.argv[1])); interval = float(sys.argv[2]); peak = 0
while True:
    try:
        peak = max(peak, proc.memory_info().rss)
    except psutil.Error:
        break
    ready, _, _ = select.select([sys.stdin], [], [], interval)
    if ready:
        if not sys.stdin.readline():
            break
        now = proc.memory_info().rss
        sys.stdout.write(f"{max(peak, now)}\n"); sys.stdout.flush()
        peak = now
"""


class PeakRss:
    """``with PeakRss() as rss: ...; rss.mark()`` → peak RSS in bytes since the previous mark."""

    def __init__(self, interval: float = INTERVAL) -> None:
        self.interval = interval
        self._proc: subprocess.Popen[str] | None = None

    def __enter__(self) -> PeakRss:
        self._proc = subprocess.Popen([sys.executable, "-c", _MONITOR, str(os.getpid()), str(self.interval)],
                                      stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        time.sleep(self.interval * 4)  # let it take a first sample
        self.mark()
        return self

    def mark(self) -> int:
        if self._proc is None or self._proc.stdin is None or self._proc.stdout is None:
            raise RuntimeError("PeakRss is not running")
        self._proc.stdin.write("\n")
        self._proc.stdin.flush()
        return int(self._proc.stdout.readline())

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._proc is not None:
            if self._proc.stdin:
                self._proc.stdin.close()
            self._proc.wait(timeout=10)
            self._proc = None
