"""Measuring one method in a child process: its peak RSS is sampled from outside while it
runs, and its last printed line is a JSON object with at least seconds and rows."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import psutil

SAMPLE_SECONDS = 0.01


def measure_child(script: str | Path, args: list[str], method: str) -> dict[str, Any]:
    child = subprocess.Popen([sys.executable, str(script), *args], stdout=subprocess.PIPE,
                             text=True)
    proc = psutil.Process(child.pid)
    peak = 0
    while child.poll() is None:
        try:
            peak = max(peak, proc.memory_info().rss)
        except psutil.Error:
            break
        time.sleep(SAMPLE_SECONDS)
    out, _ = child.communicate()
    if child.returncode != 0:
        raise RuntimeError(f"{method} failed with exit code {child.returncode}")
    result = json.loads(out.strip().splitlines()[-1])
    result.update(method=method, peak_rss_bytes=peak,
                  rows_per_s=result["rows"] / result["seconds"] if result["seconds"] else 0.0)
    return result
