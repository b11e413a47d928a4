"""bulletin-extractor: county 12345 hotline bulletins back into comparable data.

    import extractor
    result = extractor.extract("archive/")   # result.values, .bulletins, .findings, .units: DataFrames
    b = extractor.bulletin("one.pdf")        # b.tables: DataFrames with header paths; b.findings

The API lives in extractor.api and is imported on first use: `import extractor` stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["Bulletin", "OutputWriteError", "Result", "bulletin", "extract"]

if TYPE_CHECKING:
    from .api import Bulletin, OutputWriteError, Result, bulletin, extract


def __getattr__(name: str) -> Any:
    if name in __all__:
        from . import api

        return getattr(api, name)
    raise AttributeError(f"module 'extractor' has no attribute {name!r}")
