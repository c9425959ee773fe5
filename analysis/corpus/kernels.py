"""Warm kernels: notebook after notebook in one kernel started once, the namespace reset in between.

papermill starts a kernel per notebook (papermill #326, #583, #616). A `WarmKernel` is started
once (by `analysis.report.start_kernel`, so it has the environment and working directory of a
single `report` run) and handed to papermill through the report's engine for every notebook.
Before each notebook the user namespace is reset (`%reset -f`, figures closed, execution count
back to 1): the notebook sees a fresh namespace while imported modules stay loaded. A kernel
that dies or hangs past the timeout is replaced, and the error goes back to the caller.
"""
from __future__ import annotations

import ast
import base64
import pickle
import queue
import time
from pathlib import Path
from typing import Any

from jupyter_core.utils import run_sync

# Run silently before every notebook: a fresh user namespace, no figures left open, In[1] next.
# Run silently before every notebook: a fresh user namespace (IPython's `%reset -f`, minus its full
# garbage collection, which costs a quarter of a second with pandas loaded), no figures left open,
# and In[1] next, as in a new kernel.
RESET_CODE = """\
def _fresh_namespace(shell):
    import gc, sys
    collect = gc.collect
    gc.collect = lambda *args, **kwargs: 0
    try:
        shell.reset(new_session=True)  # a new history session: In[1] again without clashing in the history database
    finally:
        gc.collect = collect
    if 'matplotlib.pyplot' in sys.modules:
        sys.modules['matplotlib.pyplot'].close('all')
    shell.execution_count = 1
_fresh_namespace(get_ipython())
"""


POLL_SECONDS = 0.5  # how often a wait for the kernel checks that it still runs


class KernelCodeError(RuntimeError):
    """Code run silently in a kernel failed or got no answer."""


class WarmKernel:
    """One Jupyter kernel, started once and reused; replaced when it dies or hangs."""

    def __init__(self, cwd: Path | None = None) -> None:
        from analysis.report import render as report

        self.cwd = Path(cwd or report.NOTEBOOK.parent)
        self.km: Any = None
        self.kc: Any = None  # the notebooks' client, opened by nbclient on the first run and kept
        self._shell: Any = None
        self.restarts = 0
        self.spoiled = False  # died or left busy by a time-out: to be replaced before the next notebook

    def start(self) -> "WarmKernel":
        """Start the kernel (as the `report` command does)."""
        from analysis.report import render as report

        self.km = report.start_kernel(self.cwd)
        return self

    def run_silently(self, code: str, timeout: float = 60, expressions: dict[str, str] | None = None) -> dict:
        """Run code in the kernel with no output and no history; the values of `expressions` after it (as
        the kernel's repr of each). Raises KernelCodeError if it fails, gets no answer in timeout seconds,
        or the kernel dies meanwhile (noticed within a second)."""
        msg_id = self._shell_client().execute(code, silent=True, store_history=False,
                                              user_expressions=expressions or {})
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise KernelCodeError(f"no answer from the kernel in {timeout:.0f} s")
            try:
                reply = self._shell.get_shell_msg(timeout=min(POLL_SECONDS, remaining))
            except queue.Empty:
                if not self.alive():
                    raise KernelCodeError("the kernel died") from None
                continue
            except Exception as err:  # noqa: BLE001 - a closed channel or a dead kernel
                raise KernelCodeError(f"kernel did not answer: {type(err).__name__}: {err}") from err
            if reply["parent_header"].get("msg_id") == msg_id:
                break
        content = reply["content"]
        if content.get("status") != "ok":
            raise KernelCodeError(f"kernel code failed: {content.get('ename')}: {content.get('evalue')}")
        values = content.get("user_expressions") or {}
        return {name: value.get("data", {}).get("text/plain") for name, value in values.items()}

    def send_silently(self, code: str) -> None:
        """Queue code in the kernel without waiting for it (the next `run_silently` waits behind it)."""
        self._shell_client().execute(code, silent=True, store_history=False)

    def _shell_client(self) -> Any:
        """The kernel's shell-only client, opened on first use."""
        if self._shell is None:
            # Shell channel only: replies come back to this client alone, and no output piles up on iopub.
            from jupyter_client.blocking import BlockingKernelClient

            self._shell = BlockingKernelClient()
            self._shell.load_connection_info(self.km.get_connection_info())
            self._shell.start_channels(shell=True, iopub=False, stdin=False, hb=False, control=False)
        return self._shell

    def reset(self) -> None:
        """A fresh namespace for the next notebook (modules stay imported)."""
        self.run_silently(RESET_CODE)

    def pid(self) -> int | None:
        """The kernel's process id (its process group's too: kernels start in a session of their own)."""
        provisioner = getattr(self.km, "provisioner", None)
        return getattr(provisioner, "pid", None)

    def alive(self) -> bool:
        """Whether the kernel process is running."""
        return self.km is not None and bool(run_sync(self.km.is_alive)())

    def restart(self) -> None:
        """Replace the kernel by a new one (after a death or a hang)."""
        self.shutdown()
        self.restarts += 1
        self.start()
        self.spoiled = False

    def shutdown(self) -> None:
        """Stop the kernel."""
        from analysis.report import render as report

        for client in (self._shell, self.kc):
            if client is not None:
                try:
                    client.stop_channels()
                except Exception:  # noqa: BLE001
                    pass
        self._shell = self.kc = None
        if self.km is None:
            return
        try:
            report.stop_kernel(self.km)
        except Exception:  # noqa: BLE001 - a dead kernel may refuse a clean shutdown
            pass
        self.km = None


