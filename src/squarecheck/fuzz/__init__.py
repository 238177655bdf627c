"""Generated requests (schemathesis) judged per Square-Version: the document for a version
(`document`), the table's own check (`conformance`) and the runner the fuzz suite drives
(`runner`).
"""

from squarecheck.fuzz.document import operation_ids
from squarecheck.fuzz.runner import Finding, Fuzzer, FuzzReport

__all__ = ["Finding", "FuzzReport", "Fuzzer", "operation_ids"]
