"""The extract command on good and bad inputs: clear one-line messages, no traceback, no partial CSV."""
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from analysis.tables.schema import COLUMNS

ROOT = Path(__file__).parent.parent
SEED = ROOT / "seeds" / "000_acd56b5fc5c58b51.txt"
FILES = ["casualties.csv", "drone_counts.csv", "statements.csv", "deployments.csv", "article.json"]


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "analysis", *args], cwd=ROOT, input=stdin,
                          capture_output=True, timeout=120)


def test_extract_writes_the_four_tables_with_the_spec_columns_and_article_json(tmp_path):
    out = tmp_path / "out"
    result = run("extract", str(SEED), "--published", "2024-11-02", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == sorted(FILES)
    for name, columns in COLUMNS.items():
        assert list(pd.read_csv(out / f"{name}.csv").columns) == list(columns)
    meta = json.loads((out / "article.json").read_text())
    assert meta["id"] == "d2710aebaa36"
    assert [s["kind"] for s in meta["sections"]] == ["report", "transcript"]
    assert len(pd.read_csv(out / "casualties.csv")) == 7


def test_publication_date_comes_from_the_sidecar_when_not_given(tmp_path):
    result = run("extract", str(SEED), "--out", str(tmp_path))
    assert result.returncode == 0
    assert json.loads((tmp_path / "article.json").read_text())["published"] == "2024-11-02"


def test_missing_publication_date_is_said_on_stderr_and_dates_stay_unresolved(tmp_path):
    article = tmp_path / "a.txt"
    article.write_text("Russian shelling of Kherson on Monday killed two people, the governor said.")
    result = run("extract", str(article), "--out", str(tmp_path / "o"))
    assert result.returncode == 0 and b"no publication date" in result.stderr
    row = pd.read_csv(tmp_path / "o" / "casualties.csv").iloc[0]
    assert pd.isna(row["date"]) and row["date_text"] == "on Monday"


def test_stdin_is_read_with_a_dash(tmp_path):
    result = run("extract", "-", "--published", "2024-11-02", "--out", str(tmp_path), stdin=SEED.read_bytes())
    assert result.returncode == 0
    assert len(pd.read_csv(tmp_path / "drone_counts.csv")) == 2


@pytest.mark.parametrize("name,content,message", [
    ("empty.txt", b"", b"empty input"),
    ("blank.txt", b"   \n\t\n", b"empty input"),
    ("binary.txt", bytes(range(256)) * 20, b"binary"),
])
def test_unreadable_input_gets_one_line_and_a_nonzero_exit_and_no_files(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    out = tmp_path / "out"
    result = run("extract", str(path), "--out", str(out))
    assert result.returncode != 0
    assert message in result.stderr and b"Traceback" not in result.stderr
    assert len(result.stderr.decode().strip().splitlines()) == 1
    assert not out.exists() or not any(out.iterdir())


def test_huge_input_is_refused_unless_the_limit_is_raised(tmp_path):
    path = tmp_path / "huge.txt"
    line = b"Kyiv was quiet on Sunday, residents said.\n"
    path.write_bytes(line * (50_000_000 // len(line)))
    result = run("extract", str(path), "--out", str(tmp_path / "o"))
    assert result.returncode != 0 and b"--max-bytes" in result.stderr and b"Traceback" not in result.stderr
    assert not (tmp_path / "o").exists()


def test_non_utf8_text_is_decoded_with_a_warning(tmp_path):
    path = tmp_path / "latin.txt"
    path.write_bytes("Russian shelling of Kherson killed two people, the governor said. Café.".encode("cp1252"))
    result = run("extract", str(path), "--published", "2025-01-01", "--out", str(tmp_path / "o"))
    assert result.returncode == 0 and b"not UTF-8" in result.stderr
    assert len(pd.read_csv(tmp_path / "o" / "casualties.csv")) == 1


def test_html_page_keeps_the_article_and_drops_scripts_menus_and_related_links(tmp_path):
    page = tmp_path / "page.html"
    page.write_text("""<!doctype html><html><head><title>Strike on Odesa</title>
<script>document.write('Russian drones killed 99 people in Lviv')</script></head><body>
<nav><a href="/">Home</a> | <a href="/news">News</a> | <a href="/world">World</a></nav>
<article><h1>Strike on Odesa</h1>
<p>Three people died and eight were hurt when Russian missiles struck port infrastructure in Odesa overnight, regional authorities said on Tuesday.</p>
<p>The attack damaged a grain terminal and two warehouses, according to the Odesa regional military administration.</p>
</article><aside><h2>Related articles</h2><ul><li>Drone attack on Kharkiv kills four, injures 19</li></ul></aside>
<footer>© 2025 Example News. All rights reserved. Leave a reply</footer></body></html>""")
    result = run("extract", str(page), "--published", "2025-06-03", "--out", str(tmp_path / "o"))
    assert result.returncode == 0, result.stderr
    rows = pd.read_csv(tmp_path / "o" / "casualties.csv")
    assert list(zip(rows["place"], rows["killed"], rows["injured"])) == [("Odesa", 3, 8)]


def test_article_with_no_events_gives_valid_empty_tables(tmp_path):
    path = tmp_path / "calm.txt"
    path.write_text("The museum reopened on Sunday with an exhibition of folk costumes. Visitors queued for hours.")
    result = run("extract", str(path), "--published", "2025-01-01", "--out", str(tmp_path / "o"))
    assert result.returncode == 0
    for name, columns in COLUMNS.items():
        frame = pd.read_csv(tmp_path / "o" / f"{name}.csv")
        assert frame.empty and list(frame.columns) == list(columns)


def test_non_english_article_gets_a_warning_and_empty_tables(tmp_path):
    path = tmp_path / "uk.txt"
    path.write_text("Російські дрони атакували Харків уночі, загинули двоє людей, повідомив губернатор.")
    result = run("extract", str(path), "--published", "2025-01-01", "--out", str(tmp_path / "o"))
    assert result.returncode == 0 and b"non-Latin" in result.stderr
    assert all(pd.read_csv(tmp_path / "o" / f"{name}.csv").empty for name in COLUMNS)


def test_jsonl_corpus_extracts_good_lines_and_reports_bad_ones(tmp_path):
    path = tmp_path / "corpus.jsonl"
    good = {"text": "Russian shelling of Kherson killed two people, the governor said.", "published": "2025-01-01"}
    path.write_text(json.dumps(good) + "\n{not json\n" + json.dumps({"title": "no text"}) + "\n")
    result = run("extract", str(path), "--out", str(tmp_path / "o"))
    assert result.returncode == 0
    assert result.stderr.count(b"skipped") == 2
    assert len(pd.read_csv(tmp_path / "o" / "casualties.csv")) == 1


def test_a_failed_write_leaves_no_partial_csv(tmp_path, monkeypatch):
    from analysis import files

    target = tmp_path / "t.csv"
    target.write_text("old complete file\n")

    class Boom(Exception):
        pass

    def failing_replace(src, dst):
        raise Boom()

    monkeypatch.setattr(files.os, "replace", failing_replace)
    with pytest.raises(Boom):
        files.write_atomic(target, "new,partial\n")
    monkeypatch.undo()
    assert target.read_text() == "old complete file\n"
    assert [p.name for p in tmp_path.iterdir()] == ["t.csv"]


def test_written_tables_are_readable_by_others(tmp_path):
    result = run("extract", str(SEED), "--published", "2024-11-02", "--out", str(tmp_path / "o"))
    assert result.returncode == 0
    assert all((p.stat().st_mode & 0o777) == 0o644 for p in (tmp_path / "o").iterdir())


@pytest.mark.parametrize("args,message", [
    (["extract", str(SEED), "--published", "2024-13-45", "--out", "{tmp}/o"], b"not a date"),
    (["report", "-", "--out", "{tmp}/o"], b"needs an article file"),
    (["evaluate", "{tmp}"], b"no gold"),
])
def test_wrong_arguments_get_one_line_and_exit_2(tmp_path, args, message):
    result = run(*[a.replace("{tmp}", str(tmp_path)) for a in args])
    assert result.returncode == 2 and message in result.stderr and b"Traceback" not in result.stderr


def test_an_existing_file_where_the_out_folder_should_be_is_one_line_not_a_traceback(tmp_path):
    blocker = tmp_path / "out"
    blocker.write_text("not a folder")
    result = run("extract", str(SEED), "--published", "2024-11-02", "--out", str(blocker))
    assert result.returncode == 2 and b"error:" in result.stderr and b"Traceback" not in result.stderr
    assert blocker.read_text() == "not a folder"


def test_utf16_text_with_a_byte_order_mark_is_read(tmp_path):
    path = tmp_path / "u16.txt"
    path.write_bytes("Russian shelling of Kherson killed two people, the governor said.".encode("utf-16"))
    result = run("extract", str(path), "--published", "2025-01-01", "--out", str(tmp_path / "o"))
    assert result.returncode == 0 and b"UTF-16" in result.stderr
    assert len(pd.read_csv(tmp_path / "o" / "casualties.csv")) == 1


def test_a_broken_metadata_sidecar_is_named_in_one_line(tmp_path):
    article = tmp_path / "a.txt"
    article.write_text("Russian shelling of Kherson killed two people, the governor said.")
    (tmp_path / "a.meta.json").write_text("{not json")
    result = run("extract", str(article), "--out", str(tmp_path / "o"))
    assert result.returncode == 2 and b"a.meta.json" in result.stderr and b"Traceback" not in result.stderr


def test_a_text_file_quoting_html_is_read_as_text(tmp_path):
    article = tmp_path / "a.txt"
    article.write_text("<html> tags appear in this text.\nRussian shelling of Kherson killed two people, officials said.")
    result = run("extract", str(article), "--published", "2025-01-01", "--out", str(tmp_path / "o"))
    meta = json.loads((tmp_path / "o" / "article.json").read_text())
    assert result.returncode == 0 and meta["sections"][0]["end"] > 90
