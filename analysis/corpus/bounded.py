"""Extraction with a time limit per article: each article in a helper process that is killed when it runs over.

Nothing inside one process can stop an extraction that runs too long: a Dask task cannot be cancelled once
it runs, a thread cannot be killed, and the regular-expression engine does not look at signals. So
`extract-corpus` extracts in a helper process per Dask worker thread (`python -m analysis.corpus.bounded`),
started once and fed one article after another over a pipe (length-prefixed pickles). An article over the
limit has its helper killed; it becomes a failure that a re-run may pass, and a new helper takes the next
article. An article whose extraction raises is a failure of its own content; the run goes on either way.
"""
from __future__ import annotations

import importlib
import os
import pickle
import select
import signal
import struct
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable

from analysis.corpus.jobs import Failure, Job

EXTRACTOR = "analysis.corpus.jobs:extract_job_rows"  # module:function(job, vocab) -> rows of each table
STARTUP_TIMEOUT = 120.0  # seconds for a helper to import what it needs and say it is ready
WARM_UP_TEXT = "Russian drones struck Kharkiv overnight, killing two people, Governor Oleh Syniehubov said."
_HEADER = struct.Struct("!Q")


class HelperError(OSError):
    """A helper process could not be started (a fault of the machine, not of an article)."""


@dataclass(frozen=True)
class Outcome:
    """What became of one article: its tables (rows of each), or the failure (with whether a re-run may pass)."""

    tables: dict | None
    failure: Failure | None = None


# ---------------------------------------------------------------- the pipe


def _send(stream, message: object) -> None:
    """Write one message (a length-prefixed pickle) and flush."""
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(data)) + data)
    stream.flush()


def _read_exactly(fd: int, size: int, deadline: float | None) -> bytes:
    """size bytes from a file descriptor, waiting at most until deadline; TimeoutError after it, EOFError
    when the other end closed."""
    chunks, left = [], size
    while left:
        wait = None if deadline is None else max(0.0, deadline - time.monotonic())
        ready, _, _ = select.select([fd], [], [], wait)
        if not ready:
            raise TimeoutError
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _receive(fd: int, deadline: float | None) -> Any:
    """One message from a file descriptor (see _read_exactly for the errors)."""
    (size,) = _HEADER.unpack(_read_exactly(fd, _HEADER.size, deadline))
    return pickle.loads(_read_exactly(fd, size, deadline))


# ---------------------------------------------------------------- the parent's side


class Extractor:
    """One helper process, started on first use and replaced after an article that ran over or killed it."""

    def __init__(self, vocab: object = None, function: str = EXTRACTOR) -> None:
        self.vocab, self.function = vocab, function
        self.process: subprocess.Popen | None = None

    def _start(self) -> None:
        """Start a helper and wait until it has imported the extractor and run it once (not an article's time)."""
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
        self.process = subprocess.Popen([sys.executable, "-m", "analysis.corpus.bounded"], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, env=env)
        _register(self.process)
        try:
            _send(self.process.stdin, (self.function, self.vocab))
            answer = _receive(self.process.stdout.fileno(), time.monotonic() + STARTUP_TIMEOUT)
        except (OSError, EOFError, TimeoutError, pickle.UnpicklingError) as err:
            self.close()
            raise HelperError(f"the extraction helper did not start ({type(err).__name__})") from None
        if answer != ("ready",):
            self.close()
            raise HelperError(f"the extraction helper did not start: {answer[1] if len(answer) > 1 else answer}")

    def extract(self, job: Job, timeout: float) -> Outcome:
        """The tables of one article, or its failure if its extraction raised, ran over timeout seconds or
        killed the helper."""
        if self.process is None or self.process.poll() is not None:
            self._start()
        try:
            _send(self.process.stdin, job)
            answer = _receive(self.process.stdout.fileno(), time.monotonic() + timeout)
        except TimeoutError:
            self.close()
            return _failed(job, f"timed out: extraction took over {timeout:g} s, the limit for a whole article "
                                "(--timeout)", transient=True)
        except (OSError, EOFError, pickle.UnpicklingError):
            code = self.process.poll() if self.process else None
            self.close()
            return _failed(job, f"the extraction process died (exit code {code})", transient=True)
        if answer[0] == "ok":
            return Outcome(answer[1])
        _, name, message = answer
        transient = name in ("MemoryError", "OSError", "TimeoutError")
        return _failed(job, " ".join(f"extraction error {name}: {message}".split())[:500], transient)

    def close(self) -> None:
        """Kill the helper (it may be busy with an article) and reap it."""
        process, self.process = self.process, None
        if process is None:
            return
        if process.poll() is None:
            process.kill()
        process.wait()
        for stream in (process.stdin, process.stdout):
            try:
                stream.close()
            except OSError:
                pass
        _unregister(process)


