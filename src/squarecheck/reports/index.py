"""`reports/<run-id>/index.html`: the failures first, then the summary, flags, the version
matrix (failing and flagged rows first) and every check's evidence.

Rendered from `templates/index.html.j2` (Jinja2, autoescape); this module only prepares what
the page shows. The page reads fully without JavaScript; the inline script only hides matrix
rows that the outcome / behaviour / failing filters exclude.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from markupsafe import Markup

from squarecheck.reports import failures as fl
from squarecheck.reports import matrix as mx
from squarecheck.reports import runs
from squarecheck.reports.page import anchor
from squarecheck.reports.templating import render as render_template
from squarecheck.results import OUTCOMES, tally
from squarecheck.spec.table import Table

FILTER_SCRIPT = """
(function () {
  document.documentElement.classList.add("js");
  var form = document.getElementById("filters");
  function apply() {
    var outcomes = Array.prototype.map.call(
      form.querySelectorAll("input[name=outcome]:checked"), function (i) { return i.value; });
    var behaviour = form.querySelector("select[name=behaviour]").value;
    var notable = form.querySelector("input[name=notable]").checked;
    var failing = form.querySelector("input[name=failing]").checked;
    var shown = 0;
    document.querySelectorAll("#matrix tbody tr").forEach(function (tr) {
      var ok = tr.dataset.outcomes.split(" ").some(function (o) {
        return outcomes.indexOf(o) >= 0; });
      ok = ok && (!behaviour || tr.dataset.behaviour === behaviour);
      ok = ok && (!notable || tr.dataset.notable === "yes");
      ok = ok && (!failing || tr.dataset.failing === "yes");
      tr.hidden = !ok;
      if (ok) { shown += 1; }
    });
    document.getElementById("shown").textContent = String(shown);
  }
  form.addEventListener("change", apply);
  apply();
})();
"""

MANY_VERSIONS = 4  # from here on the version headers are set vertically
VERDICTS = {0: "Conforms", 1: "Conformance failures", 2: "Configuration error", 3: "No verdict"}


def row_anchor(key: str) -> str:
    return "row-" + anchor(key)[3:]


def _nav(run_dir: Path) -> list[tuple[str, str]]:
    links = [("report.html", "pytest report"), ("junit.xml", "JUnit XML")]
    links += [("timeline.html", "behaviour timeline")]
    links += [("upgrade.html", "upgrade report"), ("results.json", "results.json")]
    always = ("report.html", "results.json", "timeline.html")
    return [(h, t) for h, t in links if (run_dir / h).exists() or h in always]


def _cell(versions: list[str], check: dict[str, Any] | None, row: mx.Row) -> dict[str, Any]:
    """One cell, spanning the adjacent versions that read the same, each version's evidence
    linked (the link text names the version when the cell spans several)."""
    cell: dict[str, Any] = {"span": len(versions), "check": check}
    if check is None:
        return cell
    several = len(versions) > 1
    cell["mark"] = str(check["baseline"].get("status", "")) if "baseline" in check else ""
    cell["label"] = f"{versions[0]} – {versions[-1]}" if several else ""
    cell["observed"] = runs.describe(runs.observed(check))
    cell["links"] = [
        (anchor(row.cells[v]["id"]), "evidence" + (f" {v}" if several else "")) for v in versions
    ]
    return cell


def _documented(row: mx.Row, table: Table, versions: list[str]) -> dict[str, Any]:
    behaviour = row.behaviour
    facts: dict[str, Any] = {"changes": [], "unchanged": None}
    if behaviour is None:
        return facts
    for t in row.transitions:
        for change in t.changes:
            facts["changes"].append(
                {
                    "since": change.since,
                    "basis": change.basis,
                    "source": change.source,
                    "source_url": table.source_url(change.source),
                    "before": behaviour.summary(table.resolve(t.old)),
                    "after": change.summary,
                }
            )
    if not facts["changes"]:
        first = versions[0] if versions else table.newest_version
        source = behaviour.source_at(first)
        facts["unchanged"] = {
            "summary": behaviour.summary(table.resolve(first)),
            "basis": behaviour.basis_at(first),
            "source": source,
            "source_url": table.source_url(source),
        }
    return facts


def _findings(row: mx.Row) -> list[tuple[str, str]]:
    """Each transition with something to say; the quiet ones (no change, not comparable) as
    one line, so a matrix of many versions stays short."""
    items, quiet = [], 0
    for t in row.transitions:
        if t.finding in (mx.SAME, mx.UNKNOWN) and len(row.transitions) > 1:
            quiet += 1
            continue
        css = "flag" if t.finding in mx.FLAGS else "finding"
        if t.finding in (mx.SAME, mx.UNKNOWN):
            css = "muted"
        items.append((css, f"{t.old} → {t.new}: {t.finding}"))
    if quiet:
        others = "other " if items else ""
        items.append(("muted", f"{quiet} {others}steps: no change seen"))
    return items


def _failing(row: mx.Row) -> bool:
    return any(o in fl.FAILING for o in row.outcomes)


def _rows(matrix: mx.Matrix, table: Table) -> list[dict[str, Any]]:
    """The matrix rows, failing first, then flagged, then the rest (each in run order)."""
    ordered = sorted(matrix.rows, key=lambda r: (not _failing(r), not r.flags))
    rows = []
    for row in ordered:
        classes = [c for c, on in (("differs", row.differs), ("flagged", row.flags)) if on]
        rows.append(
            {
                "anchor": row_anchor(row.key),
                "key": row.key,
                "behaviour_id": row.behaviour_id,
                "behaviour": row.behaviour,
                "classes": " ".join(classes),
                "outcomes": " ".join(row.outcomes),
                "notable": "yes" if row.differs or row.flags else "no",
                "failing": "yes" if _failing(row) or row.flags else "no",
                "cells": [_cell(vs, check, row) for vs, check in row.spans(matrix.versions)],
                "findings": _findings(row),
                **_documented(row, table, matrix.versions),
            }
        )
    return rows


def render(results: dict[str, Any], table: Table, run_dir: Path) -> str:
    """The whole landing page for one run."""
    matrix = mx.build(results, table)
    run = results["run"]
    counts = tally(results)
    found = [t.finding for r in matrix.rows for t in r.transitions]
    names = (mx.DOC_OBSERVED, mx.DOC_NOT_OBSERVED, mx.UNDOCUMENTED)
    return render_template(
        "index.html.j2",
        run=run,
        run_id=str(run["id"]),
        nav=_nav(run_dir),
        tally=counts,
        verdict=VERDICTS.get(counts.exit_code, "Verdict"),
        found=fl.collect(results),
        stopped=run.get("stopped"),
        target=runs.clean_target(str(run["target"])),
        versions=[(v, table.resolve(v)) for v in matrix.versions],
        findings=[(n[0].upper() + n[1:], found.count(n)) for n in names],
        flagged=[
            {
                "anchor": row_anchor(r.key),
                "key": r.key,
                "behaviour_id": r.behaviour_id,
                "flags": r.flags,
            }
            for r in matrix.rows
            if r.flags
        ],
        outcomes=OUTCOMES,
        behaviours=matrix.behaviours(),
        matrix_versions=matrix.versions,
        many=len(matrix.versions) > MANY_VERSIONS,
        rows=_rows(matrix, table),
        checks=results["checks"],
        script=Markup(FILTER_SCRIPT),
    )


def write(results: dict[str, Any], table: Table, run_dir: Path) -> Path:
    path = run_dir / "index.html"
    path.write_text(render(results, table, run_dir), encoding="utf-8")
    return path
