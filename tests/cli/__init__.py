"""Tests of the command line (`squarecheck.cli`), end to end."""
