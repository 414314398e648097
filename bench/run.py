"""Run every benchmark in bench/ (each prints its own figures). Usage: make bench
or .venv/bin/python bench/run.py [name ...] to run some of them."""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SKIP = {"run.py", "common.py", "bench_urls.py"}

wanted = set(sys.argv[1:])
scripts = sorted(
    p for p in HERE.glob("*.py") if p.name not in SKIP and (not wanted or p.stem in wanted)
)
status = 0
for script in scripts:
    print(f"# {script.name}", flush=True)
    status |= subprocess.call([sys.executable, str(script)], cwd=HERE)
sys.exit(status)
