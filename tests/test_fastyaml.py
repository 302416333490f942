"""fastyaml, read.py's fast way of reading YAML, against its pyyaml way.

For any text, fastyaml must either give exactly what the pyyaml way gives — the same data to the type of every scalar
and the order of every mapping, the same duplicate keys with the same lines — or raise Unsupported, and then pyyaml
reads the text as before. Checked on every YAML document at hand, on hand-written edge cases, on random data dumped
by pyyaml in many styles and on random edits of valid documents; and fastyaml must actually read the large real
documents, or it saves nothing.
"""

from __future__ import annotations

import inspect
import math
import random
import sys
import time
from pathlib import Path
from typing import Any, Iterator
from unittest import mock

import pytest
import yaml
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from generator.load import fastyaml
from generator.load import read as R
from generator.problems import BuildError, Problem

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"  # ../shared beside the clone, when there is one

# ------------------------------------------------------------------------------------------------------- helpers


def same(a: Any, b: Any) -> bool:
    """Equal, with equal types all the way down (`1 == 1.0 == True` in Python) and mappings in the same order."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[key], b[key]) for key in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return bool(a == b)


def slow(text: str) -> tuple[Any, list[tuple[dict[str, Any], str, int]]] | str:
    """What read.py's pyyaml way makes of the text: data and duplicates, or the error message."""

    def fail(message: str) -> BuildError:
        return BuildError([Problem("t", "", message)])

    with mock.patch.object(fastyaml, "parse", side_effect=fastyaml.Unsupported):
        try:
            return R._parse_yaml(text, fail)
        except BuildError as exc:
            return exc.problems[0].message
        except Exception as exc:  # pyyaml's constructors raise a few plain errors (`0b_`)
            return f"{type(exc).__name__}: {exc}"


def agrees(text: str) -> bool:
    """fastyaml gives what pyyaml gives, or refuses: True when it read the text."""
    try:
        data, duplicates = fastyaml.parse(text)
    except fastyaml.Unsupported:
        return False
    expected = slow(text)
    assert not isinstance(expected, str), f"pyyaml refuses what fastyaml reads: {expected}"
    expected_data, expected_duplicates = expected
    assert same(data, expected_data), (data, expected_data)
    assert [(key, line) for _, key, line in duplicates] == [(key, line) for _, key, line in expected_duplicates]
    # the mappings named are the ones at the same places
    assert R._locate_duplicates(data, duplicates) == R._locate_duplicates(expected_data, expected_duplicates)
    return True


def yaml_files() -> Iterator[Path]:
    folders = [ROOT / "specs", ROOT / "tests", SHARED / "corpus", SHARED / "specs"]
    for folder in folders:
        if folder.is_dir():
            yield from sorted(p for p in folder.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())


def text_of(path: Path) -> str:
    return path.read_bytes().decode("utf-8-sig")  # as read.py decodes


# --------------------------------------------------------------------------------------------- documents at hand


@pytest.mark.parametrize("path", list(yaml_files()), ids=lambda p: str(p).replace(str(ROOT.parent), ""))
def test_documents_at_hand(path: Path) -> None:
    agrees(text_of(path))


# What makes fastyaml worth having: the large real documents take the fast way.
REAL = [
    ROOT / "tests" / "corpus" / "documents" / "twilio-api-v2010.yaml",
    ROOT / "tests" / "corpus" / "documents" / "resend-openapi.yaml",
    ROOT / "tests" / "data" / "mistral-2026-07.openapi.yaml",
    ROOT / "specs" / "mistral" / "openapi.yaml",
]


@pytest.mark.parametrize("path", REAL, ids=lambda p: p.name)
def test_real_documents_take_the_fast_way(path: Path) -> None:
    assert agrees(text_of(path))


def read(path: Path, fast: bool) -> Any:
    """read()'s data, or its error message; with the fast way or pyyaml's only."""
    try:
        if fast:
            return R.read(path, path.name)
        with mock.patch.object(fastyaml, "parse", side_effect=fastyaml.Unsupported):
            return R.read(path, path.name)
    except BuildError as exc:
        return exc.problems[0].message


