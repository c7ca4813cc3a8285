"""The ``corslint`` command.

``corslint PATH...`` lints (it is the ``check`` subcommand, which is the default:
any first argument that is not a subcommand name is a path); ``corslint rules``
lists the rule codes; ``corslint explain CODE`` prints a rule's page and
``corslint explain "<pasted console message>"`` names the rules behind a browser
error (see :mod:`corslint.explain`).

Exit codes: 0 clean, 1 findings, 2 usage error or unreadable/unparseable input.
"""

from __future__ import annotations

import os
import re
import sys
import traceback
from typing import Iterable, Mapping, Sequence, TextIO

import click

from . import config as config_mod
from .findings import SEVERITIES, Finding, severity_rank
from .reporters import REPORTERS

# The linting machinery (rules, model, engine, frontends, explain) is imported
# where a command needs it, so `corslint --version` and `--help` start fast.

EXIT_CLEAN = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class CorslintError(click.ClickException):
    """An error that is not the user's command-line syntax (bad config, unknown
    code, unwritable output): printed as ``Error: ...``, exit 2."""

    exit_code = EXIT_ERROR


# ---------------------------------------------------------------- rule metadata


def rule_meta(code: str) -> tuple[str, str, str]:
    """(name, severity, summary) of a rule, from its module."""
    from . import checks

    rule = checks.load(code)
    return rule.NAME, rule.SEVERITY, rule.SUMMARY


def rule_doc(code: str) -> str:
    """The rule's documentation page (``corslint/rule_docs/<CODE>.md``)."""
    from . import checks

    return checks.doc_page(code)


def code_for(query: str) -> str | None:
    """A rule code from ``CORS201``/``cors201`` or a rule name
    (``wildcard-with-credentials``)."""
    from . import checks

    text = query.strip()
    if text.upper() in checks.REGISTRY:
        return text.upper()
    wanted = text.lower().replace("_", "-")
    for code, rule in checks.REGISTRY.items():
        if rule.NAME == wanted:
            return code
    return None


# ---------------------------------------------------------------- the pipeline


def select_findings(findings: Iterable[Finding], *, codes: Iterable[str] | None = None,
                    per_file_ignores: Mapping[str, Sequence[str]] | None = None,
                    root: str | os.PathLike | None = None, min_severity: str | None = None,
                    texts: Mapping[str, str] | None = None) -> list[Finding]:
    """Filter findings: selected codes, per-file-ignores, minimum severity, then
    inline suppression comments. The result is sorted (file, line, column, code)."""
    wanted = set(codes) if codes is not None else None
    floor = severity_rank(min_severity) if min_severity else 0
    kept: list[Finding] = []
    for finding in findings:
        if wanted is not None and finding.code not in wanted:
            continue
        if per_file_ignores:
            off = config_mod.ignored_for_file(finding.file, per_file_ignores, root)
            if off and config_mod.code_matches(finding.code, off):
                continue
        if finding.severity in SEVERITIES and severity_rank(finding.severity) < floor:
            continue
        kept.append(finding)
    from .suppression import filter_suppressed

    return sorted(filter_suppressed(kept, texts), key=Finding.sort_key)


def want_color(flag: bool | None, stream: TextIO) -> bool:
    """--color/--no-color win; otherwise colour only on a TTY without NO_COLOR."""
    if flag is not None:
        return flag
    if os.environ.get("NO_COLOR"):
        return False
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def is_fatal(problem) -> bool:
    """A problem that makes the run exit 2 (non-fatal ones are notices, e.g. an
    include that matches no file: printed, but the file was still linted)."""
    return bool(getattr(problem, "fatal", True))


def problem_line(problem) -> str:
    """``file:line: what is wrong``, with the file name and message escaped:
    both can come from the input (textsafe)."""
    from .textsafe import display_path, printable

    where = display_path(problem.file) + (f":{problem.line}" if problem.line else "")
    return f"{where}: {printable(problem.message)}"


# Findings below this severity are reported but do not fail the run: an info
# finding is a condition corslint cannot decide, or advice, not a defect.
DEFAULT_FAIL_ON = "warning"


