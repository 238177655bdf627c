"""Tests of `squarecheck selftest` (`squarecheck.selftest`)."""
