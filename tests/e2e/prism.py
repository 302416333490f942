"""Start and stop the Prism mock server (npm `@stoplight/prism-cli` 5.16) for the e2e tests.

`make prism` (a prerequisite of `make test`) installs Prism under `.tools/prism/`; the
`PRISM` environment variable may name another `prism` executable instead.

Prism 5.16 behaviour the tests rely on (read from its sources, `prism-http` and
`prism-http-server`):

- Every request is validated against the operation (security, path, query, headers, body).
  A request with an error-level violation is answered with the operation's own 422 response
  (Mistral's operations declare one: `HTTPValidationError`), or with a 422
  `application/problem+json` when the operation declares none. Either way the violations are
  in the `sl-violations` response header as JSON, each located under `request.…`. This
  happens with or without `--errors`.
- `--errors` adds the other direction: when the response Prism mocked itself breaks the
  spec, it answers 500 `application/problem+json` ("VIOLATIONS") instead of the mock, with
  the violations located under `response.…`. Without it those violations are only logged and
  listed in `sl-violations`.
- A request without the API key is answered 401; `multipart/form-data` bodies are parsed and
  validated like JSON ones.
- Without `-d` the mock is static: the schema's `examples`/`default`, otherwise a fixed
  value per type. That keeps the tests deterministic.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import IO, Any, List, Optional

ROOT = Path(__file__).resolve().parents[2]
INSTALLED = ROOT / ".tools" / "prism" / "node_modules" / ".bin" / "prism"
START_TIMEOUT = 30.0  # seconds; Prism parses the 3,700-line Mistral spec in about 2 s


def executable() -> Optional[str]:
    """The `prism` to run: $PRISM, else the project-local install; None when there is none."""
    chosen = os.environ.get("PRISM")
    if chosen:
        return shutil.which(chosen) or (chosen if Path(chosen).is_file() else None)
    return str(INSTALLED) if INSTALLED.is_file() else None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def violations(headers: Any) -> List[Any]:
    """The violations Prism reported in the `sl-violations` header of a response ([] if none)."""
    raw = headers.get("sl-violations")
    if not raw:
        return []
    try:
        found: List[Any] = json.loads(raw)
        return found
    except ValueError:  # "Too many violations! ..." (truncated at 8 KB)
        return [raw]


class Prism:
    """`prism mock` on 127.0.0.1, on a free port, for one API description.

    Use as a context manager: entering waits until Prism listens (or fails with its output),
    leaving stops it.
    """

    def __init__(
        self, spec: Path, *, errors: bool = False, extra: tuple[str, ...] = ()
    ) -> None:
        self.spec = spec
        self.errors = errors
        self.extra = extra
        self.port = 0
        self.process: Optional[subprocess.Popen[bytes]] = None
        self._log: Optional[IO[bytes]] = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def output(self) -> str:
        """Everything Prism printed so far."""
        if self._log is None:
            return ""
        self._log.flush()
        return Path(self._log.name).read_text(errors="replace")

    def start(self) -> "Prism":
        prism = executable()
        if prism is None:
            raise FileNotFoundError(
                f"Prism is not installed at {INSTALLED}: run `make prism` (or set PRISM)"
            )
        self.port = free_port()
        command = [prism, "mock", "-h", "127.0.0.1", "-p", str(self.port)]
        if self.errors:
            command.append("--errors")
        command += [*self.extra, str(self.spec)]
        # Output goes to a file, not a pipe: Prism logs every request and a full pipe would block it.
        self._log = tempfile.NamedTemporaryFile(prefix="prism-", suffix=".log", delete=False)
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stopping it stops node's children too
        )
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if self.process.poll() is not None:
                output = self.output()
                self.stop()
                raise RuntimeError(
                    f"Prism exited with status {self.process.returncode} before listening:\n"
                    f"$ {' '.join(command)}\n{output}"
                )
            if "Prism is listening" in self.output() and self._accepts():
                return self
            if time.monotonic() > deadline:
                output = self.output()
                self.stop()
                raise TimeoutError(
                    f"Prism did not listen on {self.url} within {START_TIMEOUT:.0f} s:\n"
                    f"$ {' '.join(command)}\n{output}"
                )
            time.sleep(0.1)

    def _accepts(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                return True
        except OSError:
            return False

    def stop(self) -> None:
        process = self.process
        if process is not None and process.poll() is None:
            try:
                os.killpg(process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        if self._log is not None:
            self._log.close()
            Path(self._log.name).unlink(missing_ok=True)
            self._log = None

    def __enter__(self) -> "Prism":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
