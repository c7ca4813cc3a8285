#!/usr/bin/env python3
"""corslint speed benchmark: corslint vs crossplane's parse alone vs gixy-ng vs
``nginx -t`` on generated nginx configs of 500 to 4,000 server blocks.

Every tool runs as its own process, the way a user or CI runs it; for each
(tool, size) the script records the median wall time of N runs and the peak
resident memory of the process (from ``os.wait4``'s rusage, i.e. what
``/usr/bin/time -v`` calls "Maximum resident set size"). The quick tools run
in turn, one run each per round, so a machine whose speed drifts during the
benchmark (shared cores) weighs on each of them alike; gixy-ng, minutes per
run at the larger sizes, runs on its own after them.

The Python tools run in two virtualenvs beside this script, built on first use
from the interpreter running it (so both start from the same Python and no
site-wide ``.pth`` hooks of the calling environment weigh on either):

* ``bench/.venv-corslint``: this repository and its crossplane, reinstalled
  from the working tree on every run as a user installs it (``pip install .``:
  not editable, modules compiled to bytecode);
* ``bench/.venv-gixy``: gixy-ng from PyPI. Its parser dependency installs a
  module that is also called ``crossplane``, which is why it lives apart.

``--python-here`` runs corslint and crossplane with the current interpreter
instead of ``.venv-corslint``.

``--compare REV`` times an older commit side by side with the working tree:
both are copied out of git (``git archive REV``; the working tree's package
as it is on disk) into ``bench/.src-*`` and run by the same interpreter
(``python -c`` with the copy first on ``sys.path``), round by round, and the
table gains the ratios new/old of time and peak memory at every size.

Reproduce the published table (BENCHMARKS.md) with::

    python3 bench/bench.py

(``--markdown FILE`` also writes the table to FILE.)

Not part of the test suite: timings depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SIZES = (500, 1000, 2000, 4000)
VENV_CORSLINT = HERE / ".venv-corslint"
VENV_GIXY = HERE / ".venv-gixy"

# crossplane called the way corslint's nginx frontend calls it, and with its
# defaults (what gixy-style tools and `crossplane parse` do).
CROSSPLANE_AS_CORSLINT = (
    "import sys, crossplane; crossplane.parse(sys.argv[1], single=True, comments=True, "
    "check_ctx=False, check_args=False, catch_errors=False)"
)
CROSSPLANE_DEFAULTS = "import sys, crossplane; crossplane.parse(sys.argv[1])"


# ---------------------------------------------------------------- the configs


def server_block(i: int) -> str:
    """One server with an origin allowlist map, a preflight `if`, CORS
    add_header lines, a proxied API, static files and a health check. A quarter
    of the servers carry a classic mistake each, so the linter has findings to
    report, as on a real estate of configs."""
    flavour = i % 4
    if flavour == 1:
        legacy = (
            "        location /legacy/ {\n"
            "            add_header Access-Control-Allow-Origin $http_origin;\n"
            "            add_header Access-Control-Allow-Credentials true;\n"
            f"            proxy_pass http://backend_{i % 10};\n"
            "        }\n"
        )
    elif flavour == 2:
        legacy = (
            "        location /legacy/ {\n"
            "            if ($http_origin ~* \"https://.*\\.example\\.com\") {\n"
            "                add_header Access-Control-Allow-Origin $http_origin always;\n"
            "            }\n"
            f"            proxy_pass http://backend_{i % 10};\n"
            "        }\n"
        )
    elif flavour == 3:
        legacy = (
            "        location /legacy/ {\n"
            "            add_header Access-Control-Allow-Origin * always;\n"
            "            add_header Access-Control-Allow-Credentials true always;\n"
            "            add_header Access-Control-Allow-Methods \"GET; POST\" always;\n"
            f"            proxy_pass http://backend_{i % 10};\n"
            "        }\n"
        )
    else:
        legacy = ""
    return (
        f"    map $http_origin $cors_origin_{i} {{\n"
        "        default \"\";\n"
        f"        \"~^https://app{i}\\.example\\.com$\" $http_origin;\n"
        f"        \"~^https://(www|admin)\\.site{i}\\.example\\.org$\" $http_origin;\n"
        f"        \"https://partner{i}.example.net\" $http_origin;\n"
        "    }\n"
        "    server {\n"
        "        listen 8080;\n"
        f"        server_name api{i}.example.com;\n"
        f"        root /srv/site{i};\n"
        "        add_header X-Content-Type-Options nosniff always;\n"
        "        location /api/ {\n"
        "            if ($request_method = OPTIONS) {\n"
        f"                add_header Access-Control-Allow-Origin $cors_origin_{i} always;\n"
        "                add_header Access-Control-Allow-Methods \"GET, POST, PUT, DELETE, OPTIONS\" always;\n"
        "                add_header Access-Control-Allow-Headers "
        "\"Authorization, Content-Type, X-Request-Id\" always;\n"
        "                add_header Access-Control-Allow-Credentials true always;\n"
        "                add_header Access-Control-Max-Age 600 always;\n"
        "                add_header Vary Origin always;\n"
        "                return 204;\n"
        "            }\n"
        f"            add_header Access-Control-Allow-Origin $cors_origin_{i} always;\n"
        "            add_header Access-Control-Allow-Credentials true always;\n"
        "            add_header Access-Control-Expose-Headers \"X-Request-Id\" always;\n"
        "            add_header Vary Origin always;\n"
        "            proxy_hide_header Access-Control-Allow-Origin;\n"
        "            proxy_set_header Host $host;\n"
        f"            proxy_pass http://backend_{i % 10};\n"
        "        }\n"
        "        location /static/ {\n"
        "            add_header Access-Control-Allow-Origin \"*\";\n"
        "            expires 1d;\n"
        "        }\n"
        f"{legacy}"
        "        location = /health {\n"
        "            return 200 \"ok\";\n"
        "        }\n"
        "    }\n"
    )


def generate(n: int) -> str:
    upstreams = "".join(
        f"    upstream backend_{k} {{\n        server 127.0.0.1:{9000 + k};\n    }}\n" for k in range(10))
    return (
        f"# generated by bench/bench.py: {n} server blocks\n"
        "worker_processes 1;\n"
        "events {\n    worker_connections 1024;\n}\n"
        "http {\n"
        "    access_log off;\n"
        "    server_names_hash_max_size 65536;\n"
        "    server_names_hash_bucket_size 128;\n"
        "    map_hash_max_size 65536;\n"
        "    map_hash_bucket_size 128;\n"
        f"{upstreams}"
        + "".join(server_block(i) for i in range(n))
        + "}\n"
    )


# ---------------------------------------------------------------- measuring


@dataclass
class Sample:
    wall: float        # seconds
    maxrss_kb: int     # peak resident set size of the process
    returncode: int


@dataclass
class Result:
    tool: str
    size: int | str
    samples: list[Sample] = field(default_factory=list)
    error: str | None = None

    @property
    def median(self) -> float | None:
        return statistics.median(s.wall for s in self.samples) if self.samples else None

    @property
    def peak_mb(self) -> float | None:
        return max(s.maxrss_kb for s in self.samples) / 1024 if self.samples else None


def gnu_time() -> str | None:
    """GNU time, if installed. A child's ru_maxrss starts from its parent's
    resident size at fork (Linux carries the forked address space's high-water
    mark across exec), so a small launcher is needed to measure processes
    smaller than this script; os.wait4's figure is the fallback."""
    path = "/usr/bin/time"
    try:
        out = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return path if "GNU" in (out.stdout + out.stderr) else None


