#!/usr/bin/python3
"""Native anchor for the import benchmark: pandas read_csv + describe on the same file.

Run with Debian's interpreter (python3-pandas is a Debian package):
    /usr/bin/python3 bench/pandas-import.py bench/out/big.csv [repeats=3]
Prints one JSON line: rows, wall and CPU seconds per repeat (read_csv + describe()), the
medians, rows/s at the median wall time and at the median CPU time, and peak RSS. CPU time is
printed because the machine is shared: wall time there measures the neighbours too.
"""
import json
import resource
import statistics
import sys
import time

import pandas as pd

path = sys.argv[1] if len(sys.argv) > 1 else "bench/out/big.csv"
repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 3
times = []
cpu = []
read_times = []
rows = 0
for _ in range(repeats):
    start = time.perf_counter()
    start_cpu = time.process_time()
    # Default options, as a data scientist would call them: pandas infers dtypes itself
    # (ZIP codes become integers, dates stay object strings unless parse_dates is given), and
    # describe() summarises the numeric columns.
    frame = pd.read_csv(path)
    read_times.append(time.perf_counter() - start)
    frame.describe()
    times.append(time.perf_counter() - start)
    cpu.append(time.process_time() - start_cpu)
    rows = len(frame)
    del frame

median = statistics.median(times)
median_cpu = statistics.median(cpu)
print(json.dumps({
    "tool": "pandas",
    "version": pd.__version__,
    "rows": rows,
    "seconds": [round(t, 3) for t in times],
    "read_csv_seconds": [round(t, 3) for t in read_times],
    "cpu_seconds": [round(t, 3) for t in cpu],
    "median_seconds": round(median, 3),
    "median_cpu_seconds": round(median_cpu, 3),
    "rows_per_second": round(rows / median),
    "rows_per_cpu_second": round(rows / median_cpu),
    "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
}))
