"""The kill matrix for people: a plain-text table and selftest.html (readable without scripts,
rendered from `reports/templates/selftest.html.j2` with autoescape)."""

from __future__ import annotations

from typing import Any

from squarecheck.reports.templating import render as render_template


def terminal_table(doc: dict[str, Any]) -> str:
    """A short plain-text kill matrix."""
    rows = [("fault", "verdict", "intended", "checks that caught it")]
    clean = doc["clean"]
    failing = len(clean["failing"]) + len(clean["errors"])
    verdict = "passed" if clean["passed"] else f"{failing} failing" if failing else "error"
    rows.append(("(clean emulator)", verdict, "-", "-"))
    for row in doc["faults"]:
        caught = row["caught_by"]
        shown = ", ".join(sorted({c["behaviour"] for c in caught}))
        verdict = "error" if row["error"] else "killed" if row["killed"] else "SURVIVED"
        intended = "yes" if row["intended_caught"] else "no"
        rows.append((row["name"], verdict, intended, f"{len(caught)}: {shown}"[:70]))
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(r[:3], widths, strict=True)) + "  " + r[3]
        for r in rows
    ]
    s = doc["summary"]
    lines.append(
        f"{s['killed']}/{s['faults']} faults killed, {s['intended_caught']} by a check of an "
        f"intended behaviour; survived: {', '.join(s['survived']) or 'none'}"
    )
    return "\n".join(lines)


#: kill-matrix rows in the order a reader acts on them: no verdict, survivors, stray kills
ORDER = {"error": 0, "survived": 1, "stray": 2, "killed": 3}


def _status(row: dict[str, Any]) -> str:
    if row["error"]:
        return "error"
    if not row["killed"]:
        return "survived"
    return "killed" if row["intended_caught"] else "stray"


def _headline(doc: dict[str, Any]) -> str:
    """The verdict in a few words, by exit code."""
    summary, clean = doc["summary"], doc["clean"]
    if doc["exit_code"] == 0:
        return "Every fault killed"
    if doc["exit_code"] == 1:
        survived = len(summary["survived"])
        if not clean["passed"]:
            return "The clean emulator fails a check"
        return f"{survived} fault{'' if survived == 1 else 's'} survived"
    return "No verdict"


def render_html(doc: dict[str, Any]) -> str:
    """selftest.html (`templates/selftest.html.j2`): the verdict, the clean control, then the
    kill matrix with survivors and errors first; self-contained, readable without scripts."""
    rows = []
    for row in doc["faults"]:
        behaviours = sorted({c["behaviour"] for c in row["caught_by"]})
        rows.append(
            {
                **row,
                "status": _status(row),
                "caught_behaviours": [(b, b in row["behaviours"]) for b in behaviours],
            }
        )
    rows.sort(key=lambda r: ORDER[r["status"]])
    clean = doc["clean"]
    return render_template(
        "selftest.html.j2",
        run=doc["run"],
        summary=doc["summary"],
        exit_code=doc["exit_code"],
        headline=_headline(doc),
        clean=clean,
        clean_problems=[f"{c['id']} ({c['behaviour']})" for c in clean["failing"]]
        + list(clean["errors"])
        + ([clean["error"]] if clean["error"] else []),
        rows=rows,
    )