def test_read_takes_the_fast_way_with_the_same_result(tmp_path: Path) -> None:
    """read() end to end, BOM, CRLF and duplicate-key warnings included."""
    text = "\ufeffopenapi: 3.1.0\r\ninfo:\r\n  title: x\r\n  title: y\r\npaths: {}\r\npaths: {a: 1, a: 2}\r\n"
    path = tmp_path / "spec.yaml"
    path.write_bytes(text.encode("utf-8"))
    fast, expected = read(path, True), read(path, False)
    assert same(fast.data, expected.data)
    assert fast.warnings == expected.warnings
    assert [w.message for w in fast.warnings] == [
        "duplicate key 'title' (line 4); the last value is used",
        "duplicate key 'paths' (line 6); the last value is used",
        "duplicate key 'a' (line 6); the last value is used",
    ]
    assert fastyaml.parse(text[1:])  # as read() hands it over: the fast way is taken


@pytest.mark.parametrize("levels", [40, 90, 300])
def test_deep_documents_read_or_refused_as_before(tmp_path: Path, levels: int) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text("".join("  " * level + f"k{level}:\n" for level in range(levels)) + "  " * levels + "x: 1\n")
    assert same(read(path, True), read(path, False))
    if levels > R.MAX_DEPTH:
        assert read(path, True) == f"document is nested more than {R.MAX_DEPTH} levels deep"


# ------------------------------------------------------------------------------------------- hand-written cases

LONG_KEY = "k" * 150  # pyyaml writes a key of over 128 characters as `? key`

