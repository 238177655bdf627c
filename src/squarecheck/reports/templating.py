"""The Jinja2 environment every HTML page renders with: templates inside the package
(`reports/templates/`), autoescape always on, and the page helpers as filters.

Autoescape means a value from a run (a target's text, a check id) can never become markup;
the few helpers that return markup (`badge`, `link`, `source_link`) escape their own input and
return `Markup`.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from squarecheck.reports import page


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("squarecheck.reports", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
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
