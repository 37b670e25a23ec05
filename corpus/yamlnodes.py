"""YAML parsing that keeps line numbers, so every problem can point at the line to fix."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml


@dataclass(frozen=True)
class Located:
    """A parsed YAML value with the 1-based line where it starts."""

    value: Any
    line: int
    node: yaml.Node | None = None


class YamlSyntaxError(Exception):
    """The text is not valid YAML; `line` is the parser's 1-based line."""

    def __init__(self, line: int, reason: str) -> None:
        self.line = line
        self.reason = reason
        super().__init__(f"line {line}: {reason}")


def parse(text: str, first_line: int = 1) -> Located:
    """Parse one YAML document, returning its value and root node (lines offset by first_line)."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        value = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line if mark else 0) + first_line
        raise YamlSyntaxError(line, f"invalid YAML: {exc.problem or exc.context}") from exc
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(first_line, f"invalid YAML: {exc}") from exc
    finally:
        loader.dispose()
    line = node.start_mark.line + first_line if node is not None else first_line
    return Located(value, line, node)


def line_of(node: yaml.Node, first_line: int = 1) -> int:
    """The 1-based line a node starts on."""
    return node.start_mark.line + first_line


def mapping_keys(node: yaml.Node, first_line: int = 1) -> dict[str, list[tuple[int, int]]]:
    """For a mapping node: each key -> [(key line, value line), ...] (a list, to spot repeats)."""
    found: dict[str, list[tuple[int, int]]] = {}
    if not isinstance(node, yaml.MappingNode):
        return found
    for key_node, value_node in node.value:
        key = str(key_node.value)
        found.setdefault(key, []).append(
            (line_of(key_node, first_line), line_of(value_node, first_line))
        )
    return found
