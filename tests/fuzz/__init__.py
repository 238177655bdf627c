"""Tests of the fuzz suite (`squarecheck.fuzz`)."""
