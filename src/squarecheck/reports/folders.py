"""Run folders a CI step can name: `--run-name NAME`, and `latest` beside them.

A run folder is `<report dir>/<run id>` unless `--run-name` names it. A named folder that
already holds a run is refused rather than mixed with a new one. Once a run's reports are
written, `<report dir>/latest` is pointed at it (a relative symbolic link, replaced in one
step), so a CI step or a person can always open the newest run by the same path.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

from squarecheck.errors import UsageError

LATEST = "latest"


def run_folder(report_dir: Path, run_id: str, name: str | None) -> Path:
    """Create and return the run's folder; a named folder that holds a run is a UsageError."""
    folder = report_dir / (name or run_id)
    if name and (folder / "results.json").exists():
        raise UsageError(
            f"--run-name {name}: {folder} already holds a run; remove it or choose another name"
        )
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def point_latest(run_dir: Path) -> Path | None:
    """Point `<report dir>/latest` at `run_dir`; None when the platform or the folder does not
    allow it, or something other than a link already has the name (it is left alone)."""
    latest = run_dir.parent / LATEST
    if latest.exists() and not latest.is_symlink():
        return None
    aside = run_dir.parent / f".{LATEST}-{secrets.token_hex(4)}"
    try:
        os.symlink(run_dir.name, aside, target_is_directory=True)
        os.replace(aside, latest)
    except OSError:
        with contextlib.suppress(OSError):
            aside.unlink()
        return None
    return latest
