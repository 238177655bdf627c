"""Tests of the conformance suites (`suites/`) against targets that break or choose otherwise."""
