"""The texts of a scenario that have nothing written in a language: ``exsim check --lang ru`` lists them.

A text is any field typed ``Text`` (``sim.config.frozen``): names, the title, descriptions, inject messages,
decision questions and options, controller notes. A plain string counts as English.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import Annotated, Any, get_args, get_origin

from pydantic import BaseModel

from sim.config.frozen import HumanText
from sim.config.text import lacks
from sim.config.yamlsafe import PathKey


def untranslated(model: BaseModel, lang: str, path: PathKey = ()) -> Iterator[PathKey]:
    """Where a text of ``model`` (a scenario, or any part of one) has nothing written in ``lang``."""
    for name, field in type(model).model_fields.items():
        value = getattr(model, name)
        here = (*path, field.alias or name)
        if _is_text(type(model), name):
            if lacks(value, lang):
                yield here
        elif _texts_by_key(type(model), name):  # map.kinds: a text for each key
            yield from ((*here, key) for key, text in value.items() if lacks(text, lang))
        else:
            yield from _within(value, lang, here)


def _within(value: Any, lang: str, path: PathKey) -> Iterator[PathKey]:
    if isinstance(value, BaseModel):
        yield from untranslated(value, lang, path)
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            yield from _within(item, lang, (*path, i))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _within(item, lang, (*path, key))


@cache
def _is_text(model: type[BaseModel], name: str) -> bool:
    field = model.model_fields[name]
    return any(isinstance(m, HumanText) for m in field.metadata) or (
        get_origin(field.annotation) is not dict and _marked(field.annotation)
    )


@cache
def _texts_by_key(model: type[BaseModel], name: str) -> bool:
    """A mapping of names to texts (``dict[Id, Text]``)."""
    annotation = model.model_fields[name].annotation
    return get_origin(annotation) is dict and _marked(get_args(annotation)[1])


def _marked(annotation: Any) -> bool:
    """Whether a ``Text`` is inside ``annotation`` (``Text | None``)."""
    if get_origin(annotation) is Annotated:
        return any(isinstance(m, HumanText) for m in annotation.__metadata__)
    return any(_marked(a) for a in get_args(annotation))
