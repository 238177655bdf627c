"""Process exit codes shared by every squarecheck command.

OK: every check conforms. CONFORMANCE_FAILURE: at least one check saw the target misbehave.
USAGE: a bad option or configuration (one clear line on stderr). TOOL_ERROR: the target is
unreachable or squarecheck itself could not do its job; never a verdict on the target.
"""

from __future__ import annotations

OK = 0
CONFORMANCE_FAILURE = 1
USAGE = 2
TOOL_ERROR = 3
