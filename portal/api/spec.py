"""The OpenAPI 3.1 document of the open-data API, kept as ``openapi.yaml`` beside this module.

Read once per process and served as JSON at ``/api/v1/openapi.json``; the tests validate the
document and every route's real responses against it.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

SPEC_FILE = Path(__file__).with_name("openapi.yaml")


@lru_cache(maxsize=1)
def openapi_document() -> dict:
    """The parsed document (do not modify the returned mapping)."""
    return yaml.safe_load(SPEC_FILE.read_text(encoding="utf-8"))
