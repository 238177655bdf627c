"""Regenerate the parts of the docs that come from code, or check that they are fresh.

    python scripts/gendocs.py           # rewrite docs/options.md and every generated count
    python scripts/gendocs.py --check   # exit 1 naming each stale file (the tests run this)

`docs/options.md` is rendered from the options table (`squarecheck.options.table.TABLE`), one
section per command. A count in any Markdown file of the project is written between markers,
`<!-- count:NAME -->18<!-- /count -->`, and NAME is one of `COUNTS` below, so a number in the
docs is either generated from the code or checked against it.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import get_args

ROOT = Path(__file__).resolve().parents[1]
OPTIONS_DOC = ROOT / "docs" / "options.md"
COUNTED = ("README.md", "CONTRIBUTING.md", "ARCHITECTURE.md", "docs/*.md", "specs/README.md")
_MARKER = re.compile(r"<!-- count:([a-z-]+) -->(.*?)<!-- /count -->")


def _rows() -> int:
    from squarecheck.spec.table import load_table

    return len(load_table().behaviours)


def _known_versions() -> int:
    from squarecheck.spec.table import load_table

    return len(load_table().known_versions)


def _cutover_versions() -> int:
    from squarecheck.spec.table import load_table

    return len(load_table().cutover_selection())


def _cutovers() -> int:
    from squarecheck.spec.table import load_table

    return len(load_table().cutovers())


def _faults() -> int:
    from squarecheck.emulator.faults.catalogue import CATALOGUE

    return len(CATALOGUE)


def _operations() -> int:
    from squarecheck.emulator.routes import OPERATIONS

    return len(OPERATIONS)


COUNTS: dict[str, Callable[[], int]] = {
    "rows": _rows,
    "known-versions": _known_versions,
    "cutover-versions": _cutover_versions,
    "cutovers": _cutovers,
    "faults": _faults,
    "operations": _operations,
}


def render_options() -> str:
    """docs/options.md: every option of every command, with its environment twin and help."""
    from squarecheck.options.table import TABLE, Command

    lines = [
        "# Options",
        "",
        "Generated from the options table (`src/squarecheck/options/table.py`) by",
        "`python scripts/gendocs.py`; a test fails when this file is stale. Every option with an",
        "environment twin reads it when the flag is absent; the command line wins.",
    ]
    for command in get_args(Command):
        options = [o for o in TABLE if command in o.commands]
        if not options:
            continue
        title = f"squarecheck {command}"
        if command == "pytest":
            title = "pytest (the squarecheck plugin)"
        lines += ["", f"## {title}", "", "| option | environment | meaning |", "|---|---|---|"]
        for option in options:
            flag = option.flag_for(command)
            if option.short:
                flag = f"{option.short}, {flag}"
            meta = option.metavar
            if isinstance(meta, tuple):
                flag += " " + " ".join(meta)
            elif meta or option.kind in ("value", "list"):
                flag += f" {meta or option.name.upper()}"
            env = ", ".join(f"`{e}`" for e in option.env) or "-"
            text = option.help
            if option.default not in (None, False):
                text += f" (default {option.default})"
            text = text.replace("|", "\\|")
            lines.append(f"| `{flag}` | {env} | {text} |")
    return "\n".join(lines) + "\n"


def _counted_files() -> list[Path]:
    found: list[Path] = []
    for pattern in COUNTED:
        found += sorted(ROOT.glob(pattern))
    return found


def refreshed(text: str) -> str:
    """`text` with every count marker holding the current value; an unknown name is an error."""

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in COUNTS:
            raise SystemExit(f"unknown count {name!r}; known: {', '.join(sorted(COUNTS))}")
        return f"<!-- count:{name} -->{COUNTS[name]()}<!-- /count -->"

    return _MARKER.sub(fill, text)


def stale() -> list[str]:
    """The files whose generated parts differ from what the code gives now."""
    found = []
    if not OPTIONS_DOC.is_file() or OPTIONS_DOC.read_text(encoding="utf-8") != render_options():
        found.append(str(OPTIONS_DOC.relative_to(ROOT)))
    for path in _counted_files():
        text = path.read_text(encoding="utf-8")
        if refreshed(text) != text:
            found.append(str(path.relative_to(ROOT)))
    return found


def write() -> None:
    OPTIONS_DOC.write_text(render_options(), encoding="utf-8")
    for path in _counted_files():
        text = path.read_text(encoding="utf-8")
        if refreshed(text) != text:
            path.write_text(refreshed(text), encoding="utf-8")


def main(argv: list[str]) -> int:
    if argv == ["--check"]:
        files = stale()
        if files:
            print(f"stale: {', '.join(files)}; run: python scripts/gendocs.py", file=sys.stderr)
            return 1
        return 0
    if argv:
        print("usage: python scripts/gendocs.py [--check]", file=sys.stderr)
        return 2
    write()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
