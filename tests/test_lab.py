"""JupyterLab, as the README says to explore: `jupyter lab` serves the notebooks on 127.0.0.1, headless
Chromium opens each one, sees its cells, clears the committed outputs, runs it top to bottom from the Run
menu and finds every code cell executed in order, with no error, its outputs drawn. Skipped only where the `lab` extra is not installed (the README's test
command installs it).

Lab runs on copies in a temporary folder laid out like the repository (notebooks/, seeds/ and a corpus
store at reports/corpus.duckdb built from the project's own articles), with its settings, workspaces
and runtime files there too, announcements and update checks off; nothing is fetched.
"""
from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytest.importorskip("jupyterlab", reason="the lab extra is not installed (pip install -e '.[lab]')")

from test_report import browser  # noqa: E402,F401  (the report tests' headless Chromium fixture)

ROOT = Path(__file__).resolve().parents[1]
OWN = [ROOT / "tests" / "data" / name / "articles" for name in ("heldout", "heldout2", "heldout3")]
SEED = ROOT / "seeds" / "000_acd56b5fc5c58b51.txt"


def _free_port() -> int:
    """A TCP port nothing listens on at 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _layout(root: Path) -> None:
    """notebooks/, seeds/ and reports/corpus.duckdb under root, as the notebooks' defaults expect."""
    from analysis.corpus import store
    from analysis.corpus.jobs import read_all, tables_of

    shutil.copytree(ROOT / "notebooks", root / "notebooks")
    shutil.copytree(ROOT / "seeds", root / "seeds")
    (root / "reports").mkdir()
    jobs, _ = read_all([*map(str, OWN), str(SEED)])
    con = store.connect(root / "reports" / "corpus.duckdb")
    store.import_tables(con, tables_of(jobs))
    con.close()


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on 127.0.0.1 over the copied layout: (base URL, token)."""
    root = tmp_path_factory.mktemp("lab")
    _layout(root)
    home = root / ".jupyter-home"
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(home / "config"), "JUPYTER_DATA_DIR": str(home / "data"),
           "JUPYTER_RUNTIME_DIR": str(home / "runtime"), "IPYTHONDIR": str(home / "ipython"), "MPLBACKEND": "Agg"}
    settings = home / "settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    (settings / "tracker.jupyterlab-settings").write_text('{"windowingMode": "none"}')  # every cell in the page
    port, token = _free_port(), secrets.token_hex(16)
    cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
           "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
           f"--LabApp.user_settings_dir={home / 'settings'}", f"--LabApp.workspaces_dir={home / 'workspaces'}",
           "--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
           "--LabApp.extension_manager=readonly"] + (["--allow-root"] if os.geteuid() == 0 else [])
    log = (root / "lab.log").open("w")
    server = subprocess.Popen(cmd, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert server.poll() is None, (root / "lab.log").read_text()[-3000:]
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=5) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            assert time.monotonic() < deadline, "JupyterLab did not answer within 120 s"
            time.sleep(0.5)
        yield base, token
    finally:
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(10)
        log.close()


def _kernels_idle(lab) -> bool:
    """Whether the server runs at least one kernel and every one of them is idle (False while it cannot say)."""
    import json

    base, token = lab
    try:
        with urllib.request.urlopen(f"{base}/api/kernels?token={token}", timeout=5) as answer:
            kernels = json.loads(answer.read())
    except OSError:  # an HTTP 500 while a kernel is still starting, or a slow answer: ask again
        return False
    return bool(kernels) and all(k["execution_state"] == "idle" for k in kernels)


# Every code cell's prompt ("[3]:", "[*]:" while it runs, "[ ]:" before) and the error outputs.
_STATE = """() => ({
  prompts: [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt')].map(p => p.textContent.trim()),
  errors: [...document.querySelectorAll('.jp-Notebook [data-mime-type="application/vnd.jupyter.error"],'
                                         + '.jp-Notebook [data-mime-type="application/vnd.jupyter.stderr"]')]
            .map(e => e.textContent.slice(0, 300)),
  cells: document.querySelectorAll('.jp-Notebook .jp-Cell').length
})"""


def _menu(page, menu: str, item: str) -> None:
    """Focus the notebook and choose menu > item from JupyterLab's menu bar."""
    page.locator(".jp-Notebook .jp-Cell").first.click()
    page.locator(".lm-MenuBar-itemLabel", has_text=menu).first.click()
    page.locator(".lm-Menu-item:not(.lm-mod-disabled) .lm-Menu-itemLabel", has_text=item).first.click()


def _until(page, test, tries: int = 40) -> bool:
    """Whether test(state) holds within tries quarter-seconds."""
    for _ in range(tries):
        if test(page.evaluate(_STATE)):
            return True
        page.wait_for_timeout(250)
    return False


def _clear_then_run_all(page, tries: int = 3) -> None:
    """Edit > Clear Outputs of All Cells (the committed outputs and counts go), then Run > Run All Cells,
    until some cell starts (a menu chosen while the page is still settling may do nothing)."""
    for _ in range(tries):
        _menu(page, "Edit", "Clear Outputs of All Cells")
        if _until(page, lambda state: all(p == "[ ]:" for p in state["prompts"])):
            break
        page.keyboard.press("Escape")
    else:
        raise AssertionError("Edit > Clear Outputs of All Cells cleared nothing")
    for _ in range(tries):
        _menu(page, "Run", "Run All Cells")
        if _until(page, lambda state: any(p != "[ ]:" for p in state["prompts"])):
            return
        page.keyboard.press("Escape")
    raise AssertionError("Run > Run All Cells started no cell")


def _open_and_run_all(browser, lab, notebook: str, timeout_s: int = 240) -> dict:
    """Open a notebook in JupyterLab, wait for its kernel, clear its outputs and run all cells from the
    menus; its final state."""
    import json

    base, token = lab
    cells = json.loads((ROOT / "notebooks" / notebook).read_text(encoding="utf-8"))["cells"]
    code_cells = sum(c["cell_type"] == "code" for c in cells)
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(base) and
            not r.url.startswith(("data:", "blob:", "about:")) else None)
    try:
        workspace = Path(notebook).stem  # a fresh workspace per notebook: only this one is open
        page.goto(f"{base}/lab/workspaces/{workspace}/tree/notebooks/{notebook}?reset&token={token}",
                  wait_until="domcontentloaded")
        page.wait_for_function(f"document.querySelectorAll('.jp-Notebook .jp-Cell').length >= {len(cells)}",
                               timeout=90_000)
        seen = page.evaluate(_STATE)
        assert seen["cells"] == len(cells) and len(seen["prompts"]) == code_cells, "JupyterLab shows every cell"
        deadline = time.monotonic() + 90
        while not _kernels_idle(lab):
            assert time.monotonic() < deadline, "the notebook's kernel did not start"
            page.wait_for_timeout(300)
        _clear_then_run_all(page)
        deadline = time.monotonic() + timeout_s
        state = page.evaluate(_STATE)
        while not (all(p[1:-2].isdigit() for p in state["prompts"]) and _kernels_idle(lab)):
            assert time.monotonic() < deadline, f"not every cell ran within {timeout_s} s: {state['prompts']}"
            page.wait_for_timeout(500)
            state = page.evaluate(_STATE)
        state["outside"] = outside
        state["text"] = page.inner_text(".jp-Notebook")
        return state
    finally:
        page.close()


@pytest.mark.parametrize("notebook,shown", [
    ("article_report.ipynb", ("of them children injured", "Showing 1 to 7 of 7 entries")),  # header, a live table
    ("corpus_report.ipynb", ("incidents where sources disagree", "entries")),
])
def test_notebook_opens_and_runs_top_to_bottom_in_jupyterlab(browser, lab, notebook, shown):
    state = _open_and_run_all(browser, lab, notebook)
    assert state["errors"] == [], state["errors"]
    numbers = [int(p[1:-2]) for p in state["prompts"]]
    assert numbers == list(range(1, len(numbers) + 1)), f"every code cell ran, in order: {state['prompts']}"
    assert all(phrase in state["text"] for phrase in shown), "the new outputs are there, tables drawn by DataTables"
    assert state["outside"] == [], "nothing is fetched from outside the lab server"
