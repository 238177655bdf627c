"""`squarecheck run`: every suite under every selected version, reports in reports/<run-id>/.

Without --target the embedded emulator is started on a free loopback port for the run. The
suites run through pytest and the squarecheck plugin; report.html (pytest-html, self-contained),
junit.xml and results.json land in the run folder, then the report stage (`post_run`) adds its
reports and decides the exit code.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import secrets
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import httpx

from squarecheck import exitcodes
from squarecheck.cli.common import declare, usage
from squarecheck.errors import UsageError
from squarecheck.options import Settings, require_target_access, resolve
from squarecheck.paths import suites_dir
from squarecheck.target import transport
from squarecheck.target.bounds import clip, printable
from squarecheck.target.redaction import Redactor
from squarecheck.target.resolve import Target

if TYPE_CHECKING:
    from squarecheck.pytest_plugin.interrupts import SignalGuard

# pytest's own exit codes (pytest.ExitCode) that are not verdicts on the target
PYTEST_INTERRUPTED, PYTEST_INTERNAL_ERROR, PYTEST_USAGE, PYTEST_NO_TESTS = 2, 3, 4, 5
#: where pytest writes junit.xml, to be moved into the run folder only once whole
STAGING = ".writing"


def configure(parser: argparse.ArgumentParser) -> None:
    """Declare the command's options from the one options table."""
    declare(parser, "run")


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


def _reachable(target: Target, settings: Settings) -> str | None:
    """None if the target answers HTTP at all (status line and headers within the request
    deadline; the body is not read), else why not: one line, token-free."""
    limits, token = settings.limits, settings.token
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    try:
        with transport.client(target.url, limits.deadline) as http:
            with transport.deadline(limits.deadline):
                with http.stream(
                    "GET", "/v2/customers/groups", params={"limit": 1}, headers=headers
                ):
                    pass
    except httpx.HTTPError as exc:
        text = Redactor([token]).text(f"{type(exc).__name__}: {exc}")
        return clip(printable(text), limits.max_text)
    return None


def _pytest_args(settings: Settings, target: Target, run_dir: Path) -> list[str]:
    suites = suites_dir()
    argv = [str(suites), "-c", str(suites / "pytest.ini"), "--rootdir", str(suites), "-q"]
    # squarecheck itself is imported before pytest starts, which pytest would warn about
    argv += ["-W", "ignore::pytest.PytestAssertRewriteWarning"]
    argv += ["--target", target.url, "--target-kind", target.kind, "--run-id", settings.run_id]
    for version in settings.selection:  # pytest expands keywords the same way
        argv += ["--square-version", version]
    argv += ["--search-timeout", str(settings.timeout_for(target.kind))]
    argv += ["--results-json", str(run_dir / "results.json")]
    argv += ["--junitxml", str(run_dir / STAGING / "junit.xml"), "-o", "junit_family=xunit2"]
    argv += ["--html", str(run_dir / "report.html"), "--self-contained-html"]
    argv += ["--fuzz-examples", str(settings.fuzz_examples)]
    argv += ["--max-body", str(settings.max_body), "--max-text", str(settings.max_text)]
    argv += ["--request-deadline", str(settings.request_deadline)]
    argv += ["--max-errors", str(settings.max_errors)]
    if settings.no_convergence_probe:
        argv.append("--no-convergence-probe")
    if settings.strict:
        argv.append("--strict-assumed")
    if settings.create_orders:
        argv.append("--create-orders")
    if settings.keyword:
        argv += ["-k", settings.keyword]
    if settings.markers:
        argv += ["-m", settings.markers]
    if settings.workers:
        argv += ["-n", str(settings.workers)]
    return argv


def execute(args: argparse.Namespace) -> int:
    try:
        settings = resolve("run", vars(args))
        require_target_access(settings)
    except UsageError as exc:
        return usage("run", str(exc))
    from squarecheck.pytest_plugin.interrupts import SignalGuard  # pytest loads only here

    # From here on SIGINT and SIGTERM are noted; while the checks run, the first one stops
    # them in order (pytest_plugin.interrupts); while reports are written, none stops that.
    guard = SignalGuard()
    guard.install()
    try:
        return _execute(settings, guard)
    finally:
        guard.restore(ignore=guard.first is not None)


