"""A synthetic multi-file spec, and how long gen takes to load and build it (issue 14, item 9).

Real multi-file descriptions spread a few hundred YAML files over nested folders and tie them together with tens of
thousands of relative `$ref`s (`../schemas/x.yaml#/Foo`, `./y.yaml`); loading one of ~22,000 references once took
8.7 s. `generate()` writes such a document, deterministically, so that every run and the tests see the same files:

- `openapi.yaml`, the root: one path item reference per path file, and named references to the single-schema files;
- `paths/<area>/<resource>.yaml`: one path item each (inlined by gen), whose operations reference shared parameters,
  shared responses and schemas;
- `parameters/<area>.yaml` and `responses/common.yaml`: collections of objects (inlined), which reference schemas;
- `schemas/<area>/<group>.yaml`: several schemas per file (`#/Name`), and `schemas/<area>/single/<name>.yaml`: one
  schema per file (`./name.yaml`). Every schema references the next one (so all are reachable) and others at random:
  across areas, within a folder, and now and then through a roundabout path such as `../area/../area/x.yaml`.
  Schema names repeat between areas, as they do in real multi-file APIs (every folder has its `Status`).

Standalone: `python -m bench.multifile [--runs N] [--files N] [--refs N] [--keep DIR]` prints the median wall
time of `generator.load.load()` (each run a fresh process: imports excluded, interpreter caches cold) and of the
whole `gen build` (cold: empty out folder and cache). Target (issue 14): load ≤ 2 s for 500 files and 20,000
cross-file references.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

LOAD_S = 2.0  # the target: load() of the default document, wall seconds
FILES = 500
REFS = 20_000

_AREAS = ("billing", "compute/instances", "compute/volumes", "network", "network/dns", "identity", "storage",
          "storage/objects", "monitoring", "support")  # fmt: skip
_NOUNS = ("Status", "Meta", "Item", "Link", "Owner", "Price", "Quota", "Event", "Region", "Label", "Token", "Limit",
          "Plan", "Usage", "Policy", "Member", "Record", "Window", "Target", "Rule")  # fmt: skip
_METHODS = ("get", "post", "put", "delete")


def _yaml(data: Any) -> str:
    # JSON is YAML; written by hand rather than with pyyaml so the generator needs nothing, and stays fast
    return json.dumps(data, indent=1) + "\n"


class _Doc:
    def __init__(self, files: int, refs: int, seed: int) -> None:
        self.rng = random.Random(seed)
        self.files: dict[str, Any] = {}  # relative posix path -> data
        self.refs = 0
        self.budget = refs
        n_paths = max(2, files * 12 // 100)
        n_params = len(_AREAS) if files >= 100 else 2
        n_schema_files = files - 1 - n_paths - n_params - 1
        n_single = n_schema_files * 3 // 10
        self.schemas: list[tuple[str, str | None]] = []  # (file, name in file or None for a whole-file schema)
        areas = _AREAS if files >= 100 else _AREAS[:2]
        self.areas = areas
        for i in range(n_schema_files - n_single):
            area = areas[i % len(areas)]
            path = f"schemas/{area}/group{i // len(areas)}.yaml"
            names = [f"{self.rng.choice(_NOUNS)}{j}" for j in range(4)]
            self.files[path] = {}
            self.schemas += [(path, name) for name in names]
        for i in range(n_single):
            area = areas[i % len(areas)]
            path = f"schemas/{area}/single/{self.rng.choice(_NOUNS).lower()}_{i}.yaml"
            self.files[path] = None
            self.schemas.append((path, None))
        self.params = [f"parameters/{areas[i % len(areas)].replace('/', '_')}_{i}.yaml" for i in range(n_params)]
        self.paths = [f"paths/{areas[i % len(areas)]}/resource{i}.yaml" for i in range(n_paths)]

    def ref(self, here: str, target: str, name: str | None) -> dict[str, str]:
        """A reference from file `here` to `target`, relative, as people write them."""
        self.refs += 1
        relative = os.path.relpath(target, os.path.dirname(here) or ".").replace(os.sep, "/")
        roll = self.rng.random()
        if "/" not in relative and roll < 0.5:
            relative = "./" + relative
        elif roll < 0.02 and "/" in target:  # a roundabout spelling of the same file
            folder = os.path.dirname(target)
            relative = os.path.relpath(folder, os.path.dirname(here) or ".") + f"/../{os.path.basename(folder)}/"
            relative = relative.replace(os.sep, "/") + os.path.basename(target)
        return {"$ref": relative + (f"#/{name}" if name else "")}

    def schema_ref(self, here: str) -> dict[str, str]:
        return self.ref(here, *self.rng.choice(self.schemas))

    def build(self) -> dict[str, Any]:
        responses = "responses/common.yaml"
        self.files[responses] = {
            name: {
                "description": name,
                "content": {"application/json": {"schema": self.schema_ref(responses)}},
            }
            for name in ("NotFound", "Conflict", "Invalid")
        }
        for path in self.params:
            self.files[path] = {
                name: {"name": name.lower(), "in": "query", "schema": self.schema_ref(path)}
                for name in ("Limit", "Cursor", "Filter", "Order", "Expand")
            }
        for i, path in enumerate(self.paths):
            item: dict[str, Any] = {}
            for method in _METHODS:
                operation: dict[str, Any] = {
                    "operationId": f"{method}_resource{i}",
                    "tags": [self.areas[i % len(self.areas)].replace("/", "_")],
                    "parameters": [
                        self.ref(path, self.rng.choice(self.params), name)
                        for name in self.rng.sample(("Limit", "Cursor", "Filter", "Order", "Expand"), 3)
                    ],
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {"application/json": {"schema": self.schema_ref(path)}},
                        },
                        "404": self.ref(path, responses, "NotFound"),
                        "409": self.ref(path, responses, "Conflict"),
                    },
                }
                if method in ("post", "put"):
                    operation["requestBody"] = {"content": {"application/json": {"schema": self.schema_ref(path)}}}
                item[method] = operation
            self.files[path] = item
        root: dict[str, Any] = {
            "openapi": "3.1.0",
            "info": {"title": "Synthetic multi-file API", "version": "1.0.0"},
            "paths": {
                f"/resource{i}/{{id}}": self.ref("openapi.yaml", path, None) for i, path in enumerate(self.paths)
            },
            "components": {"schemas": {}},
        }
        singles = [file for file, name in self.schemas if name is None]
        for file in singles[: len(singles) // 2]:
            name = "".join(part.title() for part in os.path.basename(file)[:-5].split("_"))
            root["components"]["schemas"][name] = self.ref("openapi.yaml", file, None)
        self.files["openapi.yaml"] = root
        self._fill_schemas()
        return self.files

    def _fill_schemas(self) -> None:
        """Every schema references the next (a ring, so all are reachable), then the budget left is spread."""
        count = len(self.schemas)
        remaining = self.budget - self.refs - count
        if remaining < 0:
            raise ValueError(f"{self.budget} references are too few for {count} schemas")
        extra = [remaining // count + (1 if i < remaining % count else 0) for i in range(count)]
        # allOf names one of a few base schemas, which have none themselves: inheritance as real APIs use it (shallow,
        # acyclic); gen's IR expands allOf chains, and a cycle through allOf is an error.
        bases = self.schemas[: max(1, count // 25)]
        for i, (file, name) in enumerate(self.schemas):
            properties = {"id": {"type": "string"}, "next": self.ref(file, *self.schemas[(i + 1) % count])}
            schema: dict[str, Any] = {"type": "object", "required": ["id"], "properties": properties}
            extended: set[tuple[str, str | None]] = set()
            for j in range(extra[i]):
                shape = j % 5
                base = self.rng.choice(bases)
                if shape == 4 and i >= len(bases) and base not in extended:
                    extended.add(base)
                    schema.setdefault("allOf", []).append(self.ref(file, *base))
                elif shape == 3:
                    properties[f"list{j}"] = {"type": "array", "items": self.schema_ref(file)}
                else:
                    properties[f"field{j}"] = self.schema_ref(file)
            if name is None:
                self.files[file] = schema
            else:
                self.files[file][name] = schema


def generate(folder: Path, files: int = FILES, refs: int = REFS, seed: int = 14) -> Path:
    """Write the document into `folder`; returns its root file. Same arguments, same bytes."""
    doc = _Doc(files, refs, seed)
    written = doc.build()
    assert len(written) == files and doc.refs == refs, (len(written), doc.refs)
    for relative, data in written.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_yaml(data), encoding="utf-8")
    return folder / "openapi.yaml"


_TIME_LOAD = (
    "import sys, time, json\n"
    "from pathlib import Path\n"
    "from generator.load import load\n"
    "start = time.perf_counter()\n"
    "document = load(Path(sys.argv[1]))\n"
    "elapsed = time.perf_counter() - start\n"
    "print(json.dumps([elapsed, len(document.root['components']['schemas']), len(document.warnings)]))\n"
)


def time_load(spec: Path, runs: int, python: str = sys.executable) -> tuple[list[float], int]:
    """Wall seconds of load() in `runs` fresh processes, and how many schemas the bundled document holds."""
    times, schemas = [], 0
    for _ in range(runs):
        out = subprocess.run([python, "-c", _TIME_LOAD, str(spec)], capture_output=True, text=True, check=True)
        elapsed, schemas, _ = json.loads(out.stdout)
        times.append(elapsed)
    return times, schemas


def time_build(spec: Path, work: Path, runs: int, python: str = sys.executable) -> list[float]:
    """Wall seconds of `gen build` as a whole process, cold: a new out folder and an empty cache each run."""
    times = []
    for i in range(runs):
        env = {**os.environ, "GEN_CACHE_DIR": str(work / f"cache-{i}")}
        command = [python, "-m", "generator.cli", "build", str(spec), "--out", str(work / f"out-{i}")]
        start = time.perf_counter()
        result = subprocess.run(command, env=env, capture_output=True, text=True)
        times.append(time.perf_counter() - start)
        if result.returncode != 0:
            raise SystemExit(f"gen build failed ({result.returncode}):\n{result.stderr[-2000:]}")
    return times


def measure(
    work: Path, runs: int, build_runs: int, files: int = FILES, refs: int = REFS, python: str = sys.executable
) -> dict[str, Any]:
    """The figures `python -m bench` reports (its "multifile" part) and this module's main prints."""
    spec = generate(work / "spec", files, refs)
    load_times, schemas = time_load(spec, runs, python)
    build_times = time_build(spec, work, build_runs, python) if build_runs else []
    return {"files": files, "refs": refs, "schemas": schemas, "load": load_times, "build": build_times}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.multifile", description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="load() runs, each a fresh process (default 5)")
    parser.add_argument("--build-runs", type=int, default=3, help="cold `gen build` runs (default 3; 0 skips them)")
    parser.add_argument("--files", type=int, default=FILES)
    parser.add_argument("--refs", type=int, default=REFS)
    parser.add_argument("--keep", type=Path, default=None, help="write the document here and keep it")
    args = parser.parse_args(argv)
    if args.keep is not None:
        print(generate(args.keep, args.files, args.refs))
        return 0
    with tempfile.TemporaryDirectory(prefix="gen-multifile-") as tmp:
        figures = measure(Path(tmp), args.runs, args.build_runs, args.files, args.refs)
    load = statistics.median(figures["load"])
    print(f"{args.files} files, {args.refs:,} cross-file references, {figures['schemas']:,} schemas after bundling")
    print(f"  load()    median {load:6.2f} s  runs: {', '.join(f'{t:.2f}' for t in figures['load'])}")
    if figures["build"]:
        build = statistics.median(figures["build"])
        print(f"  gen build median {build:6.2f} s  runs: {', '.join(f'{t:.2f}' for t in figures['build'])} (cold)")
    print(f"load = {load:.2f} s (target ≤ {LOAD_S:g} s): {'ok' if load <= LOAD_S else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
