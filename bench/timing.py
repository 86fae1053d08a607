"""What the benchmarks share."""

import statistics
import time


def timed(function, repeat: int) -> float:
    """The median time of `repeat` calls, in milliseconds."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)
