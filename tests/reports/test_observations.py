"""Every observation file the behaviour table cites is in specs/observations."""

from __future__ import annotations

from squarecheck.paths import specs_dir
from squarecheck.spec.table import load_table


def test_every_cited_observation_exists() -> None:
    """An `observation:` evidence item names a file of specs/observations."""
    table = load_table()
    cited = {
        evidence.observation
        for behaviour in table.behaviours.values()
        for period in (behaviour.evidence, *(c.evidence for c in behaviour.changes))
        for evidence in period
        if evidence.observation
    }
    missing = sorted(name for name in cited if not (specs_dir() / "observations" / name).is_file())
    assert missing == []
