"""The ``corslint`` command.

``corslint PATH...`` lints (it is the ``check`` subcommand, which is the default:
any first argument that is not a subcommand name is a path); ``corslint rules``
lists the rule codes; ``corslint explain CODE`` prints a rule's page and
``corslint explain "<pasted console message>"`` names the rules behind a browser
error (see :mod:`corslint.explain`).

Exit codes: 0 clean, 1 findings, 2 usage error or unreadable/unparseable input.
"""

from __future__ import annotations

import gc
import importlib.resources
import os
import re
import sys
import traceback
from typing import Iterable, Mapping, Sequence, TextIO

import click

from . import __version__, checks, config as config_mod
from .findings import SEVERITIES, Finding, severity_rank
from .reporters import REPORTERS

# The linting machinery (model, engine, frontends, explain) is imported where a
# command needs it, so `corslint --version` and `--help` start fast.

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
    """(name, severity, summary) of a rule; when its module does not import, the
    name derived from the module name and empty severity and summary."""
    module_name = checks.REGISTRY[code]
    fallback = module_name.split("_", 1)[1].replace("_", "-") if "_" in module_name else module_name
    try:
        module = checks.load(code)
    except Exception:  # a broken or missing rule module must not break `rules`
        return fallback, "", ""
    return (str(getattr(module, "NAME", fallback) or fallback),
            str(getattr(module, "SEVERITY", "") or ""),
            str(getattr(module, "SUMMARY", "") or "").strip())


def _rule_docs_dir():
    return importlib.resources.files("corslint").joinpath("rule_docs")


def rule_doc(code: str) -> str | None:
    """The text of ``corslint/rule_docs/<CODE>.md``, or None."""
    try:
        return _rule_docs_dir().joinpath(f"{code}.md").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def code_for(query: str) -> str | None:
    """A rule code from ``CORS201``/``cors201`` or a rule name
    (``wildcard-with-credentials``)."""
    text = query.strip()
    if text.upper() in checks.REGISTRY:
        return text.upper()
    wanted = text.lower().replace("_", "-")
    for code, module_name in checks.REGISTRY.items():
        if module_name.split("_", 1)[-1].replace("_", "-") == wanted:
            return code
    for code in checks.REGISTRY:
        if rule_meta(code)[0] == wanted:
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


def exit_code(findings: Sequence[Finding], problems: Sequence, exit_zero: bool = False) -> int:
    if any(is_fatal(p) for p in problems):
        return EXIT_ERROR
    if findings and not exit_zero:
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
            from .lint import discover

            found, walk_problems = discover([path])
            kept = [f for f in found if not config_mod.is_excluded(f, exclude, root)]
            problems.extend(p for p in walk_problems if not is_fatal(p))
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


def _read_stdin() -> str:
    """All of standard input as text; a closed one is a usage error."""
    if sys.stdin is None:
        raise CorslintError("standard input is closed: nothing to read for `-`")
    try:
        return sys.stdin.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise CorslintError(f"cannot read standard input: {exc}") from None


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


@click.group(cls=CorslintGroup, context_settings=CONTEXT_SETTINGS, no_args_is_help=True)
@click.version_option(__version__, "--version", prog_name="corslint")
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
@click.version_option(__version__, "--version", prog_name="corslint")
def check(paths: tuple[str, ...], output_format: str | None, output: str | None,
          select: tuple[str, ...], ignore: tuple[str, ...], min_severity: str | None,
          exit_zero: bool, stdin_filename: str | None, config_path: str | None,
          color: bool | None, ignore_unknown: bool = False) -> None:
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
    all_selected = len(codes) == len(checks.REGISTRY)
    severity = (min_severity or cfg.min_severity)
    severity = severity.lower() if severity else None

    from . import lint as lint_mod
    from .frontends import frontend_for

    paths_list = list(paths)
    skipped_all = False
    if ignore_unknown and paths_list:
        # Hooks pass every changed file their pattern catches; lint those that
        # look like a config (as a directory walk would) and pass over the rest.
        paths_list = [p for p in paths_list if p == "-" or not os.path.isfile(p)
                      or frontend_for(p, named=False) is not None]
        skipped_all = not paths_list
    if not paths_list and not skipped_all:
        if stdin_filename:
            paths_list = ["-"]
        else:
            raise click.UsageError("no PATH given (try `corslint .`, or `-` for stdin)", ctx)
    stdin_text = None
    if "-" in paths_list:
        stdin_text = _read_stdin()
    walk_problems: list = []
    if cfg.exclude:
        paths_list, walk_problems = _expand_excluded(paths_list, cfg.exclude, cfg.root, cfg.path)

    try:
        result = lint_mod.lint(paths_list, stdin_text=stdin_text, stdin_filename=stdin_filename,
                               codes=None if all_selected else codes)
    except Exception as exc:  # a crash must not look like "findings" (exit 1)
        click.echo(traceback.format_exc().rstrip(), err=True)
        click.echo(f"corslint: internal error: {exc}", err=True)
        ctx.exit(EXIT_ERROR)
    result.problems[:0] = walk_problems
    if _hard_exit:
        # Everything the lint made lives until the hard exit: keep the cyclic
        # collector from walking it all (it is all still young) on its first
        # pass while reporting, a second or more on thousands of servers.
        gc.freeze()

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

    ctx.exit(exit_code(findings, result.problems, exit_zero))


