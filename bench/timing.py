"""What the benchmarks share: timing luodi beside its baseline, and memory."""

import resource
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path


def timed(function, repeat: int) -> float:
    """The median time of `repeat` calls, in milliseconds."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def stopwatch(function: Callable[[], object]) -> Callable[[], float]:
    """`function` as a run that returns its own time in milliseconds."""

    def run() -> float:
        start = time.perf_counter()
        function()
        return (time.perf_counter() - start) * 1000

    return run


class PeakRss:
    """How far the process's resident memory rose above where it stood when
    the block began, in bytes. On Linux the kernel's high-water mark is reset
    first (/proc/self/clear_refs), so this is the block's own peak; elsewhere
    it is the rise of ru_maxrss, which misses a peak below an earlier one."""

    CLEAR = Path("/proc/self/clear_refs")
    STATUS = Path("/proc/self/status")

    def __init__(self) -> None:
        self.growth = 0

    @classmethod
    def _status(cls, key: str) -> int:
        for line in cls.STATUS.read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1]) * 1024
        raise KeyError(key)

    def __enter__(self) -> "PeakRss":
        try:
            self.CLEAR.write_text("5")
            self.start = self._status("VmRSS")
            self.kernel = True
        except OSError:
            self.kernel = False
            self.start = self._maxrss()
        return self

    @staticmethod
    def _maxrss() -> int:
        unit = 1 if sys.platform == "darwin" else 1024
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * unit

    def __exit__(self, *exc) -> None:
        end = self._status("VmHWM") if self.kernel else self._maxrss()
        self.growth = max(0, end - self.start)


def paired(
    ours: Callable[[], float],
    baseline: Callable[[], float],
    *,
    repeat: int,
    warmup: int = 1,
    watch: AbstractContextManager | None = None,
) -> dict:
    """Median milliseconds of luodi's run and of its baseline, on the same
    data in the same process, the runs taking turns (and turns about which goes
    first) so that a noisy neighbour slows both alike. Each callable returns its
    own time (see `stopwatch`). The first timed run of `ours` also gives the
    rise of resident memory (`PeakRss`), and runs inside `watch` if given."""
    for _ in range(warmup):
        ours()
        baseline()
    mine: list[float] = []
    theirs: list[float] = []
    rss = PeakRss()
    for turn in range(repeat):
        if turn % 2:
            theirs.append(baseline())
        if turn == 0:
            with rss, watch or nullcontext():
                mine.append(ours())
        else:
            mine.append(ours())
        if not turn % 2:
            theirs.append(baseline())
    return {
        "ours_ms": statistics.median(mine),
        "baseline_ms": statistics.median(theirs),
        "ours_runs": mine,
        "baseline_runs": theirs,
        "rss_growth": rss.growth,
    }


def python_peak(function: Callable[[], object]) -> int:
    """The most memory Python objects held at once during one call, above what
    they held before it (tracemalloc, bytes). Memory C libraries take for
    themselves (SQLite's page cache, libpq, Pango, libxml2) is not seen."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        before = tracemalloc.get_traced_memory()[0]
        function()
        return tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()
