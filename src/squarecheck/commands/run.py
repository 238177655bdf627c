"""`squarecheck run`: every suite under every selected version, reports in reports/<run-id>/.

Without --target the embedded emulator is started on a free loopback port for the run. The
suites run through pytest and the squarecheck plugin; report.html (pytest-html, self-contained),
junit.xml and results.json land in the run folder, then the report stage (`post_run`) adds its
reports and decides how many checks fail the run.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

from squarecheck import behaviours, exitcodes, results
from squarecheck.checks import UsageError
from squarecheck.paths import suites_dir
from squarecheck.target import Target, refuse_production, resolve_target, resolve_token

EMULATOR_SEARCH_TIMEOUT = 5.0
REMOTE_SEARCH_TIMEOUT = 60.0
# pytest's own exit codes (pytest.ExitCode) that are not verdicts on the target
PYTEST_INTERRUPTED, PYTEST_INTERNAL_ERROR, PYTEST_USAGE, PYTEST_NO_TESTS = 2, 3, 4, 5


def _env(name: str) -> str | None:
    return os.environ.get(f"SQUARECHECK_{name}") or None


def configure(parser: argparse.ArgumentParser) -> None:
    """Declare the command's options; each has an env-var twin SQUARECHECK_<NAME>."""
    parser.epilog = "Each option has an environment twin SQUARECHECK_<NAME>, shown in brackets."
    add = parser.add_argument
    add("--target", help="base URL, or 'sandbox' (default: the embedded emulator) [TARGET]")
    add(
        "--square-version",
        action="append",
        metavar="V",
        help="Square-Version to run under, repeatable (default: the table's default "
        "selection) [SQUARE_VERSION, comma-separated]",
    )
    add("--token", help="access token [TOKEN], else SQUARE_TOKEN; never printed")
    add("--second-token", help="a second seller's token for seller isolation [SECOND_TOKEN]")
    add("--report-dir", help="where run folders go (default: reports) [REPORT_DIR]")
    add("-k", "--keyword", dest="keyword", help="pytest -k expression [KEYWORD]")
    add("-m", "--markers", dest="markers", help="pytest -m expression [MARKERS]")
    add("--workers", type=int, help="parallel pytest-xdist workers [WORKERS]")
    add("--search-timeout", type=float, metavar="S", help="seconds to poll search "
        "(default 60 remote, 5 emulator) [SEARCH_TIMEOUT]")  # fmt: skip
    add("--allow-production", action="store_true", help="allow connect.squareup.com "
        "[ALLOW_PRODUCTION=1]")  # fmt: skip
    add("--strict", action="store_true", help="assumed behaviours fail instead of warning "
        "[STRICT=1]")  # fmt: skip
    add("--baseline", metavar="FILE", help="known failures file for the report stage [BASELINE]")
    add("--summary-md", metavar="FILE", help="write a Markdown summary here [SUMMARY_MD]")
    add("--fuzz-examples", type=int, metavar="N", help="generated cases per operation and "
        "mode in the fuzz suite (default 10 for one or two versions, 20 spread over more, at "
        "least 2 each) [FUZZ_EXAMPLES]")  # fmt: skip
    add("--upgrade", nargs=2, metavar=("FROM", "TO"), help="run under FROM and TO and report "
        "what changes for a client moving between them [UPGRADE]")  # fmt: skip


def _flag(value: bool, name: str) -> bool:
    return value or (_env(name) or "").lower() in ("1", "true", "yes", "on")


