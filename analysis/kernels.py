"""Warm kernels: a papermill engine that runs notebook after notebook in one kernel started once.

papermill starts a kernel per notebook (papermill #326, #583, #616). `WarmKernel` starts one
kernel and keeps it; the `warm` engine, registered with papermill, executes each notebook in it
after resetting the user namespace (`%reset -f`, figures closed, execution count back to 1), so
a notebook sees a fresh namespace while imported modules stay loaded. A kernel that dies or
hangs past the timeout is restarted, and the error goes back to the caller.
"""
from __future__ import annotations

import logging
from typing import Any

import nbformat
from jupyter_core.utils import run_sync
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, papermill_engines

ENGINE_NAME = "warm"
log = logging.getLogger(__name__)

# Run silently before every notebook: a fresh user namespace, no figures left open, In[1] next.
RESET_CODE = """\
get_ipython().run_line_magic('reset', '-f')
import sys as _sys
if 'matplotlib.pyplot' in _sys.modules:
    _sys.modules['matplotlib.pyplot'].close('all')
del _sys
get_ipython().execution_count = 1
"""


class WarmKernel:
    """One Jupyter kernel, started once and reused; restarted when it dies or hangs."""

    def __init__(self, kernel_name: str = "python3", startup_timeout: int = 60, preload: str = "",
                 stderr: Any = None, cwd: str | None = None) -> None:
        self.kernel_name = kernel_name
        self.startup_timeout = startup_timeout
        self.preload = preload
        self.stderr = stderr  # where the kernel's own stdout/stderr go (a file, DEVNULL, None: inherit)
        self.cwd = cwd
        self.client: NotebookClient | None = None
        self.restarts = 0

    @property
    def km(self):
        """The kernel manager."""
        return self.client.km if self.client else None

    @property
    def kc(self):
        """The kernel client (channels open)."""
        return self.client.kc if self.client else None

    def start(self) -> "WarmKernel":
        """Start the kernel and its client, and run the preload code (imports worth keeping warm)."""
        nb = nbformat.v4.new_notebook()
        nb.metadata["kernelspec"] = {"name": self.kernel_name, "language": "python", "display_name": "Python 3"}
        self.client = NotebookClient(nb, kernel_name=self.kernel_name, startup_timeout=self.startup_timeout)
        self.client.km = self.client.create_kernel_manager()
        launch: dict[str, Any] = {"cwd": self.cwd} if self.cwd else {}
        if self.stderr is not None:
            launch.update(stdout=self.stderr, stderr=self.stderr)
        self.client.start_new_kernel(**launch)
        self.client.start_new_kernel_client()
        if self.preload:
            self.run_silently(self.preload)
        return self

    def run_silently(self, code: str, timeout: int = 60) -> None:
        """Run code in the kernel without output or history; raises if it fails."""
        assert self.client is not None and self.client.kc is not None
        msg_id = self.client.kc.execute(code, silent=True, store_history=False)
        self.client.timeout = timeout
        reply = self.client.wait_for_reply(msg_id)
        if reply is None or reply["content"].get("status") != "ok":
            content = reply["content"] if reply else {}
            raise RuntimeError(f"kernel code failed: {content.get('ename')}: {content.get('evalue')}")

    def reset(self) -> None:
        """A fresh namespace for the next notebook (modules stay imported)."""
        self.run_silently(RESET_CODE)

    def alive(self) -> bool:
        """Whether the kernel process is running."""
        return bool(self.client and self.client.km and run_sync(self.client.km.is_alive)())

    def restart(self) -> None:
        """Replace the kernel by a new one (after a death or a hang)."""
        self.shutdown()
        self.restarts += 1
        self.start()

    def shutdown(self) -> None:
        """Stop the kernel and close its channels."""
        if self.client is None:
            return
        try:
            if self.client.kc is not None:
                self.client.kc.stop_channels()
            if self.client.km is not None and self.client.km.has_kernel:
                run_sync(self.client.km.shutdown_kernel)(now=True)
        except Exception as err:  # noqa: BLE001 - a dead kernel may refuse a clean shutdown
            log.debug("kernel shutdown: %s", err)
        self.client = None


_CURRENT: dict[str, WarmKernel] = {}


def use_kernel(kernel: WarmKernel) -> None:
    """Make kernel the one the `warm` engine runs notebooks in (one per process)."""
    _CURRENT["kernel"] = kernel


def current_kernel() -> WarmKernel:
    """The warm kernel of this process, started on first use."""
    if "kernel" not in _CURRENT:
        _CURRENT["kernel"] = WarmKernel().start()
    return _CURRENT["kernel"]


class WarmEngine(NBClientEngine):
    """papermill engine running notebooks in this process's warm kernel."""

    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None, stderr_file=None,
                                 start_timeout=60, execution_timeout=None, **kwargs: Any):
        """Execute the parameterized notebook in the warm kernel, after a namespace reset."""
        kernel = current_kernel()
        if not kernel.alive():
            kernel.restart()
        kernel.reset()
        client = PapermillNotebookClient(
            nb_man, km=kernel.km, timeout=execution_timeout or kwargs.get("timeout"),
            startup_timeout=start_timeout, kernel_name=kernel_name, log=log, log_output=log_output,
            stdout_file=stdout_file, stderr_file=stderr_file)
        client.kc = kernel.kc
        try:
            return client.execute()
        except (DeadKernelError, CellTimeoutError):
            kernel.restart()
            raise


def register() -> None:
    """Register the `warm` engine with papermill (idempotent)."""
    papermill_engines.register(ENGINE_NAME, WarmEngine)