GNU_TIME = gnu_time()


def run_once(argv: list[str], cwd: str, timeout: float) -> tuple[Sample, str]:
    with tempfile.TemporaryFile() as err, tempfile.NamedTemporaryFile("r") as rss:
        if GNU_TIME:
            argv = [GNU_TIME, "-f", "%M", "-o", rss.name, *argv]
        start = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=cwd, stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=err)
        deadline = start + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                proc.returncode = -9
                raise TimeoutError(f"{argv[0]} took more than {timeout:.0f} s")
            time.sleep(0.002)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        text = err.read().decode("utf-8", "replace")
        maxrss = int(usage.ru_maxrss)
        if GNU_TIME:
            found = re.findall(r"^(\d+)$", rss.read(), re.M)
            if found:
                maxrss = int(found[-1])
    return Sample(wall, maxrss, proc.returncode), text


@dataclass
class Tool:
    name: str
    argv: list[str]              # the file path is appended
    ok_codes: tuple[int, ...]    # exit codes that mean "ran to the end"
    budgeted: bool = False       # may get fewer runs than asked when it is very slow


def take_sample(tool: Tool, result: Result, path: str | None, cwd: str, timeout: float) -> Sample | None:
    """One run of ``tool`` added to ``result``; None (and ``result.error`` set)
    when it failed or timed out."""
    argv = tool.argv + ([path] if path else [])
    try:
        sample, stderr = run_once(argv, cwd, timeout)
    except (OSError, TimeoutError) as exc:
        result.error = str(exc)
        return None
    if sample.returncode not in tool.ok_codes:
        last = stderr.strip().splitlines()[-1:] or ["(no stderr)"]
        result.error = f"exit {sample.returncode}: {last[0][:160]}"
        return None
    result.samples.append(sample)
    return sample