def _options(args: argparse.Namespace) -> dict[str, Any]:
    """Options with their env twins filled in and checked; a bad value is a UsageError."""
    opts: dict[str, Any] = {
        "target": args.target or _env("TARGET"),
        "token": resolve_token(args.token),
        "second_token": args.second_token or _env("SECOND_TOKEN"),
        "report_dir": Path(args.report_dir or _env("REPORT_DIR") or "reports"),
        "keyword": args.keyword or _env("KEYWORD"),
        "markers": args.markers or _env("MARKERS"),
        "allow_production": _flag(args.allow_production, "ALLOW_PRODUCTION"),
        "strict": _flag(args.strict, "STRICT"),
        "baseline": args.baseline or _env("BASELINE"),
        "summary_md": args.summary_md or _env("SUMMARY_MD"),
    }
    upgrade = args.upgrade or ((_env("UPGRADE") or "").replace(",", " ").split() or None)
    if upgrade is not None and len(upgrade) != 2:
        raise UsageError("--upgrade takes two versions, FROM and TO")
    versions = args.square_version or (_env("SQUARE_VERSION") or "").replace(",", " ").split()
    versions = (
        list(upgrade) if upgrade else versions or list(behaviours.load_table().default_selection)
    )
    table = behaviours.load_table()
    for version in versions:
        problem = table.version_problem(version)
        if problem:
            raise UsageError(f"--{'upgrade' if upgrade else 'square-version'} {problem}")
    opts["versions"], opts["upgrade"] = list(dict.fromkeys(versions)), upgrade
    opts["workers"] = _number(args.workers, "WORKERS", int, "--workers")
    opts["fuzz_examples"] = _number(args.fuzz_examples, "FUZZ_EXAMPLES", int, "--fuzz-examples")
    opts["search_timeout"] = _number(
        args.search_timeout, "SEARCH_TIMEOUT", float, "--search-timeout"
    )
    if opts["baseline"] and not Path(opts["baseline"]).is_file():
        raise UsageError(f"--baseline {opts['baseline']}: no such file")
    return opts


def _number(value: Any, env: str, kind: type, option: str) -> Any:
    raw = value if value is not None else _env(env)
    if raw is None:
        return None
    try:
        number = kind(raw)
    except ValueError:
        raise UsageError(f"{option} must be a number, not {raw!r}") from None
    if number <= 0:
        raise UsageError(f"{option} must be positive")
    return number