def _execute(settings: Settings, guard: SignalGuard) -> int:
    with contextlib.ExitStack() as stack:
        target = settings.target
        if target is None:
            from squarecheck.emulator.server import EmulatorServer

            server = stack.enter_context(EmulatorServer(host="127.0.0.1", port=0))
            target = Target(url=server.url, kind="emulator")
            settings.token = settings.token or f"sqc-emu-{secrets.token_hex(8)}"
            settings.second_token = settings.second_token or f"sqc-emu2-{secrets.token_hex(8)}"
        elif (why := _reachable(target, settings)) is not None:
            print(f"squarecheck run: target unreachable: {why}", file=sys.stderr)
            return exitcodes.TOOL_ERROR
        return _run(settings, target, guard)
    return exitcodes.TOOL_ERROR  # pragma: no cover - ExitStack does not swallow


def _run(settings: Settings, target: Target, guard: SignalGuard) -> int:
    import pytest

    if guard.first is not None:
        print(f"squarecheck run: interrupted by {guard.first} before any check ran; no reports")
        return exitcodes.TOOL_ERROR
    run_dir = settings.report_dir / settings.run_id
    run_dir.mkdir(parents=True, exist_ok=True)
    secrets_env = {
        "SQUARECHECK_TOKEN": settings.token,
        "SQUARECHECK_SECOND_TOKEN": settings.second_token,
        "SQUARE_TOKEN": None,
    }
    with _environment(secrets_env):
        try:
            code = int(pytest.main(_pytest_args(settings, target, run_dir), plugins=[guard]))
        except KeyboardInterrupt:  # not from the guard, which pytest always catches
            code = PYTEST_INTERRUPTED
        else:
            _publish(run_dir)
    return _report(settings, target, run_dir, code, guard)


def _publish(run_dir: Path) -> None:
    """Move what pytest wrote under a temporary name (junit.xml) to its place, whole."""
    staging = run_dir / STAGING
    for written in staging.glob("*"):
        written.replace(run_dir / written.name)
    with contextlib.suppress(OSError):
        staging.rmdir()


def _report(
    settings: Settings, target: Target, run_dir: Path, code: int, guard: SignalGuard
) -> int:
    from squarecheck.errors import ReportError
    from squarecheck.reports.baseline import BaselineError
    from squarecheck.reports.stage import post_run

    if code == PYTEST_USAGE:
        return usage("run", "pytest refused the options (see above)")
    if code == PYTEST_NO_TESTS:
        return usage("run", "no check matches the -k/-m selection")
    if not (run_dir / "results.json").is_file():
        why = f"interrupted by {guard.first}" if guard.first else f"pytest ended ({code})"
        print(f"squarecheck run: {why} without writing results", file=sys.stderr)
        return exitcodes.TOOL_ERROR
    stopped = code in (PYTEST_INTERRUPTED, PYTEST_INTERNAL_ERROR)
    try:
        outcome = post_run(
            run_dir,
            baseline=settings.baseline,
            summary_md=settings.summary_md,
            upgrade=(settings.upgrade[0], settings.upgrade[1]) if settings.upgrade else None,
            stopped=stopped,
        )
    except BaselineError as exc:
        return usage("run", str(exc))
    except ReportError as exc:
        print(f"squarecheck run: reports not written: {exc}", file=sys.stderr)
        return exitcodes.TOOL_ERROR
    for message in outcome.messages:
        print(printable(message))
    if stopped:
        print(f"squarecheck run: pytest stopped early ({code}); see above", file=sys.stderr)
    _print_summary(run_dir, target, settings, outcome.counts, outcome.leftovers)
    return outcome.exit_code


def _print_summary(
    run_dir: Path, t: Target, settings: Settings, counts: dict[str, int], leftovers: int
) -> None:
    shown = ", ".join(f"{n} {outcome}" for outcome, n in counts.items() if n)
    print(f"squarecheck: {shown} against {t.display} under {', '.join(settings.versions)}")
    print(f"reports: {run_dir}/ (report.html, junit.xml, results.json)")
    if leftovers and t.kind != "emulator":  # the embedded emulator ended with the run
        print(
            f"{leftovers} created resources could not be deleted; remove them with: "
            f"squarecheck sweep --prefix {settings.run_prefix} --target {t.display}"
        )
