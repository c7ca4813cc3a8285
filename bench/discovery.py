#!/usr/bin/env python3
"""How long ``corslint .`` takes to find the one CORS config in a large
source tree, next to a plain byte search over the same tree.

The script generates a repository of 20,000 files (Python, JavaScript,
TypeScript, Java, Go, Ruby, PHP, YAML and JSON, spread over 200 directories,
a git work tree with a .gitignore, as a checkout in CI is) of which exactly
one holds CORS settings (an Express app). Then, round by round, it runs:

* ``corslint .`` of the working tree (``bench/bench.py``'s source copy, run
  by this interpreter);
* with ``--compare REV``, ``corslint .`` of commit REV, side by side;
* ``grep -rlI -E 'cors|access-control-allow-origin' -i .``: the floor, a
  byte-level search of every file with no parser at all.

It prints the median wall time and peak memory of each and the ratios.
Issue #24 asks for under 2 s on this machine for the 20,000-file tree. Not
part of the test suite (timings depend on the machine and its load)::

    python3 bench/discovery.py [--files 20000] [--runs 5] [--compare REV]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench  # noqa: E402  (the shared runner: run_once, source_copy, corslint_from)

BODIES = {
    "py": "import os\n\n\ndef handler(event):\n    return {'status': 200, 'body': os.getcwd()}\n" * 25,
    "js": "const path = require('path');\nmodule.exports = (a, b) => path.join(a, b);\n" * 25,
    "ts": "import { join } from 'path';\nexport const where = (a: string) => join(a, 'x');\n" * 25,
    "java": "package app;\npublic class Handler { String where() { return \"here\"; } }\n" * 25,
    "go": "package app\n\nfunc Where() string { return \"here\" }\n" * 25,
    "rb": "class Handler\n  def where\n    'here'\n  end\nend\n" * 25,
    "php": "<?php\nfunction where() { return 'here'; }\n" * 25,
    "yaml": "service:\n  name: api\n  replicas: 2\n  env:\n    - LOG_LEVEL=info\n" * 25,
    "json": '{"name": "api", "version": "1.0.0", "scripts": {"start": "node ."}}\n',
}
CORS_APP = """const express = require('express');
const cors = require('cors');

const app = express();
app.use(cors({ origin: true, credentials: true }));
app.get('/api/items', (req, res) => res.json([]));
app.listen(3000);
"""


def generate(root: Path, files: int) -> None:
    kinds = list(BODIES)
    for i in range(files - 1):
        kind = kinds[i % len(kinds)]
        folder = root / "src" / f"pkg{i % 200}" / f"part{i % 17}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"file{i}.{kind}").write_text(BODIES[kind])
    (root / "src" / "pkg7" / "server.js").write_text(CORS_APP)
    (root / ".gitignore").write_text("node_modules/\n*.log\n")
    git = ["git", "-C", str(root), "-c", "user.name=bench", "-c", "user.email=bench@example.invalid"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "generated"], check=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--compare", metavar="REV", help="also time corslint at git revision REV")
    args = parser.parse_args(argv)
    log = lambda text: print(text, file=sys.stderr)  # noqa: E731
    python = Path(sys.executable)
    tools = {"corslint": bench.corslint_from(python, bench.source_copy(None, log)) + ["."]}
    if args.compare:
        tools[f"corslint@{args.compare}"] = bench.corslint_from(python, bench.source_copy(args.compare, log)) + ["."]
    if shutil.which("grep"):
        tools["grep -rlI (floor)"] = ["grep", "-rlI", "-i", "-E", "cors|access-control-allow-origin", "."]
    with tempfile.TemporaryDirectory(prefix="corslint-tree-") as tmp:
        root = Path(tmp)
        log(f"generating {args.files} files in {root} ...")
        generate(root, args.files)
        walls: dict[str, list[float]] = {name: [] for name in tools}
        peaks: dict[str, list[int]] = {name: [] for name in tools}
        for i in range(args.runs):
            for name, cmd in tools.items():
                sample, err = bench.run_once(cmd, str(root), 600)
                if sample.returncode not in (0, 1):
                    log(f"{name} failed (exit {sample.returncode}): {err.strip()[-300:]}")
                    return 2
                walls[name].append(sample.wall)
                peaks[name].append(sample.maxrss_kb)
                log(f"  {name:<24} run {i + 1}/{args.runs}: {sample.wall:6.3f} s  {sample.maxrss_kb / 1024:6.1f} MB")
    first = next(iter(tools))
    base = statistics.median(walls[first])
    print(f"\n{args.files} files, one CORS config; median of {args.runs} runs, {os.cpu_count()} cores\n")
    print("| tool | median | peak memory | time / corslint |")
    print("|---|---|---|---|")
    for name in tools:
        med = statistics.median(walls[name])
        print(f"| {name} | {med:.2f} s | {max(peaks[name]) / 1024:.0f} MB | {med / base:.2f}x |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