@contextlib.contextmanager
def _environment(values: dict[str, str | None]) -> Iterator[None]:
    """Pass secrets to pytest (and its workers) through the environment, not argv."""
    saved = {k: os.environ.get(k) for k in values}
    try:
        for key, value in values.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _reachable(target: Target, token: str | None) -> str | None:
    """None if the target answers HTTP at all, else why not (one line, token-free)."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    try:
        httpx.get(f"{target.url}/v2/customers/groups", params={"limit": 1}, headers=headers,
                  timeout=15.0)  # fmt: skip
    except httpx.HTTPError as exc:
        text = f"{type(exc).__name__}: {exc}"
        return text.replace(token, "[REDACTED]") if token else text
    return None


def _pytest_args(opts: dict[str, Any], target: Target, run_id: str, run_dir: Path) -> list[str]:
    suites = suites_dir()
    argv = [str(suites), "-c", str(suites / "pytest.ini"), "--rootdir", str(suites), "-q"]
    # squarecheck itself is imported before pytest starts, which pytest would warn about
    argv += ["-W", "ignore::pytest.PytestAssertRewriteWarning"]
    argv += ["--target", target.url, "--target-kind", target.kind, "--run-id", run_id]
    for version in opts["versions"]:
        argv += ["--square-version", version]
    argv += ["--search-timeout", str(opts["search_timeout"])]
    argv += ["--results-json", str(run_dir / "results.json")]
    argv += ["--junitxml", str(run_dir / "junit.xml"), "-o", "junit_family=xunit2"]
    argv += ["--html", str(run_dir / "report.html"), "--self-contained-html"]
    if opts["strict"]:
        argv.append("--strict-assumed")
    if opts["keyword"]:
        argv += ["-k", opts["keyword"]]
    if opts["markers"]:
        argv += ["-m", opts["markers"]]
    if opts["workers"]:
        argv += ["-n", str(opts["workers"])]
    if opts.get("fuzz_examples"):
        argv += ["--fuzz-examples", str(opts["fuzz_examples"])]
    return argv


def execute(args: argparse.Namespace) -> int:
    try:
        opts = _options(args)
        target = resolve_target(opts["target"]) if opts["target"] else None
        if target is not None:
            refuse_production(target, opts["allow_production"])
            if not opts["token"]:
                raise UsageError("a token is needed: --token, SQUARECHECK_TOKEN or SQUARE_TOKEN")
    except UsageError as exc:
        print(f"squarecheck run: {exc}", file=sys.stderr)
        return exitcodes.USAGE
    with contextlib.ExitStack() as stack:
        if target is None:
            from squarecheck.emulator.server import EmulatorServer

            server = stack.enter_context(EmulatorServer(host="127.0.0.1", port=0))
            target = Target(url=server.url, kind="emulator")
            opts["token"] = opts["token"] or f"sqc-emu-{secrets.token_hex(8)}"
            opts["second_token"] = opts["second_token"] or f"sqc-emu2-{secrets.token_hex(8)}"
        elif (why := _reachable(target, opts["token"])) is not None:
            print(f"squarecheck run: target unreachable: {why}", file=sys.stderr)
            return exitcodes.TOOL_ERROR
        if opts["search_timeout"] is None:
            remote = target.kind != "emulator"
            opts["search_timeout"] = REMOTE_SEARCH_TIMEOUT if remote else EMULATOR_SEARCH_TIMEOUT
        return _run(opts, target)
    return exitcodes.TOOL_ERROR  # pragma: no cover - ExitStack does not swallow


def _run(opts: dict[str, Any], target: Target) -> int:
    import pytest

    from squarecheck.reports import ReportError, post_run
    from squarecheck.reports.baseline import BaselineError

    run_id = results.new_run_id()
    run_dir = opts["report_dir"] / run_id
    run_dir.mkdir(parents=True, exist_ok=True)
    secrets_env = {
        "SQUARECHECK_TOKEN": opts["token"],
        "SQUARECHECK_SECOND_TOKEN": opts["second_token"],
        "SQUARE_TOKEN": None,
    }
    with _environment(secrets_env):
        code = int(pytest.main(_pytest_args(opts, target, run_id, run_dir)))
    results_path = run_dir / "results.json"
    if code == PYTEST_USAGE:
        print("squarecheck run: pytest refused the options (see above)", file=sys.stderr)
        return exitcodes.USAGE
    if code == PYTEST_NO_TESTS:
        print("squarecheck run: no check matches the -k/-m selection", file=sys.stderr)
        return exitcodes.USAGE
    if not results_path.is_file():
        print(f"squarecheck run: pytest ended ({code}) without writing results", file=sys.stderr)
        return exitcodes.TOOL_ERROR
    doc = json.loads(results_path.read_text(encoding="utf-8"))
    doc["run"]["upgrade"] = opts["upgrade"]
    results.write(results_path, doc["run"], doc["checks"])
    try:
        outcome = post_run(
            run_dir,
            baseline=Path(opts["baseline"]) if opts["baseline"] else None,
            summary_md=Path(opts["summary_md"]) if opts["summary_md"] else None,
            upgrade=tuple(opts["upgrade"]) if opts["upgrade"] else None,
        )
    except BaselineError as exc:
        print(f"squarecheck run: {exc}", file=sys.stderr)
        return exitcodes.USAGE
    except ReportError as exc:
        print(f"squarecheck run: reports not written: {exc}", file=sys.stderr)
        return exitcodes.TOOL_ERROR
    for message in outcome.messages:
        print(message)
    counts = results.counts(doc["checks"])
    if code in (PYTEST_INTERRUPTED, PYTEST_INTERNAL_ERROR):
        print(f"squarecheck run: pytest stopped early ({code}); see above", file=sys.stderr)
        exit_code = exitcodes.TOOL_ERROR
    elif outcome.failing:
        exit_code = exitcodes.CONFORMANCE_FAILURE
    elif counts["error"]:
        exit_code = exitcodes.TOOL_ERROR
    else:
        exit_code = exitcodes.OK
    doc = json.loads(results_path.read_text(encoding="utf-8"))
    doc["run"]["exit_code"] = exit_code
    results.write(results_path, doc["run"], doc["checks"])
    _print_summary(doc["run"], counts, run_dir, target)
    return exit_code


def _print_summary(run: dict[str, Any], counts: dict[str, int], run_dir: Path, t: Target) -> None:
    shown = ", ".join(f"{n} {outcome}" for outcome, n in counts.items() if n)
    print(f"squarecheck: {shown} against {t.display} under {', '.join(run['versions'])}")
    print(f"reports: {run_dir}/ (report.html, junit.xml, results.json)")
    leftovers = run.get("leftovers", 0)
    if leftovers:
        where = "" if t.kind == "emulator" else f" --target {t.display}"
        print(f"{leftovers} created resources could not be deleted; remove them with: "
              f"squarecheck sweep --prefix {run['prefix']}{where}")  # fmt: skip
