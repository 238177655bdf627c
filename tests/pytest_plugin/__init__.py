"""Tests of the pytest plugin (`squarecheck.pytest_plugin`)."""
