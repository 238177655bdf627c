"""`@pytest.mark.check(behaviour, operation, name)`: which row of the table a test checks."""

from __future__ import annotations

import string

import pytest

from squarecheck.spec.table import BASES, Behaviour, load_table


def check_marker(item: pytest.Item) -> tuple[Behaviour, str, str] | None:
    """(behaviour, operation, check name) of a parametrized check, names filled in."""
    marker = item.get_closest_marker("check")
    if marker is None or not hasattr(item, "callspec"):
        return None
    behaviour_id, operation, name = marker.args
    params = {k: v for k, v in item.callspec.params.items() if k != "square_version"}
    text = {k: getattr(v, "__name__", str(v)) for k, v in params.items()}
    fmt_name, fmt_op = name.format(**text), operation.format(**text)
    used = {f for _, f, _, _ in string.Formatter().parse(name + operation) if f}
    unused = [v for k, v in text.items() if k not in used]
    if unused:
        fmt_name = f"{fmt_name} ({', '.join(unused)})"
    return load_table()[behaviour_id], fmt_op, fmt_name


def register(config: pytest.Config) -> None:
    """Register the check marker, one marker per family and one per basis."""
    table = load_table()
    config.addinivalue_line("markers", "check(behaviour, operation, name): a conformance check")
    for family in sorted({b.family for b in table.behaviours.values()}):
        marker = family.replace("-", "_")
        config.addinivalue_line("markers", f"{marker}: behaviour family {family}")
    for basis in BASES:
        config.addinivalue_line("markers", f"{basis}: checks whose expectation is {basis}")
    config.addinivalue_line("markers", "fuzz: generated requests from the OpenAPI document")


def tag(items: list[pytest.Item]) -> None:
    """Mark each check with its family and basis, and let -k match its behaviour id."""
    for item in items:
        found = check_marker(item)
        if found is None:
            continue
        behaviour, operation, _ = found
        version = item.callspec.params["square_version"]  # type: ignore[attr-defined]
        item.add_marker(behaviour.family.replace("-", "_"))
        item.add_marker(behaviour.basis_at(version))
        item.extra_keyword_matches.update({behaviour.id, operation})


def versions_for(
    definition: pytest.Function, versions: list[str], narrowed: dict[str, frozenset[str]]
) -> list[str]:
    """The versions a check runs under: every selected one, except those narrowed to other
    behaviours (a cutover day always checks every behaviour, so none is left without one)."""
    marker = definition.get_closest_marker("check")
    if marker is None or not narrowed:
        return versions
    behaviour = marker.args[0]
    return [v for v in versions if v not in narrowed or behaviour in narrowed[v]]
