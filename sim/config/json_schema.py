"""JSON Schemas of exsim's files, for editors (yaml-language-server) and for the reference documentation."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from sim.config.schema import Scenario

DIALECT = "https://json-schema.org/draft/2020-12/schema"


def json_schema(model: type[BaseModel], title: str, under: str | None = None) -> dict[str, Any]:
    """The schema of a file holding ``model`` (at the top level, or as the one key ``under``)."""
    doc = model.model_json_schema(by_alias=True)
    if under is not None:
        defs = doc.pop("$defs", {})
        defs[model.__name__] = doc
        doc = {
            "type": "object",
            "properties": {
                under: {"$ref": f"#/$defs/{model.__name__}", "description": doc.get("description", model.__name__)}
            },
            "required": [under],
            "additionalProperties": False,
            "$defs": defs,
        }
    return {"$schema": DIALECT, "title": title, **{k: v for k, v in doc.items() if k != "title"}}


def scenario_schema() -> dict[str, Any]:
    return json_schema(Scenario, "exsim scenario")
