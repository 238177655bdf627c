"""`squarecheck merge`: several runs (shards, or one job per version) combined into one.

The checks are put together as they were recorded; everything that compares checks (the version
matrix and its flags, the timeline, the upgrade report, JUnit, the summary) is computed after
the merge by the report stage, so a finding that spans two shards or two version jobs is found.
Runs must not overlap (a check id in two runs is refused) and must have judged the same target;
embedded-emulator runs each start their own emulator on a free port, so for them the first
run's address stands for all. A shard set with a part missing is merged as far as it goes and
marked stopped, so the merged run exits 3 with whole reports rather than pass on part of the
checks.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from squarecheck import results as res
from squarecheck.errors import UsageError
from squarecheck.reports import runs


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


def _target(infos: list[dict[str, Any]]) -> tuple[str, str]:
    kinds = {str(i.get("target_kind", "url")) for i in infos}
    targets = {runs.clean_target(str(i["target"])) for i in infos}
    if kinds == {"emulator"} or len(targets) == 1 and len(kinds) == 1:
        return str(infos[0]["target"]), kinds.pop()
    raise UsageError(f"the runs judged different targets: {', '.join(sorted(targets))}")


def _missing_shards(infos: list[dict[str, Any]]) -> str | None:
    """Why a shard set is incomplete, or None (also for runs that are no shards)."""
    shards = [str(i["shard"]) for i in infos if i.get("shard")]
    if not shards:
        return None
    counts = {int(s.split("/")[1]) for s in shards}
    if len(counts) != 1 or len(shards) != len(infos):
        raise UsageError(f"the runs were split differently: {', '.join(sorted(set(shards)))}")
    total = counts.pop()
    missing = sorted(set(range(1, total + 1)) - {int(s.split("/")[0]) for s in shards})
    if not missing:
        return None
    return "merged without shard " + ", ".join(f"{k}/{total}" for k in missing)


def combine(loaded: list[tuple[Path, dict[str, Any]]], run_id: str) -> dict[str, Any]:
    """One results document from several loaded ones (folder, document), in the given order."""
    if not loaded:
        raise UsageError("name at least one run folder to merge")
    infos = [doc["run"] for _, doc in loaded]
    owner: dict[str, Path] = {}
    checks: list[dict[str, Any]] = []
    for folder, doc in loaded:
        for check in doc["checks"]:
            if (first := owner.get(check["id"])) is not None:
                raise UsageError(f"check {check['id']!r} is in both {first} and {folder}")
            owner[check["id"]] = folder
            checks.append(check)
    target, kind = _target(infos)
    listed = [list(i.get("versions") or []) for i in infos]
    versions = listed[0] if all(v == listed[0] for v in listed) else sorted(set(sum(listed, [])))
    started = min(_moment(str(i["started_at"])) for i in infos)
    finished = max(_moment(str(i.get("finished_at") or i["started_at"])) for i in infos)
    stopped = [str(i["stopped"]) for i in infos if i.get("stopped")]
    if (missing := _missing_shards(infos)) is not None:
        stopped.insert(0, missing)
    upgrades = {tuple(i.get("upgrade") or ()) for i in infos}
    upgrade = list(upgrades.pop()) if len(upgrades) == 1 else []
    narrowed: dict[str, set[str]] = {}
    for info in infos:
        for version, ids in (info.get("narrowed") or {}).items():
            narrowed.setdefault(version, set()).update(ids)
    counts = res.count(checks)
    run: dict[str, Any] = {
        "id": run_id,
        "target": target,
        "target_kind": kind,
        "versions": versions,
        "upgrade": upgrade or None,
        "started_at": _iso(started),
        "finished_at": _iso(finished),
        "duration": round((finished - started).total_seconds(), 3),
        "strict": any(bool(i.get("strict")) for i in infos),
        "squarecheck_version": str(infos[0].get("squarecheck_version", "")),
        "prefix": str(infos[0].get("prefix", "")),
        "leftovers": sum(int(i.get("leftovers", 0)) for i in infos),
        "counts": counts,
        "exit_code": res.exit_code(counts, stopped=bool(stopped)),
        "merged_from": [
            {
                "id": str(info["id"]),
                "folder": str(folder),
                **({"shard": str(info["shard"])} if info.get("shard") else {}),
                "prefix": str(info.get("prefix", "")),
                "leftovers": int(info.get("leftovers", 0)),
            }
            for (folder, _), info in zip(loaded, infos, strict=True)
        ],
    }
    if stopped:
        run["stopped"] = "; ".join(stopped)
    if narrowed:
        run["narrowed"] = {v: sorted(ids) for v, ids in sorted(narrowed.items())}
    return {"format": res.FORMAT, "run": run, "checks": checks}
