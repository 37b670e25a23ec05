"""Validate a YAML list of records with pydantic, reporting each problem at its line."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from corpus.models import Problem
from corpus.yamlnodes import YamlSyntaxError, line_of, mapping_keys, parse

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Item(Generic[M]):
    """One validated record with the lines of its item and of each field's value."""

    record: M
    line: int
    field_lines: dict[str, int]

    def line_for(self, field: str) -> int:
        return self.field_lines.get(field, self.line)


def validate_list(
    file: str, text: str, model: type[M], what: str
) -> tuple[list[Item[M]], list[Problem]]:
    """Parse `text` as a YAML list of `what` records and validate each against `model`."""
    try:
        located = parse(text)
    except YamlSyntaxError as exc:
        return [], [Problem(file, exc.line, exc.reason)]
    if located.value is None:
        return [], []
    if not isinstance(located.value, list) or not isinstance(located.node, yaml.SequenceNode):
        return [], [
            Problem(file, located.line, f"expected a list of {what}s, each starting with '- '")
        ]
    items: list[Item[M]] = []
    problems: list[Problem] = []
    for raw, node in zip(located.value, located.node.value, strict=True):
        item_line = line_of(node)
        if not isinstance(raw, dict):
            problems.append(
                Problem(file, item_line, f"each {what} must be a set of 'field: value' lines")
            )
            continue
        keys = mapping_keys(node)
        field_lines = {key: lines[0][1] for key, lines in keys.items()}
        repeated = [(key, lines[1][0]) for key, lines in keys.items() if len(lines) > 1]
        problems += [
            Problem(file, line, f"field {key!r} appears twice in one {what}")
            for key, line in repeated
        ]
        try:
            record = model.model_validate(raw)
        except ValidationError as exc:
            problems += [
                _problem(file, item_line, field_lines, err, model, what) for err in exc.errors()
            ]
            continue
        if not repeated:
            items.append(Item(record, item_line, field_lines))
    return items, problems


def _problem(
    file: str, item_line: int, field_lines: dict[str, int], err, model, what: str
) -> Problem:
    field = str(err["loc"][0]) if err["loc"] else ""
    kind = err["type"]
    if kind == "missing":
        return Problem(file, item_line, f"{what} is missing the field {field!r}")
    if kind == "extra_forbidden":
        known = ", ".join(model.model_fields)
        return Problem(
            file, field_lines.get(field, item_line), f"unknown field {field!r} (known: {known})"
        )
    value = err.get("input")
    if kind == "string_too_short":
        reason = f"field {field!r} is empty"
    elif kind == "string_type":
        reason = (
            f"field {field!r} must be text, not {type(value).__name__} {value!r}; put it in quotes"
        )
    else:
        reason = f"field {field!r}: {err['msg']}"
    return Problem(file, field_lines.get(field, item_line), reason)
