"""The output contract, read from schemas/datapackage.json (data, not code)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

SCHEMAS_DIR = Path(__file__).resolve().parent.parent / "schemas"
TABLES = ("bulletins", "values", "findings", "units")


@cache
def datapackage() -> dict:
    path = SCHEMAS_DIR / "datapackage.json"
    if not path.exists():
        raise FileNotFoundError(f"output contract not found at {path}; install the package from its checkout (pip install -e .)")
    return json.loads(path.read_text(encoding="utf-8"))


def columns(table: str) -> list[str]:
    """Column names of one output table, in contract order."""
    for resource in datapackage()["resources"]:
        if resource["name"] == table:
            return [f["name"] for f in resource["schema"]["fields"]]
    raise KeyError(table)
