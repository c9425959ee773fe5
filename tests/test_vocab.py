"""Vocabularies as data: the packaged files load and say what their columns mean; a user's folder
adds words (a village, a drone name, a reporting verb) to extract, report and batch; a malformed
file is one line naming the file and line."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from analysis import extract_rows
from analysis.language import vocab

ROOT = Path(__file__).resolve().parents[1]
# Our own words: a village the gazetteer lacks, a drone type it does not know, a verb it does not read.
TEXT = ("Russian shelling hit Sosnivka-Zarichna on Tuesday, killing a 64-year-old man and wounding three "
        "others, regional officials said. Overnight, Ukraine launched 30 Lyutyi drones at an oil depot in "
        "Russia, a military source said.\n\nMayor Ivan Kovalenko fumed that the town had no shelters left.\n")
PUBLISHED = "2025-03-06"


@pytest.fixture()
def user_vocab(tmp_path: Path) -> Path:
    """A user's vocabulary folder with one village, one drone type and one reporting verb."""
    folder = tmp_path / "my-words"
    folder.mkdir()
    (folder / "places.csv").write_text("name,kind,country,region,lat,lon,variants\n"
                                       "Sosnivka-Zarichna,city,Ukraine,Kharkiv Oblast,49.9,36.5,Sosnivka Zarichna\n")
    (folder / "weapons.csv").write_text("# a drone our region's reports name\nterm,weapon,type,class,counted\n"
                                        "Lyutyi,drone,Lyutyi,drone,both\n")
    (folder / "reporting_verbs.csv").write_text("term\nfumed\n")
    return folder


def test_every_packaged_file_loads_and_opens_with_what_its_columns_mean():
    packaged = {p.stem for p in vocab.PACKAGED.glob("*.csv")}
    assert packaged == set(vocab.FILES)
    loaded = vocab.load(())
    for name in vocab.FILES:
        text = (vocab.PACKAGED / f"{name}.csv").read_text(encoding="utf-8")
        assert text.startswith("# "), name
        assert loaded.rows(name), name


def test_the_packaged_words_drive_extraction():
    rows = extract_rows("Russian drones hit Kharkiv overnight, killing two people, Governor Oleh Syniehubov said.",
                        PUBLISHED)
    assert [(r["region"], r["killed"], r["weapon"]) for r in rows["casualties"]] == [("Kharkiv Oblast", 2, "drone")]


def test_a_users_village_drone_and_verb_are_read_with_their_folder(user_vocab):
    plain = extract_rows(TEXT, PUBLISHED)
    assert plain["casualties"] == [] and plain["drone_counts"] == []
    assert "Ivan Kovalenko" not in {r["speaker"] for r in plain["statements"]}
    rows = extract_rows(TEXT, PUBLISHED, vocab=user_vocab)
    assert [(r["region"], r["place"], r["killed"], r["injured"]) for r in rows["casualties"]] == [
        ("Kharkiv Oblast", "Sosnivka-Zarichna", 1, 3)]
    assert [(r["attacker"], r["weapon"], r["weapon_class"], r["launched"]) for r in rows["drone_counts"]] == [
        ("Ukraine", "Lyutyi", "drone", 30)]
    assert ("Ivan Kovalenko", "fumed") in {(r["speaker"], r["cue"]) for r in rows["statements"]}


def test_a_users_words_do_not_leak_into_the_next_extraction(user_vocab):
    extract_rows(TEXT, PUBLISHED, vocab=user_vocab)
    assert extract_rows(TEXT, PUBLISHED)["casualties"] == []
    with vocab.using(user_vocab):
        assert len(extract_rows(TEXT, PUBLISHED)["casualties"]) == 1  # None keeps the active vocabulary


