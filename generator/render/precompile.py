"""Jinja's compilation of the templates, done by a forked process while the build loads the spec.

Compiling the template set takes a cold build about a tenth of a second (Jinja's lexer, parser and code generator
are Python), in every process that renders, and nothing else can happen in it meanwhile. Loading the spec and
building the IR use one core; on a machine with two, a process forked before them compiles every template and hands
back the code, which the rendering processes then take through Jinja's bytecode-cache interface: the same code
objects Jinja would have made, checked against each template's source as any bytecode cache is. Should anything go
wrong (a template that does not compile, a process that dies), the result is empty and Jinja compiles as usual,
reporting what it finds.
"""

from __future__ import annotations

import os
import pickle
from typing import Optional

import jinja2
from jinja2.bccache import Bucket, BytecodeCache


def static(source: str) -> bool:
    """A template without Jinja syntax: what it renders is its own text, so it is copied, never compiled."""
    return "{{" not in source and "{%" not in source and "{#" not in source


class Compiled(BytecodeCache):
    """The code of templates compiled elsewhere, by cache key; it stores nothing."""

    def __init__(self, code: dict[str, bytes]) -> None:
        self.code = code

    def load_bytecode(self, bucket: Bucket) -> None:
        data = self.code.get(bucket.key)
        if data is not None:
            bucket.bytecode_from_string(data)  # ignored unless it was compiled from this very source

    def dump_bytecode(self, bucket: Bucket) -> None:
        pass


class Pending:
    """A forked process compiling the templates; result() waits for it."""

    def __init__(self, child: int, pipe: int) -> None:
        self.child = child
        self.pipe = pipe

    def result(self) -> dict[str, bytes]:
        try:
            with os.fdopen(self.pipe, "rb") as pipe:
                data = pipe.read()
            os.waitpid(self.child, 0)
            code = pickle.loads(data)
        except Exception:
            return {}
        return code if isinstance(code, dict) else {}

    def abandon(self) -> None:
        """The build failed before rendering: stop the compiler and reap it."""
        try:
            os.kill(self.child, 9)
            os.close(self.pipe)
            os.waitpid(self.child, 0)
        except OSError:
            pass


def start(environment: jinja2.Environment) -> Optional[Pending]:
    """Fork a process compiling every template `environment` can load; None where that cannot help (one core, no
    fork)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    if cores < 2 or not hasattr(os, "fork"):
        return None
    receive, send = os.pipe()
    child = os.fork()
    if child:
        os.close(send)
        return Pending(child, receive)
    try:  # pragma: no cover - runs in the child, which leaves through os._exit
        os.close(receive)
        payload = pickle.dumps(compile_all(environment), pickle.HIGHEST_PROTOCOL)
        with os.fdopen(send, "wb") as pipe:
            pipe.write(payload)
    finally:
        os._exit(0)  # no atexit handlers, no flushing of the parent's buffers


def compile_all(environment: jinja2.Environment) -> dict[str, bytes]:
    """Cache key → bytecode-cache bytes of every template that compiles (those that do not are left to Jinja)."""
    keys = Compiled({})
    code: dict[str, bytes] = {}
    assert environment.loader is not None
    for name in environment.list_templates(filter_func=lambda name: name.endswith(".jinja")):
        try:
            source, filename, _ = environment.loader.get_source(environment, name)
            if name.startswith("runtime/") and static(source):
                continue  # copied as it is (generator.render)
            bucket = Bucket(environment, keys.get_cache_key(name, filename), keys.get_source_checksum(source))
            bucket.code = environment.compile(source, name, filename)
            code[bucket.key] = bucket.bytecode_to_string()
        except Exception:
            continue
    return code
