"""Tests of the options table and its resolution (`squarecheck.options`)."""
