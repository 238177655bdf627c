"""Tests of squarecheck itself; one folder per package, helpers in `support/`."""