def _failed(job: Job, reason: str, transient: bool) -> Outcome:
    """The outcome of an article that failed."""
    return Outcome(None, Failure(job.origin, reason, job.article_id, transient=transient))


# Every helper this process started, so that a Dask worker can kill them all (`close_all`) at the end.
_LIVE: set[subprocess.Popen] = set()
_LOCK = threading.Lock()
_LOCAL = threading.local()  # one Extractor per thread: a Dask worker may run several tasks at once


def _register(process: subprocess.Popen) -> None:
    """Remember a helper."""
    with _LOCK:
        _LIVE.add(process)


def _unregister(process: subprocess.Popen) -> None:
    """Forget a helper."""
    with _LOCK:
        _LIVE.discard(process)


def extractor(vocab: object = None, function: str = EXTRACTOR, key: str = "") -> Extractor:
    """This thread's Extractor for a vocabulary (named by key) and function, started again when they change."""
    current = getattr(_LOCAL, "extractor", None)
    if current is None or getattr(_LOCAL, "key", None) != (key, function):
        if current is not None:
            current.close()
        _LOCAL.extractor, _LOCAL.key = Extractor(vocab, function), (key, function)
    return _LOCAL.extractor


def close_all() -> int:
    """Kill every helper this process started; how many there were (run on each Dask worker at the end)."""
    with _LOCK:
        processes = list(_LIVE)
        _LIVE.clear()
    for process in processes:
        if process.poll() is None:
            process.kill()
        process.wait()
    return len(processes)


# ---------------------------------------------------------------- the helper's side


def _load(function: str) -> Callable:
    """module:function as a callable."""
    module, _, name = function.partition(":")
    return getattr(importlib.import_module(module), name)


def _watch_parent(parent: int) -> None:
    """End this helper when the process that started it is gone (checked once a second)."""
    while True:
        time.sleep(1.0)
        if os.getppid() != parent:
            os._exit(3)


def serve() -> None:
    """The helper: read the extractor and vocabulary, say ready, then answer each job with its tables."""
    out = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # whatever else prints goes to stderr, not into the pipe
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    threading.Thread(target=_watch_parent, args=(os.getppid(),), daemon=True).start()
    source = sys.stdin.fileno()
    try:
        function, vocab = _receive(source, None)
        extract = _load(function)
        extract(Job("warm-up", WARM_UP_TEXT, None, None, None, None, "warm-up", ""), vocab)
    except Exception as err:  # noqa: BLE001 - said to the parent, which raises it
        _send(out, ("error", f"{type(err).__name__}: {err}"))
        return
    _send(out, ("ready",))
    while True:
        try:
            job = _receive(source, None)
        except EOFError:
            return
        try:
            answer = ("ok", extract(job, vocab))
        except Exception as err:  # noqa: BLE001 - one article's failure, said to the parent
            answer = ("error", type(err).__name__, str(err))
        _send(out, answer)


if __name__ == "__main__":
    serve()
