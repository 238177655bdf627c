"""The suites proving themselves: the clean emulator must pass, every injected fault must fail.

`orchestrate` runs one child (`child`) per target and builds the kill matrix; `html` renders it.
"""
