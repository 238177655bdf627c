"""The Jinja2 environment every HTML page renders with: templates inside the package
(`reports/templates/`), autoescape always on, and the page helpers as filters.

Autoescape means a value from a run (a target's text, a check id) can never become markup;
the few helpers that return markup (`badge`, `link`, `source_link`) escape their own input and
return `Markup`. Every value shown passes `_shown` first: what no file can hold (a lone
surrogate, NUL) and what would reorder or hide text on screen (control and bidi characters)
become visible escapes, so a page is written whatever a target sent and reads as it was sent.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from squarecheck.reports import page
from squarecheck.results import storable
from squarecheck.target.bounds import printable


def _shown(value: Any) -> Any:
    """A value as a page may show it (see the module docstring); markup keeps its tags."""
    if isinstance(value, Markup):
        return Markup(storable(str(value)))
    if isinstance(value, str):
        return printable(storable(value), newlines=True)
    return value


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("squarecheck.reports", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=_shown,
    )
    env.filters["badge"] = lambda outcome: Markup(page.badge(str(outcome)))
    env.filters["anchor"] = page.anchor
    env.filters["link"] = lambda href, text="": Markup(page.link(str(href), str(text or href)))
    env.filters["source_link"] = lambda url, label="": Markup(page.source_link(str(url), label))
    env.filters["pretty"] = page.pretty
    env.globals["CSS"] = Markup(page.CSS)
    env.globals["CSP"] = page.CSP
    env.globals["evidence_facts"] = page.evidence_facts
    return env


def render(template: str, **context: Any) -> str:
    """Render `templates/<template>` with `context`."""
    return environment().get_template(template).render(**context)
