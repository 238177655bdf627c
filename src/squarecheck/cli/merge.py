"""`squarecheck merge RUN...`: shard runs (or one run per version) combined into one run folder.

The merged folder gets every report the report stage writes (results.json, junit.xml,
index.html with the version matrix and its flags, timeline.html, and with the options the
upgrade report, the baseline and the Markdown summary), computed over all the checks, and a
report.html listing the merged runs' own pytest reports, copied beside it.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from squarecheck import exitcodes
from squarecheck.cli.common import declare, usage
from squarecheck.errors import ReportError, UsageError
from squarecheck.options import resolve
from squarecheck.reports.folders import point_latest, run_folder
from squarecheck.target.bounds import printable


def configure(parser: argparse.ArgumentParser) -> None:
    """The runs to merge, and the report stage's options from the one options table."""
    parser.add_argument("runs", nargs="+", type=Path, metavar="RUN", help="run folders to merge")
    declare(parser, "merge")


def _pytest_reports(run_dir: Path, sources: list[tuple[Path, str]]) -> None:
    """Copy each merged run's report.html beside the merged run, and list them in report.html."""
    from squarecheck.reports import templating

    (run_dir / "runs").mkdir(exist_ok=True)
    listed = []
    for folder, run_id in sources:
        page = folder / "report.html"
        if page.is_file():
            shutil.copyfile(page, run_dir / "runs" / f"{run_id}.html")
        listed.append((run_id, page.is_file()))
    html = templating.render("merged.html.j2", runs=listed)
    (run_dir / "report.html").write_text(html, "utf-8")


def execute(args: argparse.Namespace) -> int:
    from squarecheck import results as res
    from squarecheck.reports.compare.baseline import BaselineError
    from squarecheck.reports.compare.merge import combine
    from squarecheck.reports.stage import post_run

    try:
        settings = resolve("merge", vars(args))
        loaded = [(folder, res.load(folder)) for folder in args.runs]
        merged = combine(loaded, settings.run_id)
        run_dir = run_folder(settings.report_dir, settings.run_id, settings.run_name)
    except (UsageError, ReportError) as exc:
        return usage("merge", str(exc))
    res.write(run_dir / "results.json", merged, checks_valid=True)
    _pytest_reports(run_dir, [(folder, str(doc["run"]["id"])) for folder, doc in loaded])
    upgrade = settings.upgrade or merged["run"]["upgrade"]
    try:
        outcome = post_run(
            run_dir,
            baseline=settings.baseline,
            summary_md=settings.summary_md,
            upgrade=(upgrade[0], upgrade[1]) if upgrade else None,
            name=settings.run_name,
        )
    except BaselineError as exc:
        return usage("merge", str(exc))
    except ReportError as exc:
        print(f"squarecheck merge: reports not written: {exc}", file=sys.stderr)
        return exitcodes.TOOL_ERROR
    point_latest(run_dir)
    for message in outcome.messages:
        print(printable(message))
    shown = ", ".join(f"{n} {kind}" for kind, n in outcome.counts.items() if n)
    print(f"squarecheck merge: {len(loaded)} runs, {shown}")
    for source in merged["run"]["merged_from"]:
        if source["leftovers"]:
            print(
                f"{source['leftovers']} created resources of run {source['id']} could not be "
                f"deleted; remove them with: squarecheck sweep --prefix {source['prefix']}"
            )
    print(f"reports: {run_dir}/ (index.html, junit.xml, results.json)")
    return outcome.exit_code
