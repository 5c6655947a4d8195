"""Score untrusted uploads in a separate worker process with CPU-time, memory and wall-clock limits.

perfrules' own limits (file sizes, YAML nodes and depth, expression size and
depth, number sizes) are the first line of defence and hold in-process; the
worker is the backstop for a service that scores files it did not write::

    from perfrules import sandbox

    report = sandbox.score("specs/national/project-2020.yaml", "upload.xlsx", format="json")

The worker is a fresh Python interpreter (``python -I -m perfrules._worker``)
that sets its own ``RLIMIT_CPU`` and ``RLIMIT_AS`` before it reads anything, and
is killed when the wall-clock limit passes. Problems in the files come back as
the same `PerfrulesError` subclasses, with their located diagnostics; a limit
hit is a `LimitExceededError`. It needs a POSIX system (the ``resource`` module).
The worker has the same plugins and network as its parent: isolate the network
with the container or service manager that runs it.
"""

from __future__ import annotations

import base64
import json
import os
import signal
import subprocess
import sys
from typing import Any

from attrs import frozen

from . import exceptions
from ._lang import current_language
from ._reports.json import diagnostics_from_data
from .exceptions import LimitExceededError, PerfrulesError


@frozen
class Limits:
    """The worker's limits: CPU seconds, address space in bytes, and wall-clock seconds before it is killed."""

    cpu_seconds: int = 20
    memory_bytes: int = 1024 * 2**20
    wall_seconds: float = 60.0


def score(
    spec: str | os.PathLike[str],
    facts: str | os.PathLike[str],
    *,
    format: str = "json",
    claims: str | None = None,
    review: str | os.PathLike[str] | None = None,
    limits: Limits = Limits(),  # frozen, so one shared default is safe
    require_year: bool = False,
) -> str | bytes:
    """Load, score and render in a limited worker process; return the report (bytes for a binary format).
    *require_year*: refuse facts that give no fiscal year, as ``perfrules score`` does.

    Raises:
        PerfrulesError: the same error, with the same diagnostics, that `perfrules.evaluate` or
            `perfrules.render` would raise for these files.
        LimitExceededError: the worker ran out of CPU time, memory or wall-clock time.
    """
    if claims not in (None, "self", "computed"):  # as evaluate() says it, not as a failed worker
        msg = f"claims must be 'self' or 'computed', not {claims!r:.40}"
        raise ValueError(msg)
    request = {
        "spec": os.fspath(spec),
        "facts": os.fspath(facts),
        "format": format,
        "claims": claims,
        "review": os.fspath(review) if review is not None else None,
        "cpu_seconds": limits.cpu_seconds,
        "memory_bytes": limits.memory_bytes,
        "require_year": require_year,
        "lang": current_language(),  # the report's remarks, as the caller would render them
    }
    try:
        finished = subprocess.run(  # our own interpreter and module, arguments fixed
            [sys.executable, "-I", "-m", "perfrules._worker"],
            input=json.dumps(request).encode(),
            capture_output=True,
            timeout=limits.wall_seconds,
            check=False,
        )
    except subprocess.TimeoutExpired:
        msg = f"scoring took longer than {limits.wall_seconds:g} seconds; the worker was stopped"
        raise LimitExceededError(msg, message_zh=f"计分超过 {limits.wall_seconds:g} 秒，已停止") from None
    return _answer(finished, limits)


def _answer(finished: subprocess.CompletedProcess[bytes], limits: Limits) -> str | bytes:
    if finished.returncode in (-signal.SIGXCPU, -signal.SIGKILL):
        msg = f"scoring used more than {limits.cpu_seconds} seconds of CPU time; the worker was stopped"
        raise LimitExceededError(msg, message_zh=f"计分用时超过 {limits.cpu_seconds} 秒 CPU 时间，已停止")
    try:
        answer: dict[str, Any] = json.loads(finished.stdout)
    except ValueError:
        said = finished.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["nothing"]
        if "MemoryError" in said[0]:
            msg = f"scoring needed more than {limits.memory_bytes} bytes of memory; the worker stopped"
            raise LimitExceededError(msg, message_zh=f"计分所需内存超过 {limits.memory_bytes} 字节，已停止") from None
        msg = f"the worker failed (exit code {finished.returncode}): {said[0][:200]!r}"
        zh = f"计分进程出错（退出码 {finished.returncode}）：{said[0][:200]!r}"
        raise PerfrulesError(msg, message_zh=zh) from None
    if "report" in answer:
        report: str = answer["report"]
        return base64.b64decode(report) if answer.get("binary") else report
    error_class = getattr(exceptions, str(answer.get("error")), None)
    if not (isinstance(error_class, type) and issubclass(error_class, PerfrulesError)):
        error_class = PerfrulesError
    chinese = answer.get("message_zh")
    problems = diagnostics_from_data(answer.get("problems", []))
    raise error_class(str(answer.get("message")), problems, message_zh=chinese if isinstance(chinese, str) else None)
