"""The pipeline: files -> frontends -> policy model -> checks -> findings.

Nothing here knows a server's syntax; it asks each frontend whether it
recognises a file and hands the file over.
"""

from __future__ import annotations

import dataclasses
import errno
import functools
import gc
import os
import pickle
import select
import signal
import stat
import subprocess
import threading
import time
from dataclasses import dataclass, field
from typing import Iterable

from . import checks
from .findings import Finding
from .frontends import FRONTENDS, frontend_for
from .model import ParseProblem, PolicyModel

# Directories a walk does not enter: version control, third-party code,
# virtualenvs and build output. Files git tracks in them are still linted
# (except under .git and the third-party ones): a committed config must not
# vanish because its directory is called env/ or build/.
SKIP_DIRS = frozenset({
    ".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv", "venv", "env",
    ".tox", ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache", "site-packages",
    "dist", "build", ".eggs",
})
# Never entered, tracked or not: version control and code other people wrote.
NEVER_ENTERED = frozenset({".git", ".hg", ".svn", "node_modules", "site-packages"})


@dataclass
class LintResult:
    findings: list[Finding] = field(default_factory=list)
    problems: list[ParseProblem] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)
    # The policy model the findings were drawn from.
    model: PolicyModel | None = field(default=None, repr=False, compare=False)


def discover(paths: Iterable[str]) -> tuple[list[str], list[ParseProblem]]:
    """Files to lint: named files always; directories walked for the files a
    frontend recognises.

    What is named is the tree: a walk follows no symbolic link that leads out
    of every named path, and reads only regular files (a FIFO or a device
    would hang or flood it). Inside a git work tree, .gitignore files apply to
    untracked files only, as in git itself: a committed config is always
    linted, whatever a .gitignore in the same pull request says."""
    paths = list(paths)
    found: list[str] = []
    problems: list[ParseProblem] = []
    roots = [os.path.realpath(p) for p in paths if p != "-" and os.path.isdir(p)]
    for path in paths:
        if path == "-":
            found.append(path)  # standard input, named by --stdin-filename
        elif os.path.isdir(path):
            before = len(found)
            _walk(path, found, problems, roots)
            if len(found) == before:
                problems.append(ParseProblem(path, None, "no configuration files corslint reads in "
                                                         "this directory; nothing linted there",
                                             fatal=False))
        elif os.path.exists(path):
            if _named_link_leads_out(path, roots):
                problems.append(ParseProblem(path, None, "symbolic link to outside the working "
                                                         "directory; not followed"))
            elif _is_regular(path) or _is_shell_pipe(path):
                found.append(path)
            else:
                problems.append(ParseProblem(path, None, "not a regular file (a FIFO, socket or "
                                                         "device); not read"))
        elif os.path.islink(path):
            problems.append(ParseProblem(path, None, _broken_link(path)))
        else:
            problems.append(ParseProblem(path, None, "no such file or directory"))
    return found, problems


def _named_link_leads_out(path: str, roots: list[str]) -> bool:
    """A named file inside the working directory may come from the tree being
    linted (pre-commit names a pull request's files): a link there must not
    lead out of it. A path named outside the working directory
    (``corslint /etc/nginx/sites-enabled/default``) is the user's own choice."""
    if not os.path.islink(path):
        return False
    here = os.getcwd()
    if not _is_within(os.path.abspath(path), here):
        return False
    return not _within_any(os.path.realpath(path), [os.path.realpath(here), *roots])


def _is_shell_pipe(path: str) -> bool:
    """``corslint <(render-config)``: the shell's pipe, with a writer behind
    it (a FIFO inside a tree may have none, and reading it would hang)."""
    return path.startswith(("/dev/fd/", "/proc/self/fd/"))


def _is_regular(path: str) -> bool:
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def _broken_link(path: str) -> str:
    try:
        os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "symbolic link loop: the link never reaches a file"
    return f"broken symbolic link to {os.readlink(path)!r}"


def _within_any(path: str, roots: list[str]) -> bool:
    return any(path == root or path.startswith(root.rstrip(os.sep) + os.sep) for root in roots)


