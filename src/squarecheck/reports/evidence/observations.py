"""What a real target did on the rows squarecheck is unsure of, as a file of evidence.

A run against a real target (the sandbox) records every check in results.json: its behaviour,
version, outcome, the status and code it judged, what it observed and the exchanges it made
(already redacted by the run). `observe` gathers the checks of the rows whose expectation is
`assumed` or `inferred` under their version into one `Observation` per row and period (the
initial expectation, or one change), and `write_observations` keeps them as
`specs/observations/<run id>.json`, the file a table change cites as its evidence
(`squarecheck.reports.evidence.proposal`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from squarecheck.spec.table import Behaviour, Table

FORMAT = 1
UNSURE = ("assumed", "inferred")
JUDGED = ("passed", "failed", "warned")
EXCHANGES_KEPT = 4  # per check: enough to show what was sent and answered


@dataclass
class Observation:
    """What the target did on one row during one period of its history."""

    behaviour: str
    since: str | None  # the change in force, None for the initial expectation
    basis: str
    records: list[dict[str, Any]] = field(default_factory=list)

    @property
    def versions(self) -> list[str]:
        return sorted({str(r["version"]) for r in self.records})

    @property
    def agrees(self) -> bool:
        """Every check of the period passed: the target does what the row expects."""
        return all(r["outcome"] == "passed" for r in self.records)

    def as_json(self) -> dict[str, Any]:
        return {
            "behaviour": self.behaviour,
            "since": self.since,
            "basis": self.basis,
            "versions": self.versions,
            "agrees": self.agrees,
            "checks": [_check(r) for r in self.records],
        }


def _check(record: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": record["id"],
        "version": record["version"],
        "outcome": record["outcome"],
        "status": record.get("status"),
        "error_code": record.get("error_code"),
        "observed": record.get("observed") or {},
        "message": record.get("message"),
        "exchanges": list(record.get("evidence") or [])[-EXCHANGES_KEPT:],
    }


def _period(behaviour: Behaviour, version: str) -> str | None:
    change = behaviour.change_at(version)
    return change.since if change else None


def observe(results: Mapping[str, Any], table: Table) -> list[Observation]:
    """The observations of a run's results: one per unsure row and period, checks that were
    judged only (an error or a skip says nothing about the target)."""
    found: dict[tuple[str, str | None], Observation] = {}
    for record in results["checks"]:
        behaviour = table.behaviours.get(str(record["behaviour"]))
        if behaviour is None or record["outcome"] not in JUDGED:
            continue
        version = str(record["version"])
        basis = behaviour.basis_at(version)
        if basis not in UNSURE:
            continue
        key = (behaviour.id, _period(behaviour, version))
        observation = found.setdefault(key, Observation(behaviour.id, key[1], basis))
        observation.records.append(dict(record))
    return sorted(found.values(), key=lambda o: (o.behaviour, o.since or ""))


def observation_name(results: Mapping[str, Any]) -> str:
    """The file name of a run's observations: its run id."""
    return f"{results['run']['id']}.json"


def write_observations(
    results: Mapping[str, Any], observations: list[Observation], folder: Path
) -> Path:
    """Write the observation file into `folder` (created when missing); returns its path."""
    run = results["run"]
    doc = {
        "format": FORMAT,
        "run": run["id"],
        "target": run["target"],
        "target_kind": run["target_kind"],
        "started_at": run["started_at"],
        "squarecheck_version": run["squarecheck_version"],
        "observations": [o.as_json() for o in observations],
    }
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / observation_name(results)
    path.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path