def exit_code(findings: Sequence[Finding], problems: Sequence, exit_zero: bool = False,
              fail_on: str = DEFAULT_FAIL_ON) -> int:
    if any(is_fatal(p) for p in problems):
        return EXIT_ERROR
    floor = severity_rank(fail_on)
    failing = any(f.severity not in SEVERITIES or severity_rank(f.severity) >= floor for f in findings)
    if failing and not exit_zero:
        return EXIT_FINDINGS
    return EXIT_CLEAN


def _expand_excluded(paths: Sequence[str], exclude: Sequence[str], root,
                     config_path=None) -> tuple[list[str], list]:
    """Walk directories here so excluded files never reach the frontends.

    Returns the paths left and the walk's problems. A directory whose every
    file is excluded is an error, not a clean run: a pull request that adds
    ``exclude = ["*"]`` must not pass the check by linting nothing."""
    from .model import ParseProblem

    out: list[str] = []
    problems: list = []
    for path in paths:
        if path == "-":
            out.append(path)
        elif os.path.isdir(path):
            from .pipeline.discover import discover

            found, walk_problems = discover([path], named=paths)
            kept = [f for f in found if not config_mod.is_excluded(f, exclude, root)]
            problems.extend(walk_problems)  # a walk's problems are notices
            if found and not kept:
                problems.append(ParseProblem(
                    path, None, f"nothing linted: all {len(found)} configuration files found here "
                                f"are excluded by `exclude` in {config_path or 'the configuration'}"))
            out.extend(kept)
        elif os.path.exists(path):
            if not config_mod.is_excluded(path, exclude, root):
                out.append(path)
        else:
            out.append(path)  # lint() reports it as a problem
    return out, problems