def _walk(top: str, found: list[str], problems: list[ParseProblem], roots: list[str]) -> None:
    ignores: list[tuple[str, object]] = []   # (directory, its .gitignore spec), outermost first
    seen_dirs: set[tuple[int, int]] = set()
    tracked = _TrackedFiles(top)
    only_tracked: set[str] = set()  # directories entered only for their tracked files
    for root, dirs, files in os.walk(top, followlinks=True):
        st = os.stat(root)
        if (st.st_dev, st.st_ino) in seen_dirs:  # a directory symlink loop: walk it once
            dirs[:] = []
            continue
        seen_dirs.add((st.st_dev, st.st_ino))
        ignores = [(d, spec) for d, spec in ignores if _is_within(root, d)]
        spec = _gitignore(root)
        if spec is not None:
            ignores.append((root, spec))
        root_only_tracked = root in only_tracked
        kept_dirs = []
        for d in sorted(dirs):
            full = os.path.join(root, d)
            if d in NEVER_ENTERED or not _link_stays_inside(full, roots, problems):
                continue
            skipped = (root_only_tracked or d in SKIP_DIRS or _is_virtualenv(full)
                       or _ignored(full, True, ignores))
            if not skipped:
                kept_dirs.append(d)
            elif tracked.holds_below(full):
                kept_dirs.append(d)       # entered for the files git tracks there
                only_tracked.add(full)
        dirs[:] = kept_dirs
        for name in sorted(files):
            full = os.path.normpath(os.path.join(root, name))  # "./a.conf" -> "a.conf"
            if os.path.islink(full):
                if not os.path.exists(full):
                    problems.append(ParseProblem(full, None, _broken_link(full) + "; skipped", fatal=False))
                    continue
                if not _link_stays_inside(full, roots, problems):
                    continue
            if (root_only_tracked or _ignored(full, False, ignores)) and not tracked.holds(full):
                continue
            if not _is_regular(full):
                problems.append(ParseProblem(full, None, "not a regular file (a FIFO, socket or "
                                                         "device); skipped", fatal=False))
                continue
            if frontend_for(full, named=False) is not None:
                found.append(full)


def _link_stays_inside(path: str, roots: list[str], problems: list[ParseProblem]) -> bool:
    """False (with a notice) for a symbolic link that leads out of every
    linted root: a link in a stranger's tree must not make corslint read the
    host (``etc -> /etc``, ``up -> ..``)."""
    if not os.path.islink(path):
        return True
    target = os.path.realpath(path)
    if _within_any(target, roots):
        return True
    problems.append(ParseProblem(os.path.normpath(path), None,
                                 "symbolic link to outside the linted tree; not followed", fatal=False))
    return False


class _TrackedFiles:
    """The files git tracks under a walked directory, asked for only when a
    .gitignore or a skipped directory would leave something out.

    git runs with the options that keep a repository's own configuration from
    running commands (a tree from a stranger may carry its .git directory)."""

    def __init__(self, top: str):
        self.top = top
        self._files: frozenset[str] | None = None
        self._dirs: frozenset[str] | None = None

    def _load(self) -> None:
        if self._files is not None:
            return
        files: set[str] = set()
        try:
            done = subprocess.run(
                ["git", "--no-pager", "-c", "core.fsmonitor=false", "-c", "core.untrackedCache=false",
                 "-C", self.top, "ls-files", "-z", "--cached"],
                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                timeout=60, check=False)
            if done.returncode == 0:
                files = {os.path.normpath(os.path.join(self.top, os.fsdecode(name)))
                         for name in done.stdout.split(b"\0") if name}
        except (OSError, subprocess.SubprocessError):
            pass  # no git here: .gitignore applies to every file
        dirs: set[str] = set()
        for name in files:
            parent = os.path.dirname(name)
            while parent and parent not in dirs:
                dirs.add(parent)
                parent = os.path.dirname(parent)
        self._files, self._dirs = frozenset(files), frozenset(dirs)

    def holds(self, path: str) -> bool:
        self._load()
        return os.path.normpath(path) in self._files

    def holds_below(self, directory: str) -> bool:
        self._load()
        return os.path.normpath(directory) in self._dirs