TAKEN = {
    "trailing comments": "a: 1 # one\nb: x #two\nc:   # three\n  d: 1\n",
    "comment lines anywhere": "# top\na:\n  # in\n    # deeper\n  b: 1\n# out\nc: 2\n",
    "key:value is text": "- key:value\n- a: key:value\n",
    "colons inside text": "key: value:with:colons\nurl: https://example.com/a?b=c#d\n",
    "single quotes": "a: 'it''s'\nb: ''\nc: ''''\n'quoted key' : 1\n",
    "double quotes": 'a: "a\\tb\\u00e9\\x41\\U0001F600\\/\\\\\\"\\0\\N\\_\\L\\P\\e\\ "\nb: ""\n"k\\n": 1\n',
    "nested sequences": "- - nested\n  - two\n  - - three\n- x\n",
    "extra spaces after dash": "-  two spaces\n-   key: v\n    k2: v2\n-    - a\n     - b\n",
    "empty values": "a:\nb: \nc: ~\nd: null\ne: ''\nf:\n  # nothing\ng: Null\n",
    "empty entries": "- \n-\n- b\n-\n",
    "literal keep": "a: |+\n  keep\n\n\nb: 1\n",
    "literal keep at the end": "a: |+\n  keep\n\n",
    "literal clip": "a: |\n  x\n   y\n\n  z\n\n\nb: 1\n",
    "literal strip": "a: |-\n\n  leading blank\n  trailing\n\n",
    "folded strip": "a: >-\n  folded\n  text\n\n  para\n",
    "folded more indented": "a: >\n  one\n    indented\n  two\n\n  three\n   four\n  five\n",
    "folded keep": "a: >+\n  x\n\n",
    "indentation indicator": "a: |2\n    two extra\n   one\nb: >1-\n   x\n  y\n",
    "indicators the other way": "a: |-2\n    x\n",
    "block header comment": "a: | # why\n  x\n",
    "block lines of spaces": "a: |\n  x\n     \n  y\n   \n",
    "block at the end of the text": "a: |\n  x",
    "empty block": "a: |\nb: >+\n\nc: 1\n",
    "plain at the end of the text": "a: b",
    "multi-line plain": "a: one\n  two\n\n  three\n\n\n  four\nb: x\n",
    "multi-line plain in a sequence": "- one\n  two\n-   three\n    - four\n- k:\n  - a\n    b\n",
    "multi-line single quotes": "a: 'one\n  two\n\n  three  '\nb: 'x \n\n\n   y'\n",
    "multi-line double quotes": 'a: "one \\\n  two\\\n\n  three"\nb: "x\\t \n  y  "\nc: "\n  z"\n',
    "crlf": "a: 1\r\nb:\r\n  - x\r\n  - 'y\r\n    z'\r\nc: |\r\n  l1\r\n  l2\r\n",
    "leading ---": "---\na: 1\n",
    "leading --- after comments": "# c\n\n--- # doc\na: 1\n",
    "flow sequences": "a: [a, b]\nb: [string, 'null']\nc: [1, 2.5, true, ~, '', \"x y\"]\nd: [-1, +2, .5]\n",
    "flow mappings": "a: {a: 1}\nb: {$ref: '#/components/schemas/X'}\nc: {'k': v, \"q\": [x]}\nd: {a: {b: [c, {d: e}]}}\n",
    "empty flow": "a: []\nb: {}\nc: [ ]\nd: { }\ne: [] # c\n",
    "flow in sequences": "- {}\n- [a]\n- {a: b}\n",
    "hash inside scalars": "a: a#b\nb: 'x # y'\nc: \"#\"\nd: x#\ne#f: 1\n",
    "colon at the end of quoted text": "a: 'x:'\nb: \"y:\"\n",
    "unicode": "ключ: значение\n中文: 1\némoji: 😀\nnbsp: a\xa0b\n",
    "null-like keys keep their spelling": "null: 1\n~: 2\n'': 3\nNULL: 4\n\"~\": 5\n",
    "number-like keys keep their spelling": "200: a\n1.5: b\n0x1f: c\nyes: d\n1_000: e\n2020-01-01: f\n",
    "ints": "a: 0x1f\nb: 0o17\nc: 017\nd: 1_000\ne: +1\nf: -0\ng: 1:30\nh: 0b101\ni: 190:20:30\nj: 0\n",
    "floats": "a: 1e3\nb: 1.0e+3\nc: .inf\nd: -.Inf\ne: .nan\nf: 1.\ng: 6.8523015e+5\nh: 685.230_15e+03\ni: +.5\nj: 1:30.5\n",
    "bools": "a: yes\nb: No\nc: on\nd: OFF\ne: y\nf: n\ng: True\nh: tRue\ni: FALSE\n",
    "text that is not a number": "a: 2020-01-01\nb: =\nc: 1.2.3\nd: '1'\ne: 0x\nf: --\n",
    "duplicates at several depths": (
        "a: 1\na: 2\nb:\n  c: 1\n  c: 2\n  d:\n  - e: 1\n    e: 2\n    f: {g: 1, g: 2}\n  c: 3\nb: {}\n"
    ),
    "duplicate replacing a mapping with duplicates": "a:\n  x: 1\n  x: 2\na:\n  y: 1\n  y: 2\n",
    "explicit long key": f"? {LONG_KEY}\n: v\n? '{LONG_KEY}'\n: - a\n  - b\nx:\n  ? {LONG_KEY}\n  : k: 1\n    j: 2\n",
    "explicit key, value below": f"? {LONG_KEY}\n:\n  a: 1\n",
    "indentless sequence": "a:\n- 1\n- 2\nb: 3\nc:\n- - x\n- k: v\n  l: w\n",
    "value below its key": "a:\n  text here\n  more\nb:\n    'q'\nc:\n  [x]\n",
    "spaces around the colon": "key:    spaced\nk2 : v\n'k3'   : v\n",
    "root sequence": "- a\n- b\n",
    "indented root": "  a: 1\n  b:\n  - 2\n",
    "dashes": "a: -x\nb: --\nc: -1\nd: '-'\n-e: 1\n",
    "blank lines with spaces": "a: 1\n   \n\nb: 2\n   ",
    "quotes inside plain text": "a: it's\nb: say \"hi\"\nc: a 'b' c\n",
    "trailing spaces": "a: x  \nb: 'y'   \nc:   \n",
    "quoted then comment": "a: 'x'   # c\nb: \"y\" #c\n",
    "merge-like text": "a: '<<'\n'<<': 1\n",
    "brackets inside block text": "a: x[0] {y} ,z\nb[0]: 1\n",
    "indicator characters inside text": "a: x & y * z ! w | v > u % t @ s ` r\n",
}

