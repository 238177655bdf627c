"""`reports/<run-id>/index.html`: run summary, the version matrix, and every check's evidence.

The page reads fully without JavaScript; the inline script only hides matrix rows that the
outcome / behaviour filters exclude.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from squarecheck.reports import matrix as mx
from squarecheck.reports import runs
from squarecheck.reports.page import anchor, badge, document, esc, evidence_section, source_link
from squarecheck.results import OUTCOMES, count
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
    var shown = 0;
    document.querySelectorAll("#matrix tbody tr").forEach(function (tr) {
      var ok = tr.dataset.outcomes.split(" ").some(function (o) {
        return outcomes.indexOf(o) >= 0; });
      ok = ok && (!behaviour || tr.dataset.behaviour === behaviour);
      ok = ok && (!notable || tr.dataset.notable === "yes");
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


def row_anchor(key: str) -> str:
    return "row-" + anchor(key)[3:]


def _summary(results: dict[str, Any], matrix: mx.Matrix, table: Table) -> str:
    run = results["run"]
    counts = count(results["checks"])
    count_html = " ".join(f"{badge(o)} {n}" for o, n in counts.items())
    versions = ", ".join(
        f"{esc(v)}" + ("" if table.resolve(v) == v else f" (behaves as {esc(table.resolve(v))})")
        for v in matrix.versions
    )
    findings = [t.finding for r in matrix.rows for t in r.transitions]
    rows = [
        ("Target", esc(runs.clean_target(str(run["target"])))),
        ("Target kind", esc(run.get("target_kind", ""))),
        ("Versions", versions),
        ("Started", esc(run.get("started_at", ""))),
        ("Duration", f"{float(run.get('duration', 0)):.1f} s"),
        ("Checks", f"{len(results['checks'])}: {count_html}"),
        ("Leftovers", esc(run.get("leftovers", "not recorded"))),
        ("Failing the run", esc(run.get("failing", counts["failed"]))),
        ("Exit code", esc(run.get("exit_code", ""))),
    ]
    if run.get("narrowed"):
        narrowed = ", ".join(esc(v) for v in sorted(run["narrowed"]))
        rows.append(
            (
                "Checked in part",
                f"{narrowed}: only the behaviours that change there were checked (on a release "
                "just before a cutover: at that cutover); their other cells read not run",
            )
        )
    if run.get("upgrade"):
        rows.append(("Upgrade", " → ".join(esc(v) for v in run["upgrade"])))
    if run.get("baseline"):
        b = run["baseline"]
        rows.append(
            (
                "Baseline",
                f"{esc(b.get('file', ''))}: {esc(b.get('known_failures', 0))} known failures, "
                f"{esc(b.get('stale', 0))} stale, {len(b.get('unknown_ids', []))} unknown ids",
            )
        )
    for name in (mx.DOC_OBSERVED, mx.DOC_NOT_OBSERVED, mx.UNDOCUMENTED):
        rows.append((name[0].upper() + name[1:], str(findings.count(name))))
    body = "".join(f"<dt>{name}</dt><dd>{value}</dd>" for name, value in rows)
    return f'<dl class="summary" id="summary">{body}</dl>'


def _nav(run_dir: Path) -> str:
    links = [("report.html", "pytest report"), ("junit.xml", "JUnit XML")]
    links += [("timeline.html", "behaviour timeline")]
    links += [("upgrade.html", "upgrade report"), ("results.json", "results.json")]
    present = [
        f'<a href="{esc(h)}">{esc(t)}</a>'
        for h, t in links
        if (run_dir / h).exists() or h in ("report.html", "results.json", "timeline.html")
    ]
    return f"<nav>{''.join(present)}</nav>"


def _filters(matrix: mx.Matrix) -> str:
    outcomes = "".join(
        f'<label><input type="checkbox" name="outcome" value="{o}" checked> {o}</label>'
        for o in OUTCOMES
    )
    options = "".join(f'<option value="{esc(b)}">{esc(b)}</option>' for b in matrix.behaviours())
    return (
        '<form id="filters" class="js-only" onsubmit="return false"><fieldset>'
        f"<legend>Filter rows (<span id=shown>{len(matrix.rows)}</span> shown)</legend>"
        f"<div>Outcome: {outcomes}</div>"
        '<div><label>Behaviour: <select name="behaviour"><option value="">all</option>'
        f"{options}</select></label>"
        '<label><input type="checkbox" name="notable"> only rows that differ or are flagged'
        "</label></div></fieldset></form>"
    )


def _cell(versions: list[str], check: dict[str, Any] | None, row: mx.Row) -> str:
    """One cell, spanning the adjacent versions that read the same, each version's evidence
    linked (the link text names the version when the cell spans several)."""
    span = f' colspan="{len(versions)}"' if len(versions) > 1 else ""
    if check is None:
        return f'<td class="muted"{span}>not run</td>'
    extra = ""
    if "baseline" in check:
        extra = " " + badge(str(check["baseline"].get("status", "")))
    obs = runs.describe(runs.observed(check))
    label = ""
    if len(versions) > 1:
        label = f'<div class="muted">{esc(versions[0])} – {esc(versions[-1])}</div>'
    links = " ".join(
        f'<a href="#{anchor(row.cells[v]["id"])}">evidence{"" if not span else " " + esc(v)}</a>'
        for v in versions
    )
    return (
        f"<td{span}>{badge(check['outcome'])}{extra}{label}<div class=obs>{esc(obs)}</div>"
        f"{links}</td>"
    )


def _documented(row: mx.Row, table: Table, versions: list[str]) -> str:
    behaviour = row.behaviour
    if behaviour is None:
        return f"<td>{esc(row.behaviour_id)}: not in the behaviour table</td>"
    parts = [f"<strong>{esc(behaviour.id)}</strong>: {esc(behaviour.title)}"]
    changes = [(t, c) for t in row.transitions for c in t.changes]
    for t, change in changes:
        before = behaviour.summary(table.resolve(t.old))
        parts.append(
            f'<div class="change">Changes in {esc(change.since)} ({esc(change.basis)}, '
            f"{source_link(table.source_url(change.source), change.source)})"
            f"<div><em>before:</em> {esc(before)}</div>"
            f"<div><em>after:</em> {esc(change.summary)}</div></div>"
        )
    if not changes:
        first = versions[0] if versions else table.newest_version
        source = behaviour.source_at(first)
        parts.append(
            f'<div class="muted">No change between the selected versions: '
            f"{esc(behaviour.summary(table.resolve(first)))} ({esc(behaviour.basis_at(first))}, "
            f"{source_link(table.source_url(source), source)})</div>"
        )
    return f"<td>{''.join(parts)}</td>"


def _finding(row: mx.Row) -> str:
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
        items.append(f'<span class="{css}">{esc(t.old)} → {esc(t.new)}: {esc(t.finding)}</span>')
    if quiet:
        others = "other " if items else ""
        items.append(f'<span class="muted">{quiet} {others}steps: no change seen</span>')
    return f"<td>{''.join(items) or '<span class=muted>one version only</span>'}</td>"


def _matrix_table(matrix: mx.Matrix, table: Table) -> str:
    head = "".join(f'<th class="v">{esc(v)}</th>' for v in matrix.versions)
    many = " class=many" if len(matrix.versions) > MANY_VERSIONS else ""
    body = []
    for row in matrix.rows:
        classes = " ".join(c for c, on in (("differs", row.differs), ("flagged", row.flags)) if on)
        notable = "yes" if row.differs or row.flags else "no"
        cells = "".join(_cell(vs, check, row) for vs, check in row.spans(matrix.versions))
        body.append(
            f'<tr id="{row_anchor(row.key)}" class="{classes}" '
            f'data-key="{esc(row.key)}" data-behaviour="{esc(row.behaviour_id)}" '
            f'data-outcomes="{esc(" ".join(row.outcomes))}" data-notable="{notable}">'
            f'<td class="key"><strong>{esc(row.key)}</strong>'
            f'<div class="muted">{esc(row.behaviour_id)}</div></td>'
            f"{cells}{_documented(row, table, matrix.versions)}{_finding(row)}</tr>"
        )
    return (
        f'<div class="scroll"><table id="matrix"{many}><thead><tr><th class="key">Check</th>'
        f"{head}<th>What the behaviour table documents</th><th>Finding</th></tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


def _flag_list(matrix: mx.Matrix) -> str:
    items = [
        f'<li><a href="#{row_anchor(r.key)}">{esc(r.key)}</a> ({esc(r.behaviour_id)}): '
        f"{esc(', '.join(r.flags))}</li>"
        for r in matrix.rows
        if r.flags
    ]
    if not items:
        return (
            "<p>Every observed difference is documented, and every documented change was seen.</p>"
        )
    return f'<ul id="flags">{"".join(items)}</ul>'


def render(results: dict[str, Any], table: Table, run_dir: Path) -> str:
    """The whole landing page for one run."""
    matrix = mx.build(results, table)
    run_id = str(results["run"]["id"])
    body = (
        f"<h1>squarecheck run {esc(run_id)}</h1>{_nav(run_dir)}"
        f"<h2>Summary</h2>{_summary(results, matrix, table)}"
        f"<h2>Flagged rows</h2>{_flag_list(matrix)}"
        f"<h2>Version matrix</h2>"
        '<p class="muted">Highlighted rows observed different behaviour under different versions; '
        "a red edge marks an undocumented change or a documented change not observed.</p>"
        f"{_filters(matrix)}{_matrix_table(matrix, table)}"
        "<h2>Evidence</h2>" + "".join(evidence_section(c) for c in results["checks"])
    )
    return document(f"squarecheck run {run_id}", body, FILTER_SCRIPT)


def write(results: dict[str, Any], table: Table, run_dir: Path) -> Path:
    path = run_dir / "index.html"
    path.write_text(render(results, table, run_dir), encoding="utf-8")
    return path