ENGINE_NAME = "warm"


def tables_payload(namespace: dict[str, Any]) -> str:
    """In a kernel after the article notebook: the id of the text it read (`doc`) and the tables it
    extracted (`tables`), pickled and base64-encoded ('' where the namespace has no such pair)."""
    from analysis.reading.articles import article_id
    from analysis.tables.schema import Tables

    tables, text = namespace.get("tables"), getattr(namespace.get("doc"), "text", None)
    if not isinstance(tables, Tables) or not isinstance(text, str):
        return ""
    return base64.b64encode(pickle.dumps((article_id(text), tables))).decode("ascii")


_TABLES_EXPRESSION = "__import__('analysis.corpus.kernels', fromlist=['_']).tables_payload(globals())"


def notebook_tables(kernel: WarmKernel, article_id: str) -> dict[str, Any] | None:
    """The four tables the article notebook just extracted in the kernel, if it read the article with
    this id (the worker then need not extract them again); None otherwise."""
    value = kernel.run_silently("", expressions={"tables": _TABLES_EXPRESSION}).get("tables")
    payload = ast.literal_eval(value) if value else ""
    if not payload:
        return None
    read_id, tables = pickle.loads(base64.b64decode(payload))  # our own kernel's answer, not article text
    return dict(tables.items()) if read_id == article_id else None


# Run once a warm kernel has imported its notebooks' modules (and once a worker has): the objects loaded
# so far (some 160,000, none of them garbage) leave the collector's view (`gc.freeze`), and the youngest
# generation is collected after 20,000 allocations instead of 700. Drawing a report's plots allocates
# hundreds of thousands of objects: the collector took 37 ms of an article's 446 (8 %), in a shell over
# 20 articles, and 13-16 ms with this. A generation's garbage still goes at its next collection; the
# thresholds of the older ones stay in proportion, so memory stays flat over a run.
GC_THRESHOLDS = (20000, 10, 10)


def tune_gc() -> None:
    """Freeze what is loaded and collect the youngest generation less often (see GC_THRESHOLDS)."""
    import gc

    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


def prepare(kernel: WarmKernel, notebook: Path) -> None:
    """Queue in a started kernel the import of a notebook's modules, then `tune_gc` (nothing waits)."""
    kernel.send_silently(import_lines(notebook) + "\nfrom analysis.corpus.kernels import tune_gc\ntune_gc()")


def import_lines(notebook: Path) -> str:
    """The import statements of a notebook's code cells (to load its modules into a kernel ahead of time)."""
    import nbformat

    nb = nbformat.read(str(notebook), as_version=4)
    lines = []
    for cell in nb.cells:
        if cell.cell_type == "code":
            lines += [line for line in cell.source.splitlines() if line.startswith(("import ", "from "))
                      and "(" not in line and not line.rstrip().endswith("\\")]
    return "\n".join(dict.fromkeys(lines))


def _register_engine() -> None:
    """Register the `warm` papermill engine: execution in a WarmKernel through its long-lived client."""
    from papermill.engines import NBClientEngine, papermill_engines

    from analysis.report.render import papermill_client

    class WarmEngine(NBClientEngine):
        """Runs a notebook in the WarmKernel passed as `warm`, keeping its client (channels) for the next one."""

        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None,
                                     stderr_file=None, start_timeout=60, execution_timeout=None, **kwargs):
            """Execute the managed notebook in kwargs['warm']."""
            warm = kwargs.pop("warm")
            client = papermill_client(nb_man, warm.km, kernel_name, log_output, stdout_file, stderr_file,
                                      start_timeout, execution_timeout or kwargs.get("timeout"))
            client.kc = warm.kc  # None the first time: nbclient opens the channels, we keep them
            try:
                return client.execute()
            finally:
                warm.kc = client.kc

    papermill_engines.register(ENGINE_NAME, WarmEngine)


def execute(kernel: WarmKernel, notebook: Path, parameters: dict[str, Any], timeout: int) -> Any:
    """The notebook executed by papermill (through `report.execute_notebook`) in the warm kernel after
    a namespace reset. A kernel that died or timed out is marked `spoiled` and the error raised at once
    (its replacement is not the failed notebook's time); `renew(kernel)` or the next run replaces it."""
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    from analysis.report import render as report

    _register_engine()
    renew(kernel)
    try:
        kernel.reset()
    except KernelCodeError:
        kernel.restart()
        kernel.reset()
    try:
        return report.execute_notebook(parameters, notebook=Path(notebook), engine_name=ENGINE_NAME,
                                       timeout=timeout, warm=kernel)
    except (DeadKernelError, CellTimeoutError, TimeoutError):
        kernel.spoiled = True
        raise
    except Exception:
        kernel.spoiled = not kernel.alive()
        raise


def renew(kernel: WarmKernel) -> bool:
    """Replace a kernel that died or was left busy by a time-out; whether it was replaced."""
    if not kernel.spoiled and kernel.alive():
        return False
    kernel.restart()
    return True