LEFT = {
    "anchor and alias": "a: &x 1\nb: *x\n",
    "tag": "a: !!str 1\n",
    "local tag": "a: !t x\n",
    "complex key": "? [a]\n: b\n",
    "explicit key without value": "? a\n",
    "directive": "%YAML 1.1\n---\na: 1\n",
    "second document": "a: 1\n---\nb: 2\n",
    "document end": "a: 1\n...\n",
    "tab": "a:\tb\n",
    "tab indentation": "a:\n\t- b\n",
    "flow over lines": "a: [a,\n  b]\n",
    "merge key": "<<: {a: 1}\nb: 2\n",
    "merge key written out": "? <<\n: {a: 1}\n",
    "merge as a value": "a: <<\n",
    "mapping in a value": "a: b: c\n",
    "colon at the end of plain text": "a: b:\n",
    "sequence in a value": "a: - b\n",
    "sequence then key": "- a\nb: c\n",
    "bad indentation": "a: 1\n  b: 2\n",
    "unknown escape": 'a: "\\q"\n',
    "unknown escape in a key": '"\\q": 1\n',
    "escaped single quote in double quotes": 'a: "\\\'"\n',
    "surrogate escape": 'a: "\\ud800"\n',
    "unterminated quotes": "a: 'unterminated\n",
    "unterminated at the end": "a: '''",
    "reserved indicator": "a: @x\n",
    "backquote": "a: `x\n",
    "bad binary int": "a: 0b_\n",
    "NEL": "a: b\x85c\n",
    "line separator": "a: b\u2028c\n",
    "lone CR": "a: b\rc: d\n",
    "control character": "a: b\x01\n",
    "BOM inside": "a: \ufeffb\n",
    "lone surrogate": "a: \ud800\n",
    "zero indentation indicator": "a: |0\n x\n",
    "root scalar": "x\n",
    "root flow": "[a, b]\n",
    "empty document": "# nothing\n",
    "text after quotes": "a: 'x' y\n",
    "text after flow": "a: [a] b\n",
    "comment then more text": "a: 1 #c\n  more\n",
    "flow trailing comma": "a: [a, ]\n",
    "flow pair": "a: [a: b]\n",
    "hash in flow text": "a: [a#b]\n",
    "question mark": "a: ?x\n",
    "long simple key": "k" * 300 + ": v\n",
    "deep": "".join(" " * level + "a:\n" for level in range(120)) + " " * 120 + "b: 1\n",
    "quoted text less indented": "a:\n  b: 'x\n  y'\n",
}


@pytest.mark.parametrize("text", list(TAKEN.values()), ids=list(TAKEN))
def test_edge_cases_read(text: str) -> None:
    assert agrees(text)


@pytest.mark.parametrize("text", list(LEFT.values()), ids=list(LEFT))
def test_edge_cases_left_to_pyyaml(text: str) -> None:
    with pytest.raises(fastyaml.Unsupported):
        fastyaml.parse(text)


def test_deep_stack_of_the_caller() -> None:
    """Nesting is bounded, but a caller deep in its own stack may leave too little of it: pyyaml reads it then."""
    depth = len(inspect.stack())
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(depth + 40)
    try:
        with pytest.raises(fastyaml.Unsupported):
            fastyaml.parse("".join("  " * level + "k:\n" for level in range(30)) + "  " * 30 + "x: 1\n")
    finally:
        sys.setrecursionlimit(limit)


# ------------------------------------------------------------------------------------------------ random data

