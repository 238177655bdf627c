"""Tests of the behaviour table and the schemas (`squarecheck.spec`, `specs/`)."""
