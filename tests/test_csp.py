"""The Content-Security-Policy every page carries: the hashes of its own inline scripts, nothing else."""
from __future__ import annotations

import base64
import hashlib
import re

from analysis.corpus.index_page import SCRIPT, empty_rows, index_html
from analysis.report.csp import SCRIPTS_KEY, declared_scripts, inline_scripts, policy, script_hash, with_csp

PAGE = ('<!DOCTYPE html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" '
        'content="script-src \'unsafe-inline\'"></head><body><script>var a = 1;\r\nvar b = 2;</script>'
        '<script src="x.js"></script><script type="module">import("./m.js")</script><p>text</p></body></html>')


def _policy(page: str) -> str:
    """The page's policy."""
    return re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1)


def test_a_script_hash_is_what_browsers_compute_with_line_breaks_normalised():
    expected = base64.b64encode(hashlib.sha256(b"var a = 1;\nvar b = 2;").digest()).decode()
    assert script_hash("var a = 1;\r\nvar b = 2;") == f"'sha256-{expected}'"


def test_only_inline_scripts_are_hashed_and_the_old_policy_is_replaced():
    page = with_csp(PAGE)
    assert page.count("Content-Security-Policy") == 1 and "'unsafe-inline'" not in _policy(page).split("style-src")[0]
    assert inline_scripts(PAGE) == ["var a = 1;\r\nvar b = 2;", 'import("./m.js")']
    sources = next(d for d in _policy(page).split(";") if "script-src" in d).split()[1:]
    assert sources == [script_hash(s) for s in inline_scripts(PAGE)]
    assert page.index("charset") < page.index("Content-Security-Policy"), "the charset stays first"


def test_a_page_with_no_script_allows_none():
    assert "script-src 'none'" in policy("<html><head></head><body><p>x</p></body></html>")


def test_the_index_page_allows_exactly_its_sorting_script():
    page = index_html(empty_rows())
    assert f"script-src {script_hash(SCRIPT)}" in _policy(page) and "unsafe" not in _policy(page).split("style-src")[0]
    assert "'unsafe-eval'" not in page


def _notebook(*outputs: tuple[str, list[str] | None]) -> dict:
    """A notebook of one code cell whose HTML outputs declare the given script hashes (None: no metadata)."""
    return {"cells": [{"cell_type": "code", "outputs": [
        {"output_type": "display_data", "data": {"text/html": html},
         "metadata": {} if hashes is None else {"text/html": {SCRIPTS_KEY: hashes}}} for html, hashes in outputs]}]}


def test_only_the_scripts_an_output_declares_are_allowed_in_the_page():
    ours, stray = "var table = 1;", "window.__pwned = 1;"
    nb = _notebook((f"<script>{ours}</script>", [script_hash(ours)]), (f"<p>text</p><script>{stray}</script>", None))
    assert declared_scripts(nb) == {script_hash(ours)}
    page = with_csp(f"<html><head></head><body><script>{ours}</script><script>{stray}</script></body></html>",
                    declared_scripts(nb))
    sources = next(d for d in _policy(page).split(";") if "script-src" in d).split()[1:]
    assert sources == [script_hash(ours)]
    assert "blob:" not in sources and script_hash(stray) not in _policy(page)


def test_a_page_whose_outputs_declare_no_script_allows_none():
    page = with_csp("<html><head></head><body><script>window.x = 1;</script></body></html>", set())
    assert "script-src 'none'" in _policy(page)


def test_an_interactive_table_declares_its_scripts_and_other_markup_none():
    import pandas as pd

    from analysis.report import interactive

    table = interactive.interactive_table(pd.DataFrame({"statement_id": ["s1"], "text": ["</script><script>x()"]}),
                                          "statements")
    hashes = table.metadata[SCRIPTS_KEY]
    assert len(hashes) == interactive.table_scripts() >= 1
    assert hashes == sorted(script_hash(s) for s in inline_scripts(table.data))
    broken = interactive.declared(table.data + "<script>window.__pwned = 1;</script>", scripts=interactive.table_scripts())
    assert broken.metadata[SCRIPTS_KEY] == [], "one script more than itables writes: none declared"


def test_declared_sources_are_hashes_and_blob_only_and_are_the_policy_as_declared():
    ours = "var u = URL.createObjectURL(new Blob([]));"
    nb = _notebook((f"<script>{ours}</script>", [script_hash(ours), "blob:", "'unsafe-inline'", "https://cdn.example"]))
    assert declared_scripts(nb) == {script_hash(ours), "blob:"}, "only a hash or blob: may be declared"
    page = with_csp("<html><head></head><body><p>the script was dropped on the way</p></body></html>",
                    declared_scripts(nb))
    assert next(d for d in _policy(page).split(";") if "script-src" in d).split()[1:] == [script_hash(ours), "blob:"]