WORDS = [
    *"yes No null ~ 1e3 1.0e+3 0x1f 1_000 .inf -.INF .nan 2020-01-01 = << 1:30 0o17 017 +1 - --- ... 0b101".split(),
    *"on Off y n true FALSE 0 -0 1. ._ 0b_ 12:60 190:20:30 0. +.5 a#b it's x: :x %x @x `x &a *a !t | > - ? [a] {a}".split(),
    "",
    " ",
    "a: b",
    "a #b",
    '"q"',
    "- x",
    "? x",
    "é",
    "中文",
    "\xa0",
    "\t",
    "\n",
    "a\nb",
    "a\n\nb",
    " lead",
    "trail ",
    "\\",
]
TRICKY = list(" :#'\"-?[]{},&*!|>%@`\n\\ab01.xyé中\xa0~_=<")
texts = st.one_of(
    st.sampled_from(WORDS),
    st.text(st.sampled_from(TRICKY), max_size=30),
    st.text(max_size=20),
    st.lists(st.sampled_from([*WORDS, "word", "Some", "text."]), max_size=40).map(" ".join),
)
scalars = st.one_of(texts, st.integers(), st.floats(), st.booleans(), st.none())
trees = st.recursive(scalars, lambda inner: st.lists(inner, max_size=5) | st.dictionaries(texts, inner, max_size=5))


def dump(data: Any, style: str | None, **options: Any) -> str:
    """pyyaml's text for data; `|` and `>` make every string a block scalar where pyyaml can."""
    if style not in ("|", ">"):
        return yaml.safe_dump(data, default_style=style, sort_keys=False, **options)

    class Dumper(yaml.SafeDumper):
        pass

    Dumper.add_representer(
        str, lambda dumper, text: dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)
    )
    return yaml.dump(data, Dumper=Dumper, sort_keys=False, **options)


@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    data=trees,
    flow=st.sampled_from([False, None]),
    style=st.sampled_from([None, '"', "'", "|", ">"]),
    width=st.sampled_from([10, 20, 80, 1000]),
    unicode=st.booleans(),
    indent=st.sampled_from([2, 4]),
)
def test_dumped_data(data: Any, flow: bool | None, style: str | None, width: int, unicode: bool, indent: int) -> None:
    text = dump(data, style, default_flow_style=flow, width=width, allow_unicode=unicode, indent=indent)
    note(text)
    agrees(text)


SEEDS = [
    TAKEN["multi-line plain"]
    + TAKEN["multi-line double quotes"]
    + TAKEN["folded more indented"].replace("a:", "f:")
    + TAKEN["flow mappings"].replace("a:", "m:").replace("b:", "n:"),
    "openapi: 3.1.0\ninfo:\n  title: x   # comment\n  description: Some long text that goes\n    on and on\n\n"
    "    after blank\n  # a comment\npaths:\n  /a/{id}:\n    get:\n      parameters:\n      - name: id\n"
    "        in: path\n        schema: {type: string, enum: [a, \"b\", 'c']}\n      - - nested\n        - 2\n"
    "      responses:\n        '200':\n          description: |\n            literal\n              more\n"
    "          x: >-\n            folded\n\n            para\n        default: 'single\n          ''quoted'''\n"
    f"tags: []\n? {LONG_KEY}\n: - a\n  - b\nyes: no\n200: 1e3\n",
    TAKEN["nested sequences"] + TAKEN["indentless sequence"].replace("a:", "- a:").replace("\n", "\n  "),
]


@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    seed=st.sampled_from(SEEDS),
    edits=st.lists(
        st.tuples(
            st.sampled_from(["insert", "delete", "repeat line", "indent", "dedent"]),
            st.integers(0, 10**6),
            st.sampled_from([*TRICKY, "\t", "\r"]),
        ),
        min_size=1,
        max_size=4,
    ),
)
def test_edited_documents(seed: str, edits: list[tuple[str, int, str]]) -> None:
    """Small edits of valid documents: mostly invalid YAML, or valid YAML of another meaning; fastyaml must not
    read anything pyyaml refuses, nor read it otherwise."""
    text = seed
    for edit, where, character in edits:
        at = where % (len(text) + 1)
        lines = text.split("\n")
        line = where % len(lines)
        if edit == "insert":
            text = text[:at] + character + text[at:]
        elif edit == "delete":
            text = text[:at] + text[at + 1 :]
        elif edit == "repeat line":
            text = "\n".join(lines[: line + 1] + lines[line:])
        elif edit == "indent":
            text = "\n".join(lines[:line] + [" " + lines[line]] + lines[line + 1 :])
        else:
            text = "\n".join(lines[:line] + [lines[line].removeprefix(" ")] + lines[line + 1 :])
    note(repr(text))
    agrees(text)


