"""The changes as Markdown (ready for a pull-request description) or JSON."""

from __future__ import annotations

import json
from dataclasses import asdict

from .compare import Change, code_span

# More "other changes" than this fold into a <details> block, so that the breaking ones stay in view.
FOLD_OVER = 30


def markdown(changes: list[Change], old: str, new: str) -> str:
    breaking = [c for c in changes if c.breaking]
    other = [c for c in changes if not c.breaking]
    lines = ["## SDK changes", ""]
    if not changes:
        lines.append(f"{code_span(old)} → {code_span(new)}: no change to the SDK surface.")
        return "\n".join(lines) + "\n"
    lines.append(
        f"{code_span(old)} → {code_span(new)}: **{_count(len(breaking), 'breaking change')}**, {_count(len(other), 'other change')}."
    )
    if breaking:
        lines += ["", f"### Breaking changes ({len(breaking)})", ""]
        lines += [f"- {_sentence(c.detail)}" for c in breaking]
    if other:
        lines += ["", f"### Other changes ({len(other)})", ""]
        items = [f"- {_sentence(c.detail)}" for c in other]
        if len(other) > FOLD_OVER:
            lines += ["<details><summary>Show all</summary>", "", *items, "", "</details>"]
        else:
            lines += items
    return "\n".join(lines) + "\n"


def as_json(changes: list[Change], old: str, new: str) -> str:
    data = {
        "old": old,
        "new": new,
        "breaking": sum(1 for c in changes if c.breaking),
        "other": sum(1 for c in changes if not c.breaking),
        "changes": [asdict(c) for c in changes],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _sentence(detail: str) -> str:
    return detail[0].upper() + detail[1:] if detail and detail[0].isalpha() else detail