@main.command("rules", context_settings=CONTEXT_SETTINGS)
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text",
              help="text: one rule a line; json: a list of {code, name, severity, summary}.")
def rules(output_format: str) -> None:
    """List every rule code with its name, severity and summary."""
    rows = [(code, *rule_meta(code)) for code in checks.REGISTRY]
    if output_format == "json":
        import json
        click.echo(json.dumps([dict(zip(("code", "name", "severity", "summary"), row)) for row in rows],
                              indent=2))
        return
    width = max(len(r[1]) for r in rows)
    for code, name, severity, summary in rows:
        click.echo(f"{code}  {name:<{width}}  {severity or '-':<8}  {summary}".rstrip())


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

    ctx = click.get_current_context()
    text = " ".join(query).strip()
    if not text or text == "-":
        stream = click.get_text_stream("stdin")
        if not text and stream.isatty():
            raise click.UsageError("give a rule code, or a console message (quoted, or `-` to "
                                   "read it from stdin)", ctx)
        text = stream.read().strip()

    code = code_for(text)
    if code is not None:
        page = rule_doc(code)
        if page is None:
            name, severity, summary = rule_meta(code)
            page = f"# {code} {name}\n\n" + (f"Severity: {severity}\n\n" if severity else "") + (summary or "")
        click.echo(page.rstrip("\n"))
        if config_paths:
            report = explain_mod.lint_responsible(config_paths, [code])
            click.echo("\n" + explain_mod.render_config(report))
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
            config_paths, explanation.codes, [d.hit for d in explanation.diagnoses])
        for problem in report.problems:
            click.echo(problem_line(problem), err=True)
    if output_format == "json":
        import json
        click.echo(json.dumps(explain_mod.to_dict(explanation, report), indent=2, ensure_ascii=False))
    else:
        click.echo(explain_mod.render_text(explanation, report))
    ctx.exit(_explain_exit(report) if report is not None else EXIT_CLEAN)


def _explain_exit(report) -> int:
    if any(is_fatal(p) for p in report.problems):
        return EXIT_ERROR
    return EXIT_FINDINGS if report.findings else EXIT_CLEAN


__all__ = ["main", "rule_meta", "rule_doc", "code_for", "select_findings", "want_color", "exit_code",
           "is_fatal", "CorslintError", "EXIT_CLEAN", "EXIT_FINDINGS", "EXIT_ERROR"]


# Set by ``run``: the process ends with os._exit once the report is written.
_hard_exit = False


def run() -> None:
    """The console script: ``main`` run as a command, then a hard exit.

    A large lint leaves millions of small objects; freeing them one by one at
    interpreter exit costs a noticeable share of the run and tells the user
    nothing, so once the report is written and flushed the process ends
    without that teardown (mypy does the same)."""
    global _hard_exit
    _hard_exit = True
    try:
        main()
        code = EXIT_CLEAN
    except SystemExit as exc:
        if exc.code is None or isinstance(exc.code, int):
            code = exc.code or EXIT_CLEAN
        else:  # sys.exit("message"): Python prints it and exits 1
            print(exc.code, file=sys.stderr)
            code = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:  # None: the stream was closed when we started
                stream.flush()
        except (BrokenPipeError, OSError):
            pass  # a reader that went away (`corslint . | head`): nothing left to say
    os._exit(code)
