"""The sandbox's worker: ``python -I -m perfrules._worker`` scores one request under resource limits.

It reads a JSON request on standard input (spec, facts, format, claims, review,
cpu_seconds, memory_bytes), limits its own CPU time and address space, then
loads, scores and renders, and writes one JSON answer on standard output:
``{"report": ..., "binary": bool}`` or ``{"error": class name, "message": ..., "problems": [...]}``.
`perfrules.sandbox` is its only client.
"""

from __future__ import annotations

import base64
import json
import resource
import sys
from typing import Any

from . import _yaml
from ._api import evaluate, render
from ._engine.scoring import require_year
from ._lang import speaking
from ._reports.json import diagnostics_to_data
from .exceptions import PerfrulesError


def main() -> None:
    request = json.loads(sys.stdin.buffer.read())
    cpu, memory = int(request["cpu_seconds"]), int(request["memory_bytes"])
    # Soft CPU limit: SIGXCPU stops the process; the hard limit a second later kills it whatever it does.
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    _yaml.prefer_pure_parser()
    answer: dict[str, Any]
    try:
        evaluation = evaluate(request["spec"], request["facts"], claims=request["claims"], review=request["review"])
        if request.get("require_year"):
            require_year(evaluation)
        with speaking("en" if request.get("lang") == "en" else "zh"):
            report = render(evaluation, request["format"])
        if isinstance(report, bytes):
            answer = {"report": base64.b64encode(report).decode(), "binary": True}
        else:
            answer = {"report": report, "binary": False}
    except PerfrulesError as e:
        problems = diagnostics_to_data(e.diagnostics)
        answer = {"error": type(e).__name__, "message": e.args[0], "message_zh": e.message_zh, "problems": problems}
    except MemoryError:
        message = f"scoring needed more than {memory} bytes of memory; the worker stopped"
        zh = f"计分所需内存超过 {memory} 字节，已停止"
        answer = {"error": "LimitExceededError", "message": message, "message_zh": zh, "problems": []}
    sys.stdout.write(json.dumps(answer, ensure_ascii=False))


if __name__ == "__main__":
    main()
