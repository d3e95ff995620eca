"""One validator for JSON read back from disk: dataclass fields are the schema.

`from_dict(cls, data, where)` checks every field of the dataclass `cls`
against its type annotation (str, int, float, bool, Any, list[T],
tuple[T, ...], dict[str, T], T | None, Literal[...] and nested dataclasses)
and, where a field's metadata holds a `check`, against that function too; it
returns the instance or raises SchemaError naming the field. Numbers must be
finite and text valid Unicode (JSON can spell an unpaired surrogate, which
could be read but never written back). What spans fields is checked by the
record's optional `validate()` method, which returns (field, problem) or None.
Unknown keys are ignored, so a newer writer's extra fields do not break an
older reader.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import types
import typing
from typing import Any, Callable, TypeVar

from tutor.errors import TutorError

T = TypeVar("T")

# A field's extra rule: returns what is wrong with a well-typed value, or None.
Check = Callable[[Any], "str | None"]


class SchemaError(TutorError):
    """A value of the wrong type or out of range; `field` is its dotted path."""

    def __init__(self, where: str, field: str, problem: str) -> None:
        self.where = where
        self.field = field
        super().__init__(f"{where}: {'`' + field + '` ' if field else ''}{problem}")


def check(rule: Check) -> dict[str, Any]:
    """Field metadata carrying an extra rule: field(metadata=check(rule))."""
    return {"check": rule}


def from_dict(cls: type[T], data: Any, where: str, path: str = "") -> T:
    if not isinstance(data, dict):
        raise SchemaError(where, path, f"must be an object, not {_kind(data)}")
    hints = _hints(cls)
    values: dict[str, Any] = {}
    for field in dataclasses.fields(cls):  # type: ignore[arg-type]
        name = f"{path}.{field.name}" if path else field.name
        if field.name not in data:
            if field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING:
                raise SchemaError(where, name, "is missing")
            continue
        value = _value(hints[field.name], data[field.name], where, name)
        rule = field.metadata.get("check")
        problem = rule(value) if rule else None
        if problem:
            raise SchemaError(where, name, problem)
        values[field.name] = value
    record = cls(**values)
    validate = getattr(record, "validate", None)
    problem_at = validate() if validate is not None else None
    if problem_at:
        inner, what = problem_at
        raise SchemaError(where, f"{path}.{inner}" if path else inner, what)
    return record


def non_negative() -> dict[str, Any]:
    """Field metadata: a number that must be at least 0 (offsets, counts)."""
    return check(lambda value: f"must be at least 0, not {shown(value)}" if value is not None and value < 0 else None)


def at_least(low: int) -> dict[str, Any]:
    """Field metadata: a number that must be at least `low`."""
    return check(lambda value: f"must be at least {low}, not {shown(value)}" if value is not None and value < low else None)


@functools.lru_cache(maxsize=None)
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _value(hint: Any, value: Any, where: str, name: str) -> Any:
    """The value, converted where the annotation asks (tuples, dataclasses), or SchemaError."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint is Any:
        return value
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        options = [a for a in args if a is not type(None)]
        if len(options) == 1:
            return _value(options[0], value, where, name)
        for option in options:
            try:
                return _value(option, value, where, name)
            except SchemaError:
                continue
        raise SchemaError(where, name, f"has the wrong type ({_kind(value)})")
    if origin is typing.Literal:
        if isinstance(value, (str, int)) and not isinstance(value, bool) and value in args:
            return value
        raise SchemaError(where, name, f"must be one of {', '.join(map(repr, args))}, not {_kind(value)}")
    if dataclasses.is_dataclass(hint):
        return from_dict(hint, value, where, name)
    if origin in (list, tuple):
        if not isinstance(value, list):
            raise SchemaError(where, name, f"must be a list, not {_kind(value)}")
        items = [_value(args[0] if args else Any, item, where, f"{name}[{i}]") for i, item in enumerate(value)]
        return tuple(items) if origin is tuple else items
    if origin is dict:
        if not isinstance(value, dict):
            raise SchemaError(where, name, f"must be an object, not {_kind(value)}")
        return {k: _value(args[1] if args else Any, v, where, f"{name}.{k}") for k, v in value.items()}
    if hint is bool:
        if not isinstance(value, bool):
            raise SchemaError(where, name, f"must be true or false, not {_kind(value)}")
        return value
    if hint is int:
        if not isinstance(value, int) or isinstance(value, bool):
            raise SchemaError(where, name, f"must be a whole number, not {_kind(value)}")
        return value
    if hint is float:
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            raise SchemaError(where, name, f"must be a number, not {_kind(value)}")
        try:
            number = float(value)
        except OverflowError:
            number = math.inf
        if not math.isfinite(number):
            raise SchemaError(where, name, f"must be a finite number, not {_kind(value)}")
        return number
    if hint is str:
        if not isinstance(value, str):
            raise SchemaError(where, name, f"must be text, not {_kind(value)}")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise SchemaError(where, name, "holds an invalid character (an unpaired surrogate)") from None
        return value
    raise TypeError(f"schema: unsupported annotation {hint!r}")  # a bug in a schema, not in the data


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    names = {bool: "true/false", int: "a number", float: "a number", str: "text", list: "a list", dict: "an object"}
    return f"{names.get(type(value), type(value).__name__)} ({shown(value)})"


def shown(value: Any, width: int = 20) -> str:
    """A value as a short, escaped repr for a one-line message (untrusted text stays inert)."""
    text = repr(value)
    return text if len(text) <= width else text[: width - 3] + "..."
