"""Where in the behaviour table file a problem stands: `specs/behaviours.yaml:123: ...`.

A typo in the table is a configuration error, and the one line that reports it names the file
and the line to fix: a YAML error carries its own mark; a schema problem names a path
(`behaviours/3/initial/expect`), found again in the file's node tree (`yaml.compose`).
"""

from __future__ import annotations

from pathlib import Path

import yaml


def line_of(text: str, where: str) -> int | None:
    """The 1-based line of the node at `where` (`a/0/b`), or None if it cannot be found."""
    try:
        node = yaml.compose(text)
    except yaml.YAMLError:
        return None
    for part in where.split("/"):
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if getattr(k, "value", None) == part), None)
        elif isinstance(node, yaml.SequenceNode) and part.isdigit() and int(part) < len(node.value):
            node = node.value[int(part)]
        else:
            return None
        if node is None:
            return None
    return None if node is None else node.start_mark.line + 1


def yaml_problem(path: Path, exc: yaml.YAMLError) -> str:
    """`file:line: problem` for a YAML syntax error, on one line."""
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
    return f"{where}: not valid YAML: {' '.join(str(problem).split())}"


def schema_problem(path: Path, text: str, problem: str) -> str:
    """`file:line: problem` for a schema problem `where: message` (line when found)."""
    where, _, _ = problem.partition(": ")
    line = line_of(text, where) if "/" in where or where.isidentifier() else None
    located = f"{path}:{line}" if line is not None else str(path)
    return f"{located}: {' '.join(problem.split())}"
