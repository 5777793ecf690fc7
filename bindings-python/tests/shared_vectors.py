"""The core's test vectors, read from billing-core/tests/data/vectors.json."""

import json
from pathlib import Path
from typing import Any

#: The one file of shared vectors every language's suite reads.
VECTORS_PATH = Path(__file__).resolve().parents[2] / "billing-core" / "tests" / "data" / "vectors.json"


def load_vectors() -> dict[str, list[dict[str, Any]]]:
    """The vectors by area (``"edrpou"``, ``"iban"``, ...), without the comment."""
    data: dict[str, Any] = json.loads(VECTORS_PATH.read_text(encoding="utf-8"))
    return {area: cases for area, cases in data.items() if not area.startswith("_")}


VECTORS = load_vectors()