def read_stdin() -> str:
    """Standard input as text, decoded as a config file is (UTF-8, else
    Latin-1) whatever the locale says. Plain ``sys.stdin``: click 9 drops
    ``get_text_stream``. A closed one is an error (exit 2)."""
    if sys.stdin is None:
        raise CorslintError("standard input is closed: nothing to read for `-`")
    buffer = getattr(sys.stdin, "buffer", None)
    try:
        if buffer is None:  # a text-only stand-in for stdin: already decoded
            return sys.stdin.read()
        data = buffer.read()
    except OSError as exc:
        raise CorslintError(f"cannot read standard input: {exc.strerror or exc}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


# ---------------------------------------------------------------- click plumbing


class CorslintGroup(click.Group):
    """A group whose default command is ``check``: ``corslint nginx.conf`` is
    ``corslint check nginx.conf``."""

    default_command = "check"

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in (
                *ctx.help_option_names, "--version"):
            args = [self.default_command, *args]
        return super().parse_args(ctx, args)

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        formatter.write_usage(ctx.command_path, "[OPTIONS] PATH...")
        formatter.write_usage(ctx.command_path, "COMMAND [ARGS]...", prefix="   or: ")

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        check_cmd = self.commands[self.default_command]
        sub = click.Context(check_cmd, info_name=self.default_command, parent=ctx)
        records = [r for p in check_cmd.get_params(sub) if (r := p.get_help_record(sub))]
        if records:
            with formatter.section("Options"):
                formatter.write_dl(records)
        self.format_commands(ctx, formatter)


def version_text() -> str:
    """What ``--version`` prints: corslint's version, then the Public Suffix
    List snapshot that decides which origins are registrable (CORS106/107)."""
    from . import __version__

    return f"corslint, version {__version__}\nPublic Suffix List: {public_suffix_list_snapshot()}"


def public_suffix_list_snapshot() -> str:
    """The ``// VERSION:`` stamp of the list the publicsuffixlist package ships
    (and corslint reads), with the package's version; read from the file so
    that --version does not parse the list."""
    import importlib.metadata
    import importlib.util

    try:
        package = importlib.metadata.version("publicsuffixlist")
    except importlib.metadata.PackageNotFoundError:
        return "unknown (publicsuffixlist is not installed)"
    stamp = "no VERSION line"
    spec = importlib.util.find_spec("publicsuffixlist")
    if spec is not None and spec.origin is not None:
        path = os.path.join(os.path.dirname(spec.origin), "public_suffix_list.dat")
        try:
            with open(path, encoding="utf-8", errors="replace") as fh:
                head = fh.read(4096)
        except OSError:
            stamp = "list file missing"
        else:
            match = re.search(r"^// VERSION: (\S+)", head, re.M)
            if match:
                stamp = match.group(1)
    return f"{stamp} (publicsuffixlist {package})"


def _print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    click.echo(version_text())
    ctx.exit()


def version_option(command):
    return click.option("--version", is_flag=True, expose_value=False, is_eager=True,
                        callback=_print_version, help="Show the version and exit.")(command)


@click.group(cls=CorslintGroup, context_settings=CONTEXT_SETTINGS, no_args_is_help=True)
@version_option
def main() -> None:
    """Static CORS linter: reads nginx, Apache and framework configuration and
    reports which cross-origin requests browsers will block and which origins
    get in that should not.

    \b
    Exit codes: 0 clean, 1 findings, 2 usage error or unreadable input.
    """


def _split_option(values: Sequence[str], option: str) -> list[str] | None:
    if not values:
        return None
    tokens = config_mod.split_codes(values)
    if not tokens and option == "--select":
        # An empty selection would run no rule and pass every config.
        raise click.BadParameter("empty selection: name at least one code or prefix "
                                 "(ALL selects every rule)", param_hint="'--select'")
    try:
        config_mod.validate_codes(tokens)
    except config_mod.ConfigError as exc:
        raise click.BadParameter(str(exc)) from None
    return tokens


@main.command("check", context_settings=CONTEXT_SETTINGS)
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option("--format", "output_format", type=click.Choice(sorted(REPORTERS), case_sensitive=False),
              default=None, help="Output format (default: text, or `format` from the config).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True, path_type=str),
              default=None, help="Write the report to FILE instead of stdout.")
@click.option("--select", multiple=True, metavar="CODE,...",
              help="Only these codes or prefixes (CORS1 = the CORS1xx family). Replaces the configured selection.")
@click.option("--ignore", multiple=True, metavar="CODE,...",
              help="Skip these codes or prefixes (added to the configured ignores).")
@click.option("--min-severity", "--severity", "min_severity",
              type=click.Choice(SEVERITIES, case_sensitive=False), default=None,
              help="Drop findings below this severity.")
@click.option("--fail-on", "fail_on", type=click.Choice(SEVERITIES, case_sensitive=False), default=None,
              help="Exit 1 only for findings at this severity or above (default: warning, or "
                   "`fail-on` from the config); the others are still reported.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings.")
@click.option("--stdin-filename", metavar="NAME", default=None,
              help="File name for input read from stdin (`-`); picks the format and names findings.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=str), default=None,
              help="Use this config file instead of discovering .corslint.toml / pyproject.toml.")
@click.option("--color/--no-color", "color", default=None,
              help="Force colour on or off (default: on for a terminal unless NO_COLOR is set).")
@click.option("--ignore-unknown", is_flag=True,
              help="Skip named files that do not look like a config corslint reads, instead of "
                   "reporting them (for pre-commit and editor hooks).")
@version_option
def check(paths: tuple[str, ...], output_format: str | None, output: str | None,
          select: tuple[str, ...], ignore: tuple[str, ...], min_severity: str | None,
          exit_zero: bool, stdin_filename: str | None, config_path: str | None,
          color: bool | None, ignore_unknown: bool = False, fail_on: str | None = None) -> None:
    """Lint PATHs (files or directories; `-` reads stdin)."""
    ctx = click.get_current_context()
    try:
        cfg = (config_mod.load_config(config_path) if config_path
               else config_mod.discover_config())
    except config_mod.ConfigError as exc:
        raise CorslintError(str(exc)) from None

    fmt = (output_format or cfg.format or "text").lower()
    if fmt not in REPORTERS:
        where = f" (from {cfg.path})" if not output_format and cfg.path else ""
        raise CorslintError(f"unknown format {fmt!r}{where}; choose from {', '.join(sorted(REPORTERS))}")

    codes = config_mod.resolve_codes([
        (cfg.select, cfg.ignore),
        (_split_option(select, "--select"), _split_option(ignore, "--ignore") or []),
    ])
    if not codes:
        where = f" and {cfg.path}" if cfg.path else ""
        raise CorslintError(f"the rule selection (command line{where}) leaves no rule to run")
    from . import checks

    all_selected = len(codes) == len(checks.REGISTRY)
    severity = (min_severity or cfg.min_severity)
    severity = severity.lower() if severity else None

    from . import lint as lint_mod
    from .frontends import walk_frontend

    paths_list = list(paths)
    skipped_all = False
    if ignore_unknown and paths_list:
        # Hooks pass every changed file their pattern catches; lint those that
        # look like a config (as a directory walk would) and pass over the rest.
        paths_list = [p for p in paths_list if p == "-" or not os.path.isfile(p)
                      or walk_frontend(p) is not None]
        skipped_all = not paths_list
    if not paths_list and not skipped_all:
        if stdin_filename:
            paths_list = ["-"]
        else:
            raise click.UsageError("no PATH given (try `corslint .`, or `-` for stdin)", ctx)
    stdin_text = None
    if "-" in paths_list:
        stdin_text = read_stdin()
    walk_problems: list = []
    named = list(paths_list)   # what is named is the tree includes may read, whatever is excluded
    if cfg.exclude:
        paths_list, walk_problems = _expand_excluded(paths_list, cfg.exclude, cfg.root, cfg.path)

    try:
        result = lint_mod.lint(paths_list, stdin_text=stdin_text, stdin_filename=stdin_filename, named=named,
                               codes=None if all_selected else codes, limits=cfg.read_limits(),
                               upstreams=cfg.upstream_entries())
    except Exception as exc:  # a crash must not look like "findings" (exit 1)
        click.echo(traceback.format_exc().rstrip(), err=True)
        click.echo(f"corslint: internal error: {exc}", err=True)
        ctx.exit(EXIT_ERROR)
    result.problems[:0] = walk_problems

    texts = dict(result.texts)
    if stdin_text is not None:
        texts.setdefault(stdin_filename or "<stdin>", stdin_text)
    findings = select_findings(result.findings, codes=codes, per_file_ignores=cfg.per_file_ignores,
                               root=cfg.root, min_severity=severity, texts=texts)

    for problem in result.problems:
        click.echo(problem_line(problem), err=True)

    reporter = REPORTERS[fmt]
    if output:
        from .output import OutputRefused, write_atomically

        try:
            write_atomically(output, lambda stream: reporter(result, findings, stream, want_color(color, stream)),
                             inputs=[*paths_list, *result.files, *result.texts])
        except OutputRefused as exc:
            raise CorslintError(f"not writing the report: {exc}") from None
        except OSError as exc:
            raise CorslintError(f"cannot write {output}: {exc.strerror or exc}") from None
    else:
        stream = sys.stdout
        if stream is None:
            raise CorslintError("standard output is closed: nowhere to write the report "
                                "(use --output FILE)")
        try:
            reporter(result, findings, stream, want_color(color, stream))
            stream.flush()
        except OSError as exc:  # a full disk, a reader that went away
            raise CorslintError(f"cannot write the report to standard output: "
                                f"{exc.strerror or exc}") from None

    fail_on = (fail_on or cfg.fail_on or DEFAULT_FAIL_ON).lower()
    ctx.exit(exit_code(findings, result.problems, exit_zero, fail_on))


@main.command("rules", context_settings=CONTEXT_SETTINGS)
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text",
              help="text: one rule a line; json: a list of {code, name, severity, levels, "
                   "category, summary}.")