def test_seeds_are_read() -> None:
    assert all(agrees(seed) for seed in SEEDS)


def spec_like(rng: random.Random, depth: int = 0) -> Any:
    """Data shaped like an OpenAPI document's: names, paths, codes, sentences, numbers, flags, nesting."""
    words = "the a user id of to is and for in name type string object array value list create get".split()
    kind = rng.random()
    if depth < 4 and kind < 0.35:
        keys = [
            rng.choice(["type", "description", "$ref", "x-name", "/v1/items/{id}", "200", "default", "in", "enum"])
            + str(rng.randrange(3))
            for _ in range(rng.randrange(1, 6))
        ]
        return {key: spec_like(rng, depth + 1) for key in keys}
    if depth < 4 and kind < 0.5:
        return [spec_like(rng, depth + 1) for _ in range(rng.randrange(0, 4))]
    if kind < 0.6:
        return rng.choice([rng.randrange(-1000, 100000), rng.random() * 100, True, False, None])
    sentence = " ".join(rng.choice(words) for _ in range(rng.randrange(1, 40)))
    punctuation = rng.choice(["", ".", " (see `x`).", ", e.g. a-b.", ": not at the end", " #1", " 'q'", "#/components"])
    return sentence.capitalize() + punctuation


def test_take_rate_on_plain_dumps() -> None:
    """Block-style dumps of spec-like data are all in the subset. (Flow style is not: pyyaml wraps long flow
    collections over several lines.)"""
    rng = random.Random(7)
    results = []
    for _ in range(300):
        data = {"openapi": "3.1.0", "paths": spec_like(rng)}
        options = {"width": rng.choice([20, 80, 1000]), "indent": rng.choice([2, 4])}
        results.append(agrees(dump(data, None, default_flow_style=False, **options)))
    assert all(results)


# --------------------------------------------------------------------------------------------- hostile input

HOSTILE = {
    "long text": "a: " + "b" * 100_000,
    "long text with a late mapping": "a: " + "b " * 50_000 + ": c",
    "long key with a late comment": "a" + " a" * 50_000 + " #: b",
    "spaces before a hash": "a" + " " * 100_000 + "#: b",
    "quotes": "'" * 100_001,
    "quoted key pairs": "a: '" + "''" * 50_000 + "' x",
    "backslashes": 'a: "' + "\\\\" * 50_000 + '" x',
    "colons": "a: " + "x:" * 50_000,
    "flow nesting": "a: " + "[" * 50_000,
    "flow items": "a: [" + "a, " * 50_000,
    "entry nesting": "- " * 50_000 + "a",
    "indentation": "".join(" " * level + "a:\n" for level in range(2_000)),
    "many keys": "a: b\n" * 100_000,
    "many blank lines": "a:" + "\n" * 100_000 + "  b: 1\n",
    "long explicit key": "? " + "a" * 100_000 + "\n: b\n",
    "block scalar lines": "a: >\n" + "  x\n   y\n\n" * 30_000,
    "continuation lines": "a: x\n" + "  y\n" * 100_000,
}


@pytest.mark.parametrize("text", list(HOSTILE.values()), ids=list(HOSTILE))
def test_hostile_input_costs_linear_time(text: str) -> None:
    started = time.perf_counter()
    try:
        fastyaml.parse(text)
    except fastyaml.Unsupported:
        pass
    assert time.perf_counter() - started < 5  # linear is well under a second; quadratic would be minutes
