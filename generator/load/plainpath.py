"""The JSONPath queries most overlays use, evaluated without the JSONPath library: a root followed by member names
and array indexes (`$.paths['/v1/models'].get`, `$.tags[0]`). They select at most one node, and need none of the
library's machinery; importing the library alone would cost a build 60 ms. Anything else (wildcards, filters,
slices, descendants, whitespace) is the library's.

Results are RFC 9535's: a name selects an object's member, an index an array's element (negative from the end),
anything else selects nothing; a node's path is its normalized path. tests/test_load.py compares both on every
plain path of the overlays it has and on generated ones.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Optional

# Member names without escapes, and indexes as RFC 9535 writes them (no leading zeros, no -0).
_STEP = re.compile(r"\.([A-Za-z_][A-Za-z0-9_]*)|\['([^'\\]*)'\]|\[\"([^\"\\]*)\"\]|\[(0|-?[1-9][0-9]*)\]")
_ESCAPES = {"\\": "\\\\", "'": "\\'", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
# RFC 9535 caps indexes at the I-JSON range.
_MAX_INDEX = 2**53 - 1


@dataclass(frozen=True)
class PlainNode:
    value: Any
    location: tuple[str | int, ...]
    parent: Optional["PlainNode"]

    def path(self) -> str:
        return "$" + "".join(f"[{step}]" if isinstance(step, int) else f"['{_escape(step)}']" for step in self.location)


@dataclass(frozen=True)
class PlainPath:
    steps: tuple[str | int, ...]

    @classmethod
    def parse(cls, text: str) -> Optional["PlainPath"]:
        """The path when `text` is plain, else None."""
        if not text.startswith("$"):
            return None
        steps: list[str | int] = []
        position = 1
        while position < len(text):
            match = _STEP.match(text, position)
            if match is None:
                return None
            name, single, double, index = match.groups()
            if index is not None:
                if abs(int(index)) > _MAX_INDEX:
                    return None
                steps.append(int(index))
            else:
                found = name if name is not None else single if single is not None else double
                if any(ord(ch) < 0x20 for ch in found):  # must be escaped in a JSONPath string
                    return None
                steps.append(found)
            position = match.end()
        return cls(tuple(steps))

    def select(self, document: Any) -> list[PlainNode]:
        node = PlainNode(document, (), None)
        for step in self.steps:
            value = node.value
            if isinstance(step, str):
                if not isinstance(value, dict) or step not in value:
                    return []
                node = PlainNode(value[step], (*node.location, step), node)
            else:
                if not isinstance(value, list) or not -len(value) <= step < len(value):
                    return []
                index = step % len(value)
                node = PlainNode(value[index], (*node.location, index), node)
        return [node]


def _escape(name: str) -> str:
    return "".join(_ESCAPES.get(ch) or (f"\\u{ord(ch):04x}" if ord(ch) < 0x20 else ch) for ch in name)