def rules(output_format: str) -> None:
    """List every rule code with its name, severity and summary."""
    from . import checks

    if output_format == "json":
        import json
        click.echo(json.dumps([{"code": r.CODE, "name": r.NAME, "severity": r.SEVERITY,
                                "levels": list(r.LEVELS), "category": r.CATEGORY,
                                "summary": r.SUMMARY} for r in checks.RULES], indent=2))
        return
    width = max(len(r.NAME) for r in checks.RULES)
    for r in checks.RULES:
        click.echo(f"{r.CODE}  {r.NAME:<{width}}  {r.SEVERITY:<8}  {r.SUMMARY}".rstrip())


@main.command("explain", context_settings=CONTEXT_SETTINGS)
@click.argument("query", nargs=-1)
@click.option("--config", "config_paths", multiple=True, metavar="PATH",
              type=click.Path(path_type=str),
              help="Also lint this server config (file or directory; repeatable) for the rules "
                   "behind the message and show the lines responsible.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text",
              help="text, or json (for a pasted message).")
def explain(query: tuple[str, ...], config_paths: tuple[str, ...], output_format: str) -> None:
    """Explain a rule (CODE such as CORS201, or its name) or a browser error pasted
    from the Chrome or Firefox console: which rules cause it, what to look for
    and the fix. QUERY `-` (or none, with a pipe) reads the message from stdin.

    \b
    Exit codes: 0 explained; 1 --config has findings behind the message;
    2 unknown code, text that is no CORS message corslint knows, or a config
    that cannot be parsed.
    """
    from . import explain as explain_mod
    from .textsafe import log_lines

    ctx = click.get_current_context()
    text = " ".join(query).strip()
    if not text or text == "-":
        if not text and sys.stdin is not None and sys.stdin.isatty():
            raise click.UsageError("give a rule code, or a console message (quoted, or `-` to "
                                   "read it from stdin)", ctx)
        text = read_stdin().strip()

    code = code_for(text)
    if code is not None:
        click.echo(rule_doc(code).rstrip("\n"))
        if config_paths:
            report = explain_mod.lint_responsible(config_paths, [code], upstreams=_upstreams())
            click.echo("\n" + log_lines(explain_mod.render_config(report)))
            ctx.exit(_explain_exit(report))
        return
    if re.fullmatch(r"CORS\d+", text, re.I):
        raise CorslintError(f"unknown rule code {text!r}; `corslint rules` lists them")

    explanation = explain_mod.explain_text(text)
    if explanation is None:
        shown = " ".join(text.split())
        shown = shown if len(shown) <= 100 else shown[:97] + "..."
        raise CorslintError(
            f"not a CORS message corslint knows: {shown!r}. Paste the whole console line "
            "(Chrome: \"Access to fetch at ... has been blocked by CORS policy: ...\"; Firefox: "
            "\"Cross-Origin Request Blocked: ... (Reason: ...)\"), or give a rule code "
            "(`corslint rules`).")

    report = None
    if config_paths:
        report = explain_mod.lint_responsible(
            config_paths, explanation.codes, [d.hit for d in explanation.diagnoses], _upstreams())
        for problem in report.problems:
            click.echo(problem_line(problem), err=True)
    if output_format == "json":
        from .textsafe import json_text

        click.echo(json_text(explain_mod.to_dict(explanation, report)))
    else:
        click.echo(log_lines(explain_mod.render_text(explanation, report)))
    ctx.exit(_explain_exit(report) if report is not None else EXIT_CLEAN)


def _upstreams() -> list:
    """The config's ``upstreams`` map for explain --config (the check
    command reports a config error; here the map is only a help)."""
    try:
        return config_mod.discover_config().upstream_entries()
    except config_mod.ConfigError:
        return []


def _explain_exit(report) -> int:
    if any(is_fatal(p) for p in report.problems):
        return EXIT_ERROR
    return EXIT_FINDINGS if report.findings else EXIT_CLEAN


__all__ = ["main", "rule_meta", "rule_doc", "code_for", "select_findings", "want_color", "exit_code",
           "is_fatal", "CorslintError", "EXIT_CLEAN", "EXIT_FINDINGS", "EXIT_ERROR"]


def run() -> None:
    """The console script: ``main`` run as a command, the process ended once
    the report is written (see :func:`corslint.pipeline.runtime.run_console`)."""
    from .pipeline import runtime

    runtime.run_console(main)
