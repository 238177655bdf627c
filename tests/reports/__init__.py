"""Tests of the reports (`squarecheck.reports`)."""