def log_sample(log, tool: Tool, size: int | str, i: int, runs: int, sample: Sample) -> None:
    log(f"  {tool.name:<22} {str(size):>6}  run {i + 1}/{runs}: {sample.wall:7.3f} s  "
        f"{sample.maxrss_kb / 1024:7.1f} MB")


def measure(tool: Tool, size: int | str, path: str | None, runs: int, cwd: str,
            timeout: float, log, budget: float | None = None) -> Result:
    """``runs`` runs, or fewer when the first one shows they would take more than
    ``budget`` seconds in all (at least one; the table says how many)."""
    result = Result(tool.name, size)
    i = 0
    while i < runs:
        sample = take_sample(tool, result, path, cwd, timeout)
        if sample is None:
            break
        if i == 0 and budget and sample.wall * runs > budget:
            runs = max(1, min(runs, int(budget // sample.wall)))
        log_sample(log, tool, size, i, runs, sample)
        i += 1
    return result


def measure_interleaved(tools: list[Tool], size: int | str, path: str | None, runs: int, cwd: str,
                        timeout: float, log) -> dict[str, Result]:
    """``runs`` rounds, each running every tool once in turn: a machine that
    speeds up or slows down during the benchmark (shared cores, CPU steal)
    then weighs on every tool alike, so the ratios hold even when the
    absolute times drift."""
    results = {tool.name: Result(tool.name, size) for tool in tools}
    for i in range(runs):
        for tool in tools:
            result = results[tool.name]
            if result.error:
                continue
            sample = take_sample(tool, result, path, cwd, timeout)
            if sample is not None:
                log_sample(log, tool, size, i, runs, sample)
    return results


# ---------------------------------------------------------------- environments


def venv_python(venv: Path) -> Path:
    return venv / "bin" / "python"


def ensure_venv(venv: Path, packages: list[str], log) -> Path | None:
    """A virtualenv with ``packages`` installed (pip arguments); built once."""
    python = venv_python(venv)
    stamp = venv / ".bench-installed"
    if python.exists() and stamp.exists() and stamp.read_text() == repr(packages):
        return python
    log(f"building {venv.relative_to(REPO)} ({' '.join(packages)}) ...")
    try:
        if not python.exists():
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", *packages], check=True)
    except (OSError, subprocess.CalledProcessError) as exc:
        log(f"  could not build {venv.name}: {exc}")
        return None
    stamp.write_text(repr(packages))
    return python


def script(python: Path, name: str) -> str:
    return str(python.parent / name)


def version_of(argv: list[str]) -> str:
    try:
        out = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    text = (out.stdout or out.stderr).strip().splitlines()
    return text[0].strip() if text else "?"


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "cpu ?"


def nginx_binary() -> str | None:
    for candidate in (shutil.which("nginx"), "/usr/sbin/nginx"):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None



def source_copy(rev: str | None, log) -> Path:
    """A copy of corslint's package at ``rev`` (None: the working tree as it
    is on disk) laid out as it installs (``grammars/`` inside the package),
    to be run with that copy first on ``sys.path``."""
    if rev is None:
        dest = HERE / ".src-worktree"
        shutil.rmtree(dest, ignore_errors=True)
        dest.mkdir()
        shutil.copytree(REPO / "corslint", dest / "corslint",
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        shutil.copytree(REPO / "grammars", dest / "corslint" / "grammars",
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        return dest
    sha = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", rev], check=True,
                         capture_output=True, text=True).stdout.strip()
    dest = HERE / f".src-{sha}"
    if not (dest / "corslint" / "grammars").exists():
        log(f"copying corslint@{sha} out of git into {dest.relative_to(REPO)} ...")
        shutil.rmtree(dest, ignore_errors=True)
        dest.mkdir()
        archive = subprocess.run(["git", "-C", str(REPO), "archive", sha, "corslint", "grammars"],
                                 check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
        shutil.move(str(dest / "grammars"), str(dest / "corslint" / "grammars"))
    return dest


def corslint_from(python: Path, source: Path) -> list[str]:
    """The command that runs the console script of the corslint in ``source``."""
    return [str(python), "-c", f"import sys; sys.path.insert(0, {str(source)!r}); sys.argv[0] = 'corslint'; "
                               "from corslint.cli import run; run()"]


# ---------------------------------------------------------------- report


def fmt_time(value: float | None) -> str:
    return "—" if value is None else (f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s")


def fmt_mem(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f} MB"


def ratio(a: float | None, b: float | None) -> str:
    return "—" if a is None or b is None or b == 0 else f"{a / b:.2f}×"


def render(results: dict[tuple[str, int | str], Result], tools: list[Tool], sizes: list[int],
           startup: dict[str, Result], meta: dict[str, str], runs: int) -> str:
    out: list[str] = []
    out.append(f"Machine: {meta['machine']}")
    out.append(f"Python {meta['python']}; {meta['versions']}")
    out.append(f"Runs per cell: {runs} (median wall time; peak RSS over the runs, "
               f"{'measured by GNU time' if GNU_TIME else 'from os.wait4: at least this script’s own size'})")
    out.append("")
    header = "| tool | " + " | ".join(f"{n:,} servers" for n in sizes) + " |"
    out.append(header)
    out.append("|---|" + "---:|" * len(sizes))
    for tool in tools:
        cells = []
        for n in sizes:
            res = results.get((tool.name, n))
            if res is None:
                cells.append("—")
            elif res.error and not res.samples:
                cells.append(f"failed: {res.error}")
            else:
                few = f" ({len(res.samples)} run{'s' if len(res.samples) > 1 else ''})" \
                    if len(res.samples) < runs else ""
                cells.append(f"{fmt_time(res.median)} / {fmt_mem(res.peak_mb)}{few}")
        out.append(f"| {tool.name} | " + " | ".join(cells) + " |")
    out.append("")
    out.append("Cells: median wall time / peak resident memory of the process; \"(n runs)\" marks a "
               "cell whose runs were cut to stay within the time budget.")
    out.append("")

    def med(tool: str, n: int) -> float | None:
        res = results.get((tool, n))
        return res.median if res else None

    out.append("| ratio | measured | target |")
    out.append("|---|---:|---|")
    out.append(f"| corslint@2000 / crossplane@2000 (corslint's options) | "
               f"{ratio(med('corslint', 2000), med('crossplane (corslint options)', 2000))} | ≤ 1.5× |")
    out.append(f"| corslint@2000 / crossplane@2000 (defaults) | "
               f"{ratio(med('corslint', 2000), med('crossplane (defaults)', 2000))} | |")
    out.append(f"| corslint@4000 / corslint@2000 | "
               f"{ratio(med('corslint', 4000), med('corslint', 2000))} | ≤ 2.2× |")
    out.append(f"| gixy-ng@2000 / crossplane@2000 (corslint's options) | "
               f"{ratio(med('gixy-ng', 2000), med('crossplane (corslint options)', 2000))} | (issue: ≈16×) |")
    out.append(f"| gixy-ng@4000 / gixy-ng@2000 | "
               f"{ratio(med('gixy-ng', 4000), med('gixy-ng', 2000))} | |")
    out.append(f"| corslint@2000 / gixy-ng@2000 | "
               f"{ratio(med('corslint', 2000), med('gixy-ng', 2000))} | |")
    for tool in tools:
        if not tool.name.startswith("corslint@"):
            continue
        for n in sizes:
            new, old = results.get(("corslint", n)), results.get((tool.name, n))
            if new and old:
                out.append(f"| corslint / {tool.name} at {n:,} servers: time, peak memory | "
                           f"{ratio(new.median, old.median)}, {ratio(new.peak_mb, old.peak_mb)} | ≤ 1.10× |")
    cs, gs = startup.get("corslint --version"), startup.get("gixy --version")
    out.append(f"| `corslint --version` / `gixy --version` | "
               f"{ratio(cs.median if cs else None, gs.median if gs else None)} | ≤ 1.0× |")
    out.append("")
    out.append("| start-up | median | peak RSS |")
    out.append("|---|---:|---:|")
    for name, res in startup.items():
        if res.error and not res.samples:
            out.append(f"| `{name}` | failed: {res.error} | |")
        else:
            out.append(f"| `{name}` | {fmt_time(res.median)} | {fmt_mem(res.peak_mb)} |")
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)),
                        help="server-block counts, comma-separated (default: %(default)s)")
    parser.add_argument("--runs", type=int, default=5, help="runs per (tool, size); median reported")
    parser.add_argument("--startup-runs", type=int, default=15, help="runs of each --version")
    parser.add_argument("--tools", default="corslint,crossplane,crossplane-defaults,nginx,gixy",
                        help="which tools to time (default: %(default)s)")
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds before a run is abandoned")
    parser.add_argument("--cell-budget", type=float, default=600.0,
                        help="gixy-ng at a size whose first run shows RUNS runs would exceed this many "
                             "seconds gets fewer runs (marked in the table; default %(default)s)")
    parser.add_argument("--python-here", action="store_true",
                        help="run corslint and crossplane with this interpreter, not bench/.venv-corslint")
    parser.add_argument("--compare", metavar="REV",
                        help="also time corslint at git revision REV, side by side with the working tree")
    parser.add_argument("--keep", metavar="DIR", help="write the generated configs to DIR and keep them")
    parser.add_argument("--markdown", metavar="FILE", help="also write the table to FILE")
    parser.add_argument("-q", "--quiet", action="store_true", help="only print the table")
    args = parser.parse_args(argv)

    log = (lambda *_: None) if args.quiet else (lambda msg: print(msg, file=sys.stderr, flush=True))
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    wanted = {t.strip() for t in args.tools.split(",") if t.strip()}
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    if args.python_here:
        py_corslint: Path | None = Path(sys.executable)
    else:
        py_corslint = ensure_venv(VENV_CORSLINT, [str(REPO)], log)
        if py_corslint is not None:
            # the working tree as a user installs it: a regular (not editable)
            # install, whose modules pip compiles to bytecode once
            log("installing this working tree into .venv-corslint ...")
            subprocess.run([str(py_corslint), "-m", "pip", "install", "-q", "--no-deps",
                            "--force-reinstall", str(REPO)], check=True)
    py_gixy = ensure_venv(VENV_GIXY, ["gixy-ng"], log) if "gixy" in wanted else None

    workdir = Path(args.keep).resolve() if args.keep else Path(tempfile.mkdtemp(prefix="corslint-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "logs").mkdir(exist_ok=True)

    tools: list[Tool] = []
    versions: list[str] = []
    if py_corslint is not None:
        corslint_cmd = script(py_corslint, "corslint")
        if not os.path.exists(corslint_cmd):
            corslint_cmd = None
        if "corslint" in wanted:
            argv_c = [corslint_cmd] if corslint_cmd else [str(py_corslint), "-c",
                                                          "import sys; from corslint.cli import main; main()"]
            if args.compare:  # both run the same way, from copies beside this script
                argv_c = corslint_from(py_corslint, source_copy(None, log))
            # exit 1 = findings (expected: a quarter of the servers have mistakes)
            tools.append(Tool("corslint", argv_c, (0, 1)))
            versions.append(version_of(argv_c + ["--version"]))
            if args.compare:
                old = source_copy(args.compare, log)
                tools.append(Tool(f"corslint@{old.name[len('.src-'):]}", corslint_from(py_corslint, old), (0, 1)))
        if "crossplane" in wanted:
            tools.append(Tool("crossplane (corslint options)",
                              [str(py_corslint), "-c", CROSSPLANE_AS_CORSLINT], (0,)))
        if "crossplane-defaults" in wanted:
            tools.append(Tool("crossplane (defaults)", [str(py_corslint), "-c", CROSSPLANE_DEFAULTS], (0,)))
        if wanted & {"crossplane", "crossplane-defaults"}:
            versions.append("crossplane " + version_of(
                [str(py_corslint), "-c", "import importlib.metadata as m; print(m.version('crossplane'))"]))
    nginx = nginx_binary()
    if "nginx" in wanted and nginx:
        tools.append(Tool("nginx -t", [nginx, "-q", "-p", str(workdir), "-e", "stderr",
                                       "-g", f"pid {workdir / 'nginx.pid'};", "-t", "-c"], (0,)))
        versions.append(version_of([nginx, "-v"]).replace("nginx version: ", ""))
    elif "nginx" in wanted:
        log("nginx not installed: its column is left out")
    if "gixy" in wanted and py_gixy is not None:
        gixy = script(py_gixy, "gixy")
        # gixy exits 1 when it reports issues
        tools.append(Tool("gixy-ng", [gixy], (0, 1), budgeted=True))
        versions.append(version_of([gixy, "--version"]))

    meta = {
        "machine": f"{platform.system()} {platform.machine()}, {len(os.sched_getaffinity(0))} cores "
                   f"available ({cpu_model()}), {os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} "
                   "GB RAM",
        "python": platform.python_version(),
        "versions": "; ".join(v for v in versions if v),
    }

    results: dict[tuple[str, int | str], Result] = {}
    for n in sizes:
        path = workdir / f"nginx-{n}.conf"
        path.write_text(generate(n), encoding="utf-8")
        log(f"{path.name}: {path.stat().st_size / 1024:.0f} KB")
        # the quick tools in turn, round by round; a very slow one (gixy-ng)
        # on its own afterwards, within its time budget
        quick = [t for t in tools if not t.budgeted]
        for name, result in measure_interleaved(quick, n, str(path), args.runs, str(workdir),
                                                args.timeout, log).items():
            results[(name, n)] = result
        for tool in tools:
            if tool.budgeted:
                results[(tool.name, n)] = measure(tool, n, str(path), args.runs, str(workdir), args.timeout,
                                                  log, args.cell_budget)
        for tool in tools:
            if results[(tool.name, n)].error:
                log(f"  {tool.name} at {n}: {results[(tool.name, n)].error}")

    starters: list[Tool] = []
    if py_corslint is not None and any(t.name == "corslint" for t in tools):
        argv_c = next(t.argv for t in tools if t.name == "corslint")
        starters.append(Tool("corslint --version", argv_c + ["--version"], (0,)))
    if py_gixy is not None:
        starters.append(Tool("gixy --version", [script(py_gixy, "gixy"), "--version"], (0,)))
    if py_corslint is not None:
        starters.append(Tool("python -c pass (corslint's venv)", [str(py_corslint), "-c", "pass"], (0,)))
    if py_gixy is not None:
        starters.append(Tool("python -c pass (gixy's venv)", [str(py_gixy), "-c", "pass"], (0,)))
    startup = measure_interleaved(starters, "startup", None, args.startup_runs, str(workdir), args.timeout, log)

    table = render(results, tools, sizes, startup, meta, args.runs)
    print(table)
    if args.markdown:
        Path(args.markdown).write_text(table, encoding="utf-8")
    if not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
