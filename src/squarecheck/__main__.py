"""`python -m squarecheck` is the `squarecheck` command."""

from __future__ import annotations

import sys

from squarecheck.cli import console

sys.exit(console())
