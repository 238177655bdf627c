"""The kill matrix for people: a plain-text table and selftest.html (readable without scripts)."""

from __future__ import annotations

import html
from typing import Any


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


STYLE = """
body{font-family:system-ui,sans-serif;margin:2rem;color:#1b1b1b}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #ccc;padding:.35rem .5rem;
text-align:left;vertical-align:top}th{background:#f2f2f2}.killed{color:#0a6b0a;font-weight:600}
.survived,.error{color:#b00020;font-weight:600}ul{margin:0;padding-left:1.1rem}
code{font-size:.9em}.muted{color:#666}
"""


def render_html(doc: dict[str, Any]) -> str:
    """selftest.html: self-contained, every value escaped, readable without scripts."""
    e = html.escape
    run, clean, summary = doc["run"], doc["clean"], doc["summary"]
    verdict = "passed" if clean["passed"] else "FAILED"
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>squarecheck selftest {e(run['id'])}</title><style>{STYLE}</style></head><body>",
        f"<h1>squarecheck selftest <code>{e(run['id'])}</code></h1>",
        f"<p>{summary['killed']} of {summary['faults']} injected faults killed; "
        f"{summary['intended_caught']} caught by a check of a behaviour the fault targets. "
        f"Exit code {doc['exit_code']}. Finished {e(run['finished_at'])} in {run['duration']}s"
        f"{'; -k ' + e(run['keyword']) if run.get('keyword') else ''}.</p>",
        f"<h2>Positive control: the clean emulator {verdict}</h2>",
        "<p>" + e(", ".join(f"{n} {o}" for o, n in clean["counts"].items() if n)) + "</p>",
    ]
    if clean["failing"] or clean["errors"] or clean["error"]:
        items = [f"{c['id']} ({c['behaviour']})" for c in clean["failing"]] + clean["errors"]
        items += [clean["error"]] if clean["error"] else []
        parts.append("<ul>" + "".join(f"<li>{e(i)}</li>" for i in items) + "</ul>")
    parts.append(
        "<h2>Kill matrix</h2><table><thead><tr><th>fault</th><th>what it breaks</th>"
        "<th>intended behaviours</th><th>verdict</th><th>intended caught</th>"
        "<th>checks that caught it</th></tr></thead><tbody>"
    )
    for row in doc["faults"]:
        status = "error" if row["error"] else "killed" if row["killed"] else "survived"
        caught = "".join(
            f"<li>{'&#9733; ' if c['intended'] else ''}<code>{e(c['id'])}</code> "
            f"<span class='muted'>({e(c['behaviour'])})</span></li>"
            for c in row["caught_by"]
        )
        parts.append(
            f"<tr id='{e(row['name'])}'><td><code>{e(row['name'])}</code></td>"
            f"<td>{e(row['description'])}</td><td>{e(', '.join(row['behaviours']))}</td>"
            f"<td class='{status}'>{status}{': ' + e(row['error']) if row['error'] else ''}</td>"
            f"<td>{'yes' if row['intended_caught'] else 'no'}</td>"
            f"<td><ul>{caught}</ul></td></tr>"
        )
    parts.append(
        "</tbody></table><p class='muted'>&#9733; marks a check of a behaviour the fault "
        "is meant to break.</p></body></html>"
    )
    return "\n".join(parts) + "\n"
