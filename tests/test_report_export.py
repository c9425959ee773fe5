"""The report's HTML export: nbconvert's page as a document, without its BeautifulSoup re-serialisation."""
from __future__ import annotations

import nbformat
from bs4 import BeautifulSoup

from analysis.report.exporter import MISSING_ALT, outside_raw_text
from analysis.report.render import NOTEBOOK, html_exporter


def test_the_export_is_the_same_document_as_nbconvert_makes_of_the_committed_report():
    from nbconvert import HTMLExporter

    nb = nbformat.read(NOTEBOOK, as_version=4)
    ours = html_exporter()
    theirs = HTMLExporter(template_name=ours.template_name, extra_template_basedirs=ours.extra_template_basedirs,
                          exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True,
                          embed_images=True)
    page, _ = ours.from_notebook_node(nb, resources={"metadata": {"name": "r"}})
    expected, _ = theirs.from_notebook_node(nb, resources={"metadata": {"name": "r"}})
    assert 'tabindex="0"' in page and page.count("<script") == expected.count("<script")
    assert str(BeautifulSoup(page, features="html.parser")) == expected


def test_areas_become_focusable_and_images_described_but_script_text_is_left_alone():
    script = '<script>var s = \'<div class="jp-OutputArea-output">\' + "<img src=x>";</script>'
    page = ('<div class="jp-Cell jp-OutputArea-output x" data-mime-type="text/html"><img src="a.png">'
            f'<img src="b.png" alt="a map"/></div>{script}<style>.x{{content:"<img>"}}</style>'
            '<div class="jp-OutputArea-output" tabindex="-1"></div><div class="jp-OutputArea-outputs"></div>')
    out = outside_raw_text(page)
    assert out.startswith('<div class="jp-Cell jp-OutputArea-output x" data-mime-type="text/html" tabindex="0">')
    assert f'<img src="a.png" alt="{MISSING_ALT}">' in out and '<img src="b.png" alt="a map"/>' in out
    assert script in out and '<style>.x{content:"<img>"}</style>' in out, "raw text byte for byte"
    assert '<div class="jp-OutputArea-output" tabindex="-1">' in out, "a tabindex already there is kept"
    assert '<div class="jp-OutputArea-outputs">' in out, "only the class itself, not a longer one"
    tricky = outside_raw_text('<img src="data:x;alt=1" title=\'alt="no"\' />')
    assert tricky == f'<img src="data:x;alt=1" title=\'alt="no"\' alt="{MISSING_ALT}"/>', "alt inside a value is no alt"


def test_papermill_serialises_no_notebook_for_no_path_and_still_writes_one_to_a_path(tmp_path, monkeypatch):
    import papermill.execute as pm_execute
    import papermill.iorw

    from analysis.report import render

    render._no_save_to_nowhere()
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("x")])
    written = []
    monkeypatch.setattr(papermill.iorw.nbformat, "writes", lambda node: written.append(node) or "{}")
    pm_execute.write_ipynb(nb, None)
    assert written == [], "nothing serialised for nowhere"
    pm_execute.write_ipynb(nb, str(tmp_path / "out.ipynb"))
    assert written == [nb] and (tmp_path / "out.ipynb").read_text() == "{}"
