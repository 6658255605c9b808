"""Which fields a place in the schema allows, for "unknown field; did you mean" messages."""

from __future__ import annotations

from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic_core import PydanticCustomError


def field_names_at(model: type[BaseModel], loc: tuple[int | str, ...]) -> list[str]:
    """The fields allowed where pydantic's error ``loc`` points (its last part is the unknown field)."""
    node: Any = model
    for part in loc[:-1]:
        node = _step(node, part)
        if node is None:
            return []
    node = _unwrap(node)
    if not (isinstance(node, type) and issubclass(node, BaseModel)):
        return []
    return [f.alias or name for name, f in node.model_fields.items()]


def _unwrap(t: Any) -> Any:
    while get_origin(t) is Annotated:
        t = get_args(t)[0]
    return t


def _step(t: Any, part: int | str) -> Any:
    t = _unwrap(t)
    if isinstance(part, str) and " " in part:  # a callable discriminator's tag ("a distribution"): no field
        return t
    origin, args = get_origin(t), get_args(t)
    if origin in (Union, UnionType):
        members = [_unwrap(a) for a in args if a is not type(None)]
        for m in members:  # a discriminated union's tag, or a member's name, as pydantic writes them
            if isinstance(m, type) and issubclass(m, BaseModel) and (m.__name__ == part or part in _tags(m)):
                return m
        for m in members:
            found = _step(m, part)
            if found is not None:
                return found
        return None
    if isinstance(t, type) and issubclass(t, BaseModel) and isinstance(part, str):
        for name, f in t.model_fields.items():
            if part in (name, f.alias):
                return f.annotation
        return None
    if origin is list and isinstance(part, int):
        return args[0]
    if origin is dict:
        return args[1]
    return None


def _tags(model: type[BaseModel]) -> set[object]:
    return {
        v for f in model.model_fields.values() if get_origin(a := _unwrap(f.annotation)) is Literal for v in get_args(a)
    }


def error_at(model: str, loc: tuple[int | str, ...], message: str, value: Any) -> ValidationError:
    """An error for a model validator to raise at ``loc`` below its model, so that the message points at the
    field's own file:line (a plain ValueError would point at the model)."""
    return ValidationError.from_exception_data(
        model,
        [{"type": PydanticCustomError("value_error", "{message}", {"message": message}), "loc": loc, "input": value}],
    )
