"""Helpers the test folders share: emulator clients, hostile targets, run fixtures."""
