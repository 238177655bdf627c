"""HTML building blocks shared by the report pages: the style, the policy, links and anchors.

Pages are self-contained (inline CSS, an optional small inline script, a Content-Security-Policy
that forbids loading anything) so a report folder can be archived or opened offline. They are
rendered from Jinja2 templates with autoescape (`templating`), which use these helpers as
filters; a helper that returns markup escapes its own input.
A link is made only for http(s) and relative targets: anything else (`javascript:`, `data:`)
is shown as text.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from typing import Any

_SLUG = re.compile(r"[^a-z0-9]+")

CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
    "img-src data:; base-uri 'none'; form-action 'none'"
)

CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;
 max-width:1400px;padding:1rem 1.5rem;color:#1d2329;background:#fff}
h1{font-size:1.5rem;margin:.2rem 0 1rem}h2{font-size:1.2rem;margin-top:2rem}
h3{font-size:1rem;margin:1.2rem 0 .4rem}
table{border-collapse:collapse;width:100%}
th,td{border:1px solid #d5dbe1;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f2f4f7}
dl.summary{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}
dl.summary dt{font-weight:600}dl.summary dd{margin:0}
.badge{display:inline-block;border-radius:3px;padding:0 .35rem;font-size:.8rem;font-weight:600;
 color:#fff;background:#6b7785}
.o-passed{background:#1a7f37}.o-failed{background:#c62828}.o-warned{background:#9a6700}
.o-error{background:#6f42c1}.o-skipped{background:#6b7785}
.o-stale{background:#c62828}.o-known-failure{background:#9a6700}
tr.differs>td{background:#fff8db}
.scroll{overflow-x:auto}
#matrix .key{position:sticky;left:0;z-index:1;background:#fff;min-width:14rem}
#matrix thead .key{background:#f2f4f7}#matrix tr.differs>td.key{background:#fff8db}
#matrix.many th.v{writing-mode:vertical-rl;transform:rotate(180deg);white-space:nowrap}
#matrix.many td{min-width:5rem}
tr.flagged>td:first-child{box-shadow:inset 4px 0 #c62828}
.flag{display:block;font-weight:600;color:#b3261e}
.finding{display:block;font-weight:600}
.obs{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.8rem;
 word-break:break-word}
.muted{color:#57606a;font-size:.85rem}
pre{background:#f6f8fa;border:1px solid #d5dbe1;padding:.5rem;overflow:auto;
 white-space:pre-wrap;word-break:break-word;font-size:.8rem}
section.evidence{border-top:1px solid #d5dbe1;margin-top:1rem}
section.evidence:target{background:#fffbe6}
fieldset{border:1px solid #d5dbe1;margin:0 0 1rem}
fieldset label{margin-right:1rem;white-space:nowrap}
.js-only{display:none}html.js .js-only{display:block}
nav a{margin-right:1rem}
.exchange{display:grid;grid-template-columns:1fr 1fr;gap:0 1rem}
.exchange .curl{grid-column:1/-1}h4{margin:.6rem 0 .2rem;font-size:.9rem}
p.verdict{font-size:1.05rem;padding:.5rem .75rem;border-left:6px solid #1a7f37;background:#f0f8f2}
p.verdict.exit-1{border-color:#c62828;background:#fdf0f0}
p.verdict.exit-2,p.verdict.exit-3{border-color:#6f42c1;background:#f5f0fc}
#failures .failure{border:1px solid #d5dbe1;border-left:4px solid #c62828;border-radius:4px;
 padding:.25rem .75rem .5rem;margin:.5rem 0 1rem}
#failures .cause{border:1px solid #d5dbe1;border-left:4px solid #6f42c1;padding:.25rem .75rem;
 margin:.5rem 0 1rem}
#failures ul.checks{columns:2;font-size:.85rem}
#failures h3.behaviour{margin-top:1.5rem;font-family:ui-monospace,SFMono-Regular,Menlo,monospace}
.versus{display:grid;grid-template-columns:1fr 1fr;gap:0 1rem}
.versus>div{background:#f6f8fa;border:1px solid #d5dbe1;padding:.25rem .6rem}
.versus .expected{border-top:3px solid #1a7f37}.versus .observed{border-top:3px solid #c62828}
.versus p{margin:.3rem 0}.why{font-weight:600}
.label{font-size:.75rem;font-weight:700;text-transform:uppercase;color:#57606a;margin-top:.4rem}
#failures pre{max-height:22rem}
.stopped{color:#6f42c1}.good{color:#1a7f37;font-weight:600}
"""


def esc(value: Any) -> str:
    """Escape anything for HTML text and attribute values."""
    return html.escape("" if value is None else str(value), quote=True)


def anchor(check_id: str) -> str:
    """A stable, unique fragment id for a check's evidence."""
    digest = hashlib.sha1(check_id.encode("utf-8")).hexdigest()[:8]
    slug = _SLUG.sub("-", check_id.lower()).strip("-")[:60]
    return f"ev-{slug}-{digest}"


def link(href: str, text: str) -> str:
    """A link for http(s) and relative targets; anything else (javascript:, ...) is text."""
    if re.match(r"^[a-z][a-z0-9+.-]*:", href, re.IGNORECASE) and not re.match(
        r"^https?://", href, re.IGNORECASE
    ):
        return esc(text)
    return f'<a href="{esc(href)}">{esc(text)}</a>'


def source_link(url: str, label: str = "") -> str:
    """A behaviour source: a link when it is a URL, plain text for a spec revision."""
    return link(url, label or url) if re.match(r"^https?://", url) else esc(url)


def badge(outcome: str) -> str:
    return f'<span class="badge o-{esc(outcome)}">{esc(outcome)}</span>'


def pretty(value: Any) -> str:
    """JSON as a readable block (strings shown as they are)."""
    if isinstance(value, str):
        return value
    return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=False)


def evidence_facts(check: dict[str, Any]) -> list[tuple[str, str]]:
    """The facts an evidence section lists, those with a value."""
    facts = [
        ("behaviour", check.get("behaviour")),
        ("operation", check.get("operation")),
        ("expected", check.get("expected_summary")),
        ("observed", json.dumps(check.get("observed") or {}, sort_keys=True)),
        ("message", check.get("message")),
        ("baseline reason", (check.get("baseline") or {}).get("reason")),
    ]
    return [(name, str(value)) for name, value in facts if value]
