"""Tests of the client and its bounds (`squarecheck.target`)."""
