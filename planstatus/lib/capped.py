"""Run a reader of an uploaded file in a child process with a memory and time cap. No Django.

The readers bound what they unpack themselves (lib/unpack.py, lib/pdflimits.py); this is the
defence behind them, for whatever they did not foresee. `run_capped(read, data, **kwargs)`
calls `read(data, **kwargs)` in `python -m planstatus.lib.capped`, started with this same
Python (sys.executable), with an address-space limit (RLIMIT_AS), a CPU-time limit
(RLIMIT_CPU) and a wall-clock timeout. It returns what `read` returns and raises what `read`
raises, as if called here; a reader that runs out of memory or time, or dies, raises
`too_heavy` (CapExceeded unless the caller gives its own refusal):

    plan = run_capped(read_plan, data, filename=name, known_actors=actors,
                      too_heavy=UnreadableDocument(Code.TOO_HEAVY))

`read` must be a module-level function in planstatus.lib (or, for tests, in tests/); its
arguments and result travel pickled. The child gets no Django settings and none of the
parent's environment (so no database address or secret key), and writes nothing.

The child sets its own limits before it reads the file, rather than in a `preexec_fn`,
which is unsafe in a threaded parent such as the development server.
"""

from __future__ import annotations

import io
import os
import pickle
import resource
import signal
import subprocess
import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

_MB = 1024 * 1024


@dataclass(frozen=True)
class Cap:
    memory_bytes: int = 500 * _MB  # address space: the resident memory stays below it
    cpu_seconds: int = 60
    wall_seconds: float = 90.0  # under gunicorn's 120 s worker timeout (serve --production)


DEFAULT_CAP = Cap()


class CapExceeded(Exception):
    """The reader ran out of memory or time, or died."""


class _TimeUp(BaseException):
    """Raised by the CPU-time signal; a BaseException, so that a reader's `except Exception`
    does not take it for a damaged file."""


# Where planstatus is imported from, so the child imports the same code.
_IMPORT_ROOT = str(Path(__file__).resolve().parents[2])
# What may come back pickled from the child: classes of the readers' own results and
# errors, and the few standard types in them. A child that misbehaves cannot name anything
# else for the parent to call.
_RESULT_MODULES = ("planstatus.lib", "tests")
_RESULT_TYPES = {("decimal", "Decimal"), ("datetime", "date"), ("datetime", "datetime")}


def run_capped(
    read: Callable[..., T],
    data: bytes,
    /,
    *,
    cap: Cap | None = None,
    too_heavy: Exception | None = None,
    **kwargs: Any,
) -> T:
    cap = cap or DEFAULT_CAP  # looked up now, so that a test can lower it
    module, name = read.__module__, read.__qualname__
    if not _ours(module) or "." in name or "<" in name:
        raise ValueError(f"{module}.{name} is not a module-level reader in planstatus.lib")
    job = pickle.dumps((module, name, data, kwargs), protocol=pickle.HIGHEST_PROTOCOL)
    command = [
        sys.executable,
        "-m",
        "planstatus.lib.capped",
        str(cap.memory_bytes),
        str(cap.cpu_seconds),
    ]
    environment = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "PYTHONPATH": _IMPORT_ROOT,
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    try:
        child = subprocess.run(
            command,
            input=job,
            capture_output=True,
            timeout=cap.wall_seconds,
            env=environment,
            cwd=_IMPORT_ROOT,
            check=False,
        )
    except subprocess.TimeoutExpired:  # run() has killed the child
        raise too_heavy or CapExceeded("out of time") from None
    if child.returncode != 0:
        # Killed (SIGKILL at the hard CPU limit, SIGSEGV on a failed allocation in C, …).
        raise too_heavy or CapExceeded(f"the reader died ({child.returncode})")
    outcome = _load(child.stdout)
    if outcome is None:
        raise too_heavy or CapExceeded("the reader gave no answer that may be read")
    kind, value = outcome
    if kind == "returned":
        return value
    if kind == "raised":
        raise value
    if kind == "exceeded":
        raise too_heavy or CapExceeded(value)
    # "crashed": a reader's bug, shown as this process's own error would be.
    raise RuntimeError(f"{module}.{name} failed in the capped child:\n{value}")


class _ResultUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        allowed = (module, name) in _RESULT_TYPES or (_ours(module) and "." not in name)
        found = super().find_class(module, name) if allowed else None
        if not isinstance(found, type):
            raise pickle.UnpicklingError(f"{module}.{name} may not come from the child")
        return found


def _ours(module: str) -> bool:
    return any(module == m or module.startswith(m + ".") for m in _RESULT_MODULES)


def _load(payload: bytes) -> tuple[str, Any] | None:
    try:
        outcome = _ResultUnpickler(io.BytesIO(payload)).load()
    except Exception:
        return None
    if not (isinstance(outcome, tuple) and len(outcome) == 2):
        return None
    return outcome


# The child


# What a failed allocation says when it is not a MemoryError: libxml2, the dynamic loader
# (an ImportError), and an OSError with ENOMEM.
_NO_MEMORY = ("memory allocation failed", "failed to map segment", "cannot allocate memory")


def _out_of_memory(error: BaseException | None) -> bool:
    """Whether an error comes from a failed allocation, however a library wrapped it."""
    seen = 0
    while error is not None and seen < 20:
        if isinstance(error, MemoryError) or any(m in str(error).lower() for m in _NO_MEMORY):
            return True
        error = error.__cause__ or error.__context__
        seen += 1
    return False


def _near_the_cap(memory_bytes: int) -> bool:
    """Whether this process's address space came within 10 % of the cap: libxml2 reports a
    failed allocation as «unknown error», so the error alone cannot tell."""
    try:
        status = Path("/proc/self/status").read_text()
        peak = int(status.split("VmPeak:")[1].split()[0]) * 1024
    except (OSError, IndexError, ValueError):
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return peak > 0.9 * memory_bytes


def _time_up(signum: int, frame: object) -> None:
    raise _TimeUp


def _child(memory_bytes: int, cpu_seconds: int) -> int:
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    # SIGXCPU at the soft limit raises _TimeUp; the hard limit kills a reader stuck in C.
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 5))
    signal.signal(signal.SIGXCPU, _time_up)
    # The answer goes to the real stdout alone; anything a library prints goes to stderr.
    answer = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    outcome: tuple[str, Any]
    try:
        module, name, data, kwargs = pickle.load(sys.stdin.buffer)
        read = getattr(__import__(module, fromlist=[name]), name)
        outcome = ("returned", read(data, **kwargs))
    except _TimeUp:
        outcome = ("exceeded", "out of CPU time")
    except BaseException as error:
        if _out_of_memory(error) or _near_the_cap(memory_bytes):
            outcome = ("exceeded", "out of memory")
        elif _ours(type(error).__module__):
            error.__cause__ = error.__context__ = error.__traceback__ = None
            outcome = ("raised", error)
        else:
            outcome = ("crashed", "".join(traceback.format_exception(error))[-4000:])
    try:
        payload = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
    except MemoryError:
        return 1
    except Exception:
        payload = pickle.dumps(("crashed", f"unpicklable result: {outcome[0]}"))
    answer.write(payload)
    answer.close()
    return 0


if __name__ == "__main__":
    sys.exit(_child(int(sys.argv[1]), int(sys.argv[2])))
