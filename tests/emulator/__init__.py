"""Tests of the embedded emulator (`squarecheck.emulator`), over HTTP."""