@pytest.mark.parametrize("name, content, message", [
    ("places.csv", "name,kind\nX,city\n", "places.csv:1: header is 'name,kind'"),
    ("weapons.csv", "# note\nterm,weapon,type,class,counted\nLyutyi,drone,Lyutyi,boat,noun\n",
     "weapons.csv:3: class 'boat' is not one of drone, missile"),
    ("reporting_verbs.csv", "term\nfumed,loudly\n", "reporting_verbs.csv:2: 2 fields, expected 1"),
    ("sides.csv", "term,side\nkyivan,\n", "sides.csv:2: column 'side' is empty"),
    ("drones.csv", "term\nx\n", "drones.csv: not a vocabulary file"),
    ("titles.csv", b"term\n\xff\xfe\n", "titles.csv: not UTF-8 text"),
])
def test_a_malformed_file_is_an_error_naming_the_file_and_line(tmp_path, name, content, message):
    (tmp_path / name).write_bytes(content if isinstance(content, bytes) else content.encode())
    with pytest.raises(vocab.VocabError, match=message.replace("(", r"\(").replace(")", r"\)")):
        vocab.resolve(tmp_path)


def test_a_term_reads_spaces_word_endings_and_numbers():
    import re

    pattern = re.compile(rf"\b{vocab.alternation(['shot down', 'Kh-#', 'Iskander*'])}\b")
    assert [m.group(0) for m in pattern.finditer("Kh-101, Iskander-Ms shot\n down, Kh-x")] == [
        "Kh-101", "Iskander-Ms", "shot\n down"]


def run(*args: str) -> subprocess.CompletedProcess:
    """`python -m analysis ARGS` in the project root."""
    return subprocess.run([sys.executable, "-m", "analysis", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=600)


def test_extract_takes_a_vocab_folder(tmp_path, user_vocab):
    article = tmp_path / "article.txt"
    article.write_text(TEXT)
    done = run("extract", str(article), "--published", PUBLISHED, "--out", str(tmp_path / "out"),
               "--vocab", str(user_vocab))
    assert done.returncode == 0, done.stderr
    assert "Sosnivka-Zarichna" in (tmp_path / "out" / "casualties.csv").read_text()
    assert "Lyutyi" in (tmp_path / "out" / "drone_counts.csv").read_text()


def test_a_malformed_vocab_folder_stops_extract_with_one_line_and_no_files(tmp_path, user_vocab):
    (user_vocab / "places.csv").write_text("name,kind,country,region,lat,lon,variants\nNowhere,hamlet,Ukraine,,,,\n")
    article = tmp_path / "article.txt"
    article.write_text(TEXT)
    done = run("extract", str(article), "--out", str(tmp_path / "out"), "--vocab", str(user_vocab))
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        f"error: {user_vocab / 'places.csv'}:2: kind 'hamlet' is not one of city, country, region"]
    assert not (tmp_path / "out").exists()


def test_report_reads_the_users_words(tmp_path, user_vocab):
    article = tmp_path / "article.txt"
    article.write_text(TEXT)
    done = run("report", str(article), "--published", PUBLISHED, "--out", str(tmp_path / "reports"),
               "--vocab", str(user_vocab), "--slug", "mine")
    assert done.returncode == 0, done.stderr[-2000:]
    html = (tmp_path / "reports" / "mine.html").read_text()
    assert "Sosnivka-Zarichna" in html and "Lyutyi" in html
    executed = json.loads((tmp_path / "reports" / "mine.ipynb").read_text())
    injected = next(c for c in executed["cells"] if "injected-parameters" in c["metadata"].get("tags", []))
    assert str(user_vocab) in "".join(injected["source"])


def test_batch_reads_the_users_words_and_reruns_when_they_change(tmp_path, user_vocab):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "article.txt").write_text(TEXT)
    (tmp_path / "in" / "article.meta.json").write_text(json.dumps({"published": PUBLISHED}))
    out = tmp_path / "out"
    args = ("batch", str(tmp_path / "in"), "--out", str(out), "--workers", "1", "--quiet", "--vocab", str(user_vocab))
    done = run(*args)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "1 reported" in done.stdout
    [folder] = list((out / "articles").iterdir())
    assert "Sosnivka-Zarichna" in (folder / "casualties.csv").read_text()
    assert "Sosnivka-Zarichna" in (folder / "report.html").read_text()
    assert "0 reported" in run(*args).stdout  # unchanged words: nothing to redo
    (user_vocab / "places.csv").write_text("name,kind,country,region,lat,lon,variants\n"
                                           "Sosnivka-Zarichna,city,Ukraine,Sumy Oblast,50.9,34.8,\n")
    again = run(*args)
    assert "1 reported" in again.stdout, again.stdout
    assert "Sumy Oblast" in (folder / "casualties.csv").read_text()
