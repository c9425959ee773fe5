"""nbval on the committed report notebook: it passes as committed and fails when an extracted figure changes."""
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
NOTEBOOK = ROOT / "notebooks" / "article_report.ipynb"
SANITIZE = ROOT / "tests" / "nbval_sanitize.cfg"
SEED = ROOT / "seeds" / "000_acd56b5fc5c58b51.txt"


def nbval(notebook: Path, cwd: Path) -> subprocess.CompletedProcess:
    """`pytest --nbval NOTEBOOK --nbval-sanitize-with tests/nbval_sanitize.cfg` in a child process."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)}
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "--nbval", str(notebook),
                           "--nbval-sanitize-with", str(SANITIZE), "--rootdir", str(cwd)],
                          cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def copy_with(tmp_path: Path, article: Path, alter_stored_output: bool) -> Path:
    """A copy of the committed notebook reading `article`, its stored incident count raised by one if asked."""
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    (params,) = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    source = "".join(params["source"])
    params["source"] = re.sub(r'^article = "[^"]*"', f"article = {json.dumps(str(article))}", source, flags=re.M)
    if alter_stored_output:
        altered = 0
        for cell in nb["cells"]:
            for output in cell.get("outputs", []):
                page = "".join(output.get("data", {}).get("text/html", []))
                if 'class="wn-header"' in page:
                    new = re.sub(r'<td class="wn-n">(\d+)</td><td>incidents</td>',
                                 lambda m: f'<td class="wn-n">{int(m.group(1)) + 1}</td><td>incidents</td>', page)
                    altered += new != page
                    output["data"]["text/html"] = new
        assert altered == 1
    copy = tmp_path / "article_report.ipynb"
    copy.write_text(json.dumps(nb), encoding="utf-8")
    return copy


def test_committed_notebook_passes_nbval():
    result = nbval(NOTEBOOK, ROOT)
    assert result.returncode == 0, result.stdout[-3000:]
    assert re.search(r"\d+ passed", result.stdout)


def test_committed_notebook_holds_the_outputs_of_its_run_on_the_seed():
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert "parameters" in code[0]["metadata"]["tags"]
    assert all(c["outputs"] for c in code[2:]), "every cell after the imports shows something"
    assert "papermill" not in nb["metadata"], "run metadata (timings, local paths) is stripped"
    header = "".join(code[2]["outputs"][0]["data"]["text/html"])
    assert "d2710aebaa36" in header and "000_acd56b5fc5c58b51.txt" in header


@pytest.mark.parametrize("how", ["stored output altered", "article figure changed"])
def test_nbval_fails_when_an_extracted_figure_changes(tmp_path, how):
    if how == "stored output altered":
        copy = copy_with(tmp_path, SEED, alter_stored_output=True)
    else:  # the extraction now reads 37 injured in Kharkiv instead of 36
        article = tmp_path / "seed_changed.txt"
        text = SEED.read_text(encoding="utf-8")
        assert text.count("injuring 36 others") == 1
        article.write_text(text.replace("injuring 36 others", "injuring 37 others"), encoding="utf-8")
        copy = copy_with(tmp_path, article, alter_stored_output=False)
    result = nbval(copy, tmp_path)
    assert result.returncode == 1, result.stdout[-3000:]
    failed = set(re.findall(r"FAILED \S+::Cell (\d+)", result.stdout))
    # the header (headline figures) and, where the article changed, the casualties table itself
    expected = {code_cell('html_output(header_html(')} if how == "stored output altered" else \
        {code_cell('html_output(header_html('), code_cell('tables.casualties, "casualties"')}
    assert expected <= {int(n) for n in failed}, result.stdout[-3000:]


def code_cell(snippet: str) -> int:
    """nbval's number of the code cell whose source holds `snippet`."""
    code = [c for c in json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "code"]
    (index,) = [i for i, c in enumerate(code) if snippet in "".join(c["source"])]
    return index
