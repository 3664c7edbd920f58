"""The shipped JSON Schema of the record, and validation against it."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

import fastjsonschema
from jsonschema import Draft202012Validator

if TYPE_CHECKING:
    from collections.abc import Callable


def schema_text() -> str:
    """The JSON Schema of a record, as shipped in the package."""
    return resources.files("newscrawl.record").joinpath("record.schema.json").read_text("utf-8")


@cache
def _validator() -> Draft202012Validator:
    # Cached: the schema is a constant file of the package, not configuration.
    return Draft202012Validator(json.loads(schema_text()))


@cache
def _fast_check() -> Callable[[Any], Any]:
    # The schema compiled to Python code (same `re` patterns), much faster than jsonschema
    # on a valid record, which is nearly every record; it uses draft-07 keywords only.
    schema = json.loads(schema_text())
    del schema["$schema"]
    check: Callable[[Any], Any] = fastjsonschema.compile(schema)
    return check


def record_errors(record: Any) -> list[str]:
    """Every schema violation of ``record``, each naming the field ("headline: ...").

    >>> record_errors({"schema_version": 1})[0]
    "<record>: 'url' is a required property"
    """
    try:
        _fast_check()(record)
    except fastjsonschema.JsonSchemaException:
        pass  # invalid: jsonschema names every violation below
    else:
        return []
    out = []
    for error in sorted(_validator().iter_errors(record), key=lambda e: list(e.path)):
        where = ".".join(str(p) for p in error.absolute_path) or "<record>"
        out.append(f"{where}: {error.message}")
    return out
