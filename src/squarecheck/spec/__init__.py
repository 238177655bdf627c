"""The truth as data: the version-behaviour table (`table`) and the payload schemas (`schemas`).

This layer reads `specs/` and nothing else of squarecheck but `paths` and `errors`.
"""