def _is_within(path: str, directory: str) -> bool:
    rel = os.path.relpath(path, directory)
    return rel == "." or not rel.startswith("..")


def _gitignore(directory: str):
    path = os.path.join(directory, ".gitignore")
    if not os.path.isfile(path):
        return None
    import pathspec  # only when a walk meets a .gitignore

    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            return pathspec.GitIgnoreSpec.from_lines(fh.read().splitlines())
    except OSError:
        return None


def _ignored(path: str, is_dir: bool, ignores: list[tuple[str, object]]) -> bool:
    """The deepest .gitignore with an opinion on ``path`` decides."""
    for directory, spec in reversed(ignores):
        rel = os.path.relpath(path, directory).replace(os.sep, "/") + ("/" if is_dir else "")
        verdict = spec.check_file(rel).include
        if verdict is not None:
            return verdict
    return False


def _is_virtualenv(path: str) -> bool:
    return os.path.exists(os.path.join(path, "pyvenv.cfg"))


# Below this many files one process is faster than starting workers.
PARALLEL_MIN_FILES = 32


def _usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def build_model(files: list[str], *, stdin_text: str | None = None,
                stdin_filename: str | None = None,
                on_allowlists=None) -> tuple[PolicyModel, dict[str, str]]:
    """The policy model of ``files``; ``on_allowlists`` is handed to the
    frontends when they run in this process (see frontends/__init__.py)."""
    workers = min(_usable_cores(), 8, len(files) // (PARALLEL_MIN_FILES // 2) or 1)
    if len(files) >= PARALLEL_MIN_FILES and workers > 1 and "-" not in files:
        from concurrent.futures.process import BrokenProcessPool

        try:
            return _build_in_parallel(files, workers)
        except (OSError, ImportError, BrokenProcessPool):
            pass  # no process pool here (sandbox, no /dev/shm), or a process was killed
    return _build_sequential(files, stdin_text=stdin_text, stdin_filename=stdin_filename,
                             on_allowlists=on_allowlists)


def _build_in_parallel(files: list[str], workers: int) -> tuple[PolicyModel, dict[str, str]]:
    """Frontends run on several cores, each over every n-th file; the parts
    are merged as one run over all files would have made them."""
    from concurrent.futures import ProcessPoolExecutor

    chunks = [files[i::workers] for i in range(workers)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        parts = list(pool.map(_build_sequential, chunks))
    model = PolicyModel()
    texts: dict[str, str] = {}
    for part, part_texts in parts:
        model.extend(part)
        texts.update(part_texts)
    # A file another chunk includes was analysed on its own in its chunk:
    # keep only its analysis in its includer's context.
    included = model.included_files
    model.routes = [r for r in model.routes
                    if r.source.via or os.path.abspath(r.source.file) not in included]
    model.files = [f for f in dict.fromkeys(model.files) if os.path.abspath(f) not in included]
    model.problems = list({(p.file, p.line, p.message): p for p in model.problems}.values())
    model.origin_allowlists = list({
        (m.source, m.pattern): m for m in model.origin_allowlists
        if m.source is None or m.source.via or os.path.abspath(m.source.file) not in included
    }.values())
    _in_input_order(model, files)
    return model, texts


def _in_input_order(model: PolicyModel, files: list[str]) -> None:
    order = {f: i for i, f in enumerate(files)}
    model.files.sort(key=lambda f: order.get(f, len(order)))


def _build_sequential(files: list[str], *, stdin_text: str | None = None,
                      stdin_filename: str | None = None,
                      on_allowlists=None) -> tuple[PolicyModel, dict[str, str]]:
    model = PolicyModel()
    texts: dict[str, str] = {}
    # Each frontend gets all its files at once, so a file another one includes
    # is analysed in its includer's context rather than twice.
    batches: dict[str, tuple[object, list[str], dict[str, str]]] = {}
    for path in files:
        stdin: dict[str, str] = {}
        display = path
        if path == "-":
            display = stdin_filename or "<stdin>"
            stdin[display] = stdin_text or ""
        frontend = frontend_for(display, named=True, text=stdin.get(display))
        if frontend is None:
            model.problems.append(ParseProblem(display, None, "not a configuration corslint can read"))
            continue
        entry = batches.setdefault(frontend.__name__, (frontend, [], {}))
        entry[1].append(display)
        entry[2].update(stdin)
    for frontend, paths, stdin in batches.values():
        model.extend(frontend.parse_files(paths, stdin=stdin, texts=texts, on_allowlists=on_allowlists))
    _in_input_order(model, files)
    return model, texts


def provenance_notes(model: PolicyModel) -> dict:
    """Source position -> what a frontend said about where a value came from
    (e.g. "the default of config('CORS_ALLOW_ALL_ORIGINS')")."""
    notes: dict = {}
    for route in model.routes:
        for branch in route.branches:
            for h in branch.headers:
                if h.note:
                    notes.setdefault(h.source, h.note)
        for matcher in route.origin_matchers():
            if matcher.note and matcher.source is not None:
                notes.setdefault(matcher.source, matcher.note)
    return notes


# From this many routes on, the rules run on several cores: this process and
# a few forked ones each run some of the rules on the same model (nothing is
# copied in), which gives exactly what one process gives.
PARALLEL_MIN_ROUTES = 400
# Rules that share costly work run in the same process, so it is done once:
# the answers to actual requests and the origins a route means to allow (the
# first family), the allowlist analysis (the second, cached per process).
# Split apart, two processes each redo that work for every route.
RULE_FAMILIES = (
    ("CORS101", "CORS102", "CORS103", "CORS105", "CORS108", "CORS201", "CORS202", "CORS402"),
    ("CORS106", "CORS104", "CORS107"),
)
# Relative cost of the rules on a large config (bench/bench.py at 2,000
# servers, each rule timed in one process after the others): what the
# processes' shares are balanced by. Unlisted rules count 2.
RULE_WEIGHTS = {
    "CORS101": 34, "CORS102": 6, "CORS103": 32, "CORS104": 12, "CORS105": 6, "CORS106": 50,
    "CORS107": 4, "CORS108": 21, "CORS201": 7, "CORS202": 7, "CORS203": 10, "CORS204": 11,
    "CORS301": 9, "CORS303": 6, "CORS304": 3, "CORS306": 7, "CORS307": 10, "CORS308": 11,
    "CORS309": 9, "CORS402": 14,
}


def run_checks(model: PolicyModel, codes: Iterable[str] | None = None) -> list[Finding]:
    codes = list(codes or checks.REGISTRY)
    by_code = None
    workers = min(_usable_cores(), 4, len(codes))
    if len(model.routes) >= PARALLEL_MIN_ROUTES and workers > 1:
        by_code = _run_rules_forked(model, codes, workers)
    if by_code is None:
        by_code = _run_rules(model, codes)
    findings: list[Finding] = []
    seen: set[tuple] = set()
    notes = provenance_notes(model)
    for code in codes:
        for finding in by_code[code]:
            note = notes.get(finding.source)
            if note and note not in finding.message:
                finding = dataclasses.replace(finding, message=f"{finding.message} ({note})")
            key = (finding.code, finding.source.file, finding.source.line,
                   finding.source.column, finding.message)
            if key not in seen:
                seen.add(key)
                findings.append(finding)
    findings.sort(key=Finding.sort_key)
    return findings


def _run_rules(model: PolicyModel, codes: Iterable[str]) -> dict[str, list[Finding]]:
    return {code: list(checks.load(code).check(model)) for code in codes}


def _rule_shares(codes: list[str], workers: int) -> list[list[str]]:
    """``codes`` split into at most ``workers`` shares of about equal weight,
    families kept whole, the heaviest share first; within a share the rules
    keep their order in ``codes``."""
    tasks: list[list[str]] = []
    grouped: set[str] = set()
    for family in RULE_FAMILIES:
        members = [c for c in family if c in codes]
        if members:
            tasks.append(members)
            grouped.update(members)
    tasks += [[c] for c in codes if c not in grouped]

    def weight(rules: list[str]) -> int:
        return sum(RULE_WEIGHTS.get(c, 2) for c in rules)

    shares: list[list[str]] = [[] for _ in range(min(workers, len(tasks)))]
    for task in sorted(tasks, key=weight, reverse=True):  # stable: ties keep their order
        min(shares, key=weight).extend(task)
    order = {c: i for i, c in enumerate(codes)}
    return sorted((sorted(share, key=order.__getitem__) for share in shares if share),
                  key=weight, reverse=True)


def _run_rules_forked(model: PolicyModel, codes: list[str], workers: int) -> dict[str, list[Finding]] | None:
    """Every rule, the first share in this process and each other share in a
    forked one; None where no process could be forked (the caller then runs
    the rules here).

    A share whose process fails or is killed (out of memory) is run here
    afterwards, so a rule's own error surfaces as it does in one process."""
    shares = _rule_shares(codes, workers)
    if len(shares) < 2 or not _can_fork():
        return None
    for code in codes:
        checks.load(code)  # imported once, before the fork
    forked: list[tuple[int, int, list[str]]] = []
    try:
        for share in shares[1:]:
            started = _fork_sending(functools.partial(_run_rules, model, share),
                                    close_in_child=[fd for _, fd, _ in forked])
            if started is None:
                break
            forked.append((*started, share))
        if not forked:
            return None
        by_code = _run_rules(model, shares[0])
        for share in shares[1 + len(forked):]:  # no process for these
            by_code.update(_run_rules(model, share))
        while forked:
            pid, read_end, share = forked.pop(0)
            by_code.update(_receive(pid, read_end) or _run_rules(model, share))
        return by_code
    finally:
        for pid, read_end, _ in forked:  # left behind by an error here: stop them
            os.close(read_end)
            try:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            except OSError:
                pass


def _can_fork() -> bool:
    """A process may be forked here: there is fork, and no other thread (a
    lock another thread holds at the fork would stay held in the child for
    good)."""
    return hasattr(os, "fork") and threading.active_count() == 1


def _fork_sending(work, close_in_child: Iterable[int] = ()) -> tuple[int, int] | None:
    """A forked process that runs ``work()``, sends back its pickled result
    and exits without cleanup: (its pid, the descriptor to read the result
    from with ``_receive``); None when no pipe or process can be had."""
    try:
        read_end, write_end = os.pipe()
    except OSError:  # out of file descriptors
        return None
    try:
        pid = os.fork()
    except OSError:  # out of processes
        os.close(read_end)
        os.close(write_end)
        return None
    if pid == 0:
        status = 1
        try:
            os.close(read_end)
            for fd in close_in_child:
                os.close(fd)
            data = pickle.dumps(work(), protocol=pickle.HIGHEST_PROTOCOL)
            with os.fdopen(write_end, "wb") as fh:
                fh.write(data)
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    return pid, read_end


def _receive(pid: int, read_end: int, deadline: float | None = None):
    """What a process ``_fork_sending`` started sent, once it has ended; None
    if it failed or sent nothing whole, or if it is still at it past
    ``deadline`` (a ``time.monotonic()`` value; it is killed then)."""
    chunks: list[bytes] | None = []
    try:
        while True:
            if deadline is not None:
                left = deadline - time.monotonic()
                if left <= 0 or not _readable(read_end, left):
                    chunks = None
                    break
            chunk = os.read(read_end, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
    except OSError:
        chunks = None
    finally:
        os.close(read_end)
    if chunks is None:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    try:
        _, status = os.waitpid(pid, 0)
    except OSError:
        return None
    if chunks is None or status != 0:
        return None
    try:
        return pickle.loads(b"".join(chunks))
    except Exception:  # a truncated or garbled result is no result
        return None


# The rules that read the allowlist analysis (allowlist.analyse).
ALLOWLIST_RULES = frozenset({"CORS104", "CORS106", "CORS107"})
# From this many distinct allowlist entries in one file on, their analysis
# starts in a helper process while the model is built (AllowlistHeadStart).
HEAD_START_MIN_ALLOWLISTS = 200


class AllowlistHeadStart:
    """Analyses origin allowlist entries in a forked helper process while
    this one goes on building the model.

    The model is built on one core while the other idles, and on configs
    with many allowlists their analysis is a quarter of the rules' work. A
    frontend names the entries it found (``on_allowlists``) before building
    its routes; the helper analyses them until the model is built, and
    hands back what it has done, which becomes this process's cache before
    the rules run (they analyse the rest themselves). Analyses depend on
    nothing but the entry's rule, so the findings are the ones the rules
    would have made on their own; if the helper cannot be started or dies,
    they do all of it."""

    CHUNK = 32  # analyses before each look at the stop signal

    def __init__(self, minimum: int = HEAD_START_MIN_ALLOWLISTS):
        self.minimum = minimum
        self.pid: int | None = None
        self.results: int | None = None   # the helper writes its analyses here
        self.stop: int | None = None      # and stops when this one is closed
        self.matchers: list = []

    def __call__(self, matchers) -> None:
        if (self.pid is not None or not hasattr(select, "poll") or _usable_cores() < 2
                or not _can_fork()):
            return  # one helper per run, the first large file's; none without a spare core
        from . import allowlist

        todo = allowlist.unanalysed(matchers)
        if len(todo) < self.minimum:
            return
        try:
            stop_r, stop_w = os.pipe()
        except OSError:  # out of file descriptors: no head start
            return
        started = _fork_sending(functools.partial(self._analyse, todo, stop_r), close_in_child=[stop_w])
        os.close(stop_r)
        if started is None:
            os.close(stop_w)
            return
        (self.pid, self.results), self.stop, self.matchers = started, stop_w, todo

    def _analyse(self, todo: list, stop: int) -> list:
        """The helper's work: analyses of ``todo`` in order, until ``stop``
        is closed (the model is built)."""
        from . import allowlist

        done: list = []
        for i in range(0, len(todo), self.CHUNK):
            done += allowlist.analyse_apart(todo[i:i + self.CHUNK])
            if _readable(stop, 0):
                break
        return done

    # The helper stops after at most one chunk once told; past this it is stuck.
    STOP_TIMEOUT = 60.0

    def collect(self) -> None:
        """Stop the helper and keep what it has found."""
        if self.pid is None:
            return
        from . import allowlist

        pid, self.pid = self.pid, None
        # Closing (not writing to) the stop pipe: a write to a pipe whose
        # reader has exited raises SIGPIPE, which kills a host program that
        # restored its default action.
        os.close(self.stop)
        analyses = _receive(pid, self.results, time.monotonic() + self.STOP_TIMEOUT)
        if analyses is not None:  # else stuck, killed or failed: the rules analyse for themselves
            allowlist.keep(self.matchers[:len(analyses)], analyses)


def _readable(fd: int, timeout: float) -> bool:
    """``fd`` has data or its writer closed it, within ``timeout`` seconds
    (poll, not select: select cannot watch descriptors past 1023)."""
    poller = select.poll()
    poller.register(fd, select.POLLIN | select.POLLHUP)
    return bool(poller.poll(max(0, int(timeout * 1000))))


def lint(paths: Iterable[str], *, stdin_text: str | None = None,
         stdin_filename: str | None = None, codes: Iterable[str] | None = None) -> LintResult:
    # The model is a mass of small acyclic objects: the cyclic collector's
    # repeated passes over that growing heap cost more than the lint itself.
    collecting = gc.isenabled()
    gc.disable()
    codes = list(codes or checks.REGISTRY)
    head_start = AllowlistHeadStart() if ALLOWLIST_RULES & set(codes) else None
    try:
        files, problems = discover(paths)
        model, texts = build_model(files, stdin_text=stdin_text, stdin_filename=stdin_filename,
                                   on_allowlists=head_start)
        if head_start is not None:
            head_start.collect()
        findings = run_checks(model, codes)
    finally:
        if head_start is not None:
            head_start.collect()  # never leave the helper behind
        if collecting:
            gc.enable()
    return LintResult(findings=findings, problems=problems + model.problems,
                      files=model.files, texts=texts, model=model)


__all__ = ["LintResult", "lint", "discover", "build_model", "run_checks", "FRONTENDS"]
