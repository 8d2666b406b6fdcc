"""Risky reads in a child process: a crash in a native library ends one file, not the run.

The Excel engine (calamine, Rust) aborts the whole process on some hostile
workbooks (exit 134), pdfium and onnxruntime can crash or hang in C code: no
``try``/``except`` catches that. :class:`Isolated` keeps one child process
and runs calls in it; when the child dies (a signal, an abort, the kernel's
out-of-memory killer) or overruns its time, :meth:`Isolated.call` raises
:class:`WorkerCrashed` with what happened, and the next call starts a fresh
child. The caller reports that one file as an error and goes on.

On POSIX the child is forked: it starts in milliseconds, shares the parent's
loaded modules and scanner, and only the call's arguments and result cross
the pipe.

>>> with Isolated() as worker:
...     worker.call(divmod, 7, 2)
(3, 1)
"""
from __future__ import annotations

import multiprocessing
import os
import signal
import sys
from typing import Any, Callable


class WorkerCrashed(Exception):
    """The child process died or hung while running a call; ``reason`` says how."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _context():
    if sys.platform != "win32" and "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")  # pragma: no cover - Windows


def _serve(conn, initializer: Callable[..., None] | None, initargs: tuple) -> None:
    _die_with_parent()
    # The parent handles Ctrl-C; a child that also raised KeyboardInterrupt would print a traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    quiet_worker()
    if initializer is not None:
        initializer(*initargs)
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            return
        if msg is None:
            return
        fn, args, kwargs = msg
        try:
            reply = ("ok", fn(*args, **kwargs))
        except BaseException as exc:  # noqa: BLE001 - sent back to be raised in the parent
            reply = ("err", exc)
        try:
            conn.send(reply)
        except Exception as exc:  # noqa: BLE001 - an unpicklable result or exception
            conn.send(("err", RuntimeError(f"{type(exc).__name__} while returning a result from the worker")))


def _die_with_parent() -> None:
    """A child whose parent is killed (SIGKILL) stops at once instead of finishing the file:
    killing piiscan must stop it, and must not let a child write an output afterwards."""
    parent = os.getppid()
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


def quiet_worker() -> None:
    """Silence a worker process's stderr (isolated readers, ``--jobs`` workers), unless ``PIISCAN_DEBUG``.

    A native library's own crash report (a Rust panic message, a C library's
    complaint) may quote the document; the parent reports the crash itself, masked.
    """
    if not os.environ.get("PIISCAN_DEBUG"):
        _silence_stderr()


def _silence_stderr() -> None:
    import faulthandler

    faulthandler.disable()  # it writes to a copy of stderr it kept, not to fd 2
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.close(devnull)
    except OSError:
        pass


class Isolated:
    """One child process for calls that may crash; restarted after every crash.

    ``initializer(*initargs)`` runs once in each new child (set the scanner,
    the limits). Use as a context manager, or call :meth:`close`.
    """

    def __init__(self, initializer: Callable[..., None] | None = None, initargs: tuple = ()):
        self._initializer = initializer
        self._initargs = initargs
        self._proc = None
        self._conn = None

    def __enter__(self) -> "Isolated":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def _start(self) -> None:
        ctx = _context()
        parent, child = ctx.Pipe()
        proc = ctx.Process(target=_serve, args=(child, self._initializer, self._initargs),
                           name="piiscan-isolated")
        # Not a daemon: a reader may start processes of its own. A child whose parent
        # dies sees its pipe close and exits.
        proc.start()
        child.close()
        self._proc, self._conn = proc, parent

    def call(self, fn: Callable[..., Any], *args: Any, timeout: float | None = None, **kwargs: Any) -> Any:
        """``fn(*args, **kwargs)`` run in the child: its result, or its exception raised here.

        Raises :class:`WorkerCrashed` when the child dies or takes longer than
        ``timeout`` seconds (it is then killed).
        """
        if self._proc is None or not self._proc.is_alive():
            self._discard()
            self._start()
        assert self._conn is not None and self._proc is not None
        try:
            self._conn.send((fn, args, kwargs))
            if not self._conn.poll(timeout):
                self._kill()
                raise WorkerCrashed(f"took longer than {timeout:g} s and was stopped")
            status, value = self._conn.recv()
        except (EOFError, OSError, BrokenPipeError):
            raise WorkerCrashed(self._death()) from None
        if status == "err":
            raise value
        return value

    def _death(self) -> str:
        proc = self._proc
        self._discard()
        if proc is None:
            return "the worker process is gone"
        proc.join(5)
        code = proc.exitcode
        if code is None:
            proc.kill()
            proc.join()
            return "the worker process stopped answering"
        if code < 0:
            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = f"signal {-code}"
            hint = " (out of memory?)" if -code == signal.SIGKILL else ""
            return f"the reader crashed: killed by {name}{hint}"
        return f"the reader crashed: worker exited with code {code}"

    def _kill(self) -> None:
        if self._proc is not None and self._proc.is_alive():
            self._proc.kill()
            self._proc.join()
        self._discard()

    def _discard(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            except OSError:
                pass
        self._conn = None
        self._proc = None

    def close(self) -> None:
        """Stop the child (politely, then by force)."""
        if self._proc is not None and self._proc.is_alive() and self._conn is not None:
            try:
                self._conn.send(None)
            except OSError:
                pass
            self._proc.join(2)
            if self._proc.is_alive():
                self._proc.kill()
                self._proc.join()
        self._discard()

