"""Telegram Desktop channel exports (result.json) as inputs: each text message an article, through the
reader, `extract` and `batch` (store, index, corpus overview).

tests/data/telegram/export/result.json is a small export written in our own words (see the README
beside it): service messages, a photo and a sticker without text, text and link entities, a forward.
"""
from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import duckdb
import pytest

from analysis.reading.articles import ArticleError, iter_inputs, origin_file, read_input
from analysis.reading.telegram import channel_link, flatten
from faults import assert_one_line_error, batch, run

EXPORT = Path(__file__).parent / "data" / "telegram" / "export" / "result.json"


def _export_folder(where: Path) -> Path:
    """A copy of the export as Telegram Desktop leaves it: result.json with media folders beside it."""
    folder = where / "ChatExport_2024-11-03"
    (folder / "photos").mkdir(parents=True)
    (folder / "files").mkdir()
    shutil.copy(EXPORT, folder / "result.json")
    (folder / "photos" / "photo_1@02-11-2024_08-01-40.jpg").write_bytes(b"\xff\xd8\xff\xe0 not a real photo")
    (folder / "files" / "notes.txt").write_text("An attached document, not a message of the channel.")
    return folder


def test_each_text_message_is_an_article_with_date_source_and_message_link():
    reading = read_input(str(EXPORT))
    got = [(a.published, a.source, a.url, a.origin) for a in reading.articles]
    assert got == [("2024-11-02", "Test Regional Administration", "https://t.me/c/1987654321/2", f"{EXPORT}#2"),
                   ("2024-11-02", "Test Air Force Channel", "https://t.me/c/1987654321/4", f"{EXPORT}#4"),
                   ("2024-11-03", "Test Regional Administration", "https://t.me/c/1987654321/6", f"{EXPORT}#6")]
    assert reading.problems == []


def test_text_entities_are_flattened_and_links_kept():
    first, forward, captioned = read_input(str(EXPORT)).articles
    assert first.text == ("Overnight Russian drones struck Kharkiv, killing one man and injuring 11 people, Governor "
                          "Oleh Syniehubov said. Shelters are open, details on our site "
                          "(https://example.org/kharkiv-shelters).")
    assert forward.text.endswith("the air force said. #airdefence")
    assert captioned.text.endswith("Full report: https://example.org/report"), "a bare link is its own text"


def test_flatten_reads_the_text_field_where_there_are_no_entities():
    assert flatten({"text": ["a ", {"type": "italic", "text": "b"}, " ", {"type": "text_link", "text": "c",
                                                                      "href": "https://x.test/"}]}) == \
        "a b c (https://x.test/)"
    assert flatten({"text": "plain words"}) == "plain words"


def test_service_and_media_only_messages_are_skipped_and_counted():
    reading = read_input(str(EXPORT))
    assert reading.notes == [f"{EXPORT}: 3 Telegram messages read as articles; skipped 2 media-only messages, "
                             "2 service messages"]


def test_the_channel_public_name_makes_public_message_links(tmp_path):
    export = tmp_path / "result.json"
    shutil.copy(EXPORT, export)
    (tmp_path / "result.meta.json").write_text(json.dumps({"channel": "test_region_admin"}))
    assert [a.url for a in read_input(str(export)).articles][0] == "https://t.me/test_region_admin/2"
    assert channel_link({"username": "@other_name", "id": 5}, None) == "other_name"
    assert channel_link({"id": -1001987654321}, None) == "c/1987654321"


def test_a_whole_export_folder_reads_only_its_result_json(tmp_path):
    folder = _export_folder(tmp_path)
    (tmp_path / "loose.txt").write_text("A text file beside the export is still an article.")
    assert iter_inputs([str(tmp_path)]) == [str(folder / "result.json"), str(tmp_path / "loose.txt")]


def test_message_origins_name_their_export():
    assert origin_file(f"{EXPORT}#42") == str(EXPORT)
    assert origin_file("corpus.jsonl:3") == "corpus.jsonl"
    assert origin_file("http://127.0.0.1:8000") == "http://127.0.0.1:8000"


@pytest.mark.parametrize("content, words", [
    ('{"name": "x", "messages": {"id": 1}}', "not a Telegram Desktop export"),
    ('[{"id": 1, "type": "message", "text": "hi"}]', "not a Telegram Desktop export"),
    ('{"name": "x", "messages": [', "not valid JSON"),
    ('{"name": "x", "messages": [{"id": 1, "type": "service", "action": "create_channel"}]}',
     "Telegram export with no text messages (1 service message skipped)"),
])
def test_an_export_not_in_telegram_shape_is_one_line(tmp_path, content, words):
    export = tmp_path / "result.json"
    export.write_text(content, encoding="utf-8")
    with pytest.raises(ArticleError, match="^" + str(export).replace(".", r"\.")):
        read_input(str(export))
    done = run("extract", export, "--out", tmp_path / "out")
    assert_one_line_error(done, str(export), words)
    assert not (tmp_path / "out").exists()


def test_a_malformed_message_is_a_problem_and_the_others_are_read(tmp_path):
    export = tmp_path / "result.json"
    data = json.loads(EXPORT.read_text(encoding="utf-8"))
    data["messages"] += ["not a message", {"id": 9, "type": "poll_answer", "text": "x"}]
    export.write_text(json.dumps(data), encoding="utf-8")
    reading = read_input(str(export))
    assert len(reading.articles) == 3
    assert [str(p) for p in reading.problems] == [f"{export}#[7]: message is not a JSON object",
                                                  f"{export}#9: unknown message type 'poll_answer'"]


def test_extract_writes_one_row_set_per_message_and_says_what_it_skipped(tmp_path):
    done = run("extract", EXPORT, "--out", tmp_path / "out")
    assert done.returncode == 0, done.stderr
    assert "skipped 2 media-only messages, 2 service messages" in done.stderr
    meta = json.loads((tmp_path / "out" / "article.json").read_text())
    assert [m["url"] for m in meta] == [f"https://t.me/c/1987654321/{n}" for n in (2, 4, 6)]
    drones = list(csv.DictReader(open(tmp_path / "out" / "drone_counts.csv", encoding="utf-8")))
    assert [(d["launched"], d["destroyed"], d["date"]) for d in drones] == [("45", "30", "2024-11-02")]


def test_batch_runs_a_whole_export_folder_into_the_store_index_and_overview(tmp_path):
    folder = _export_folder(tmp_path / "in")
    out = tmp_path / "out"
    done = batch(out, folder.parent)
    assert done.returncode == 0, done.stderr
    assert "3 articles" in done.stdout and "0 unreadable inputs" in done.stdout
    assert "skipped 2 media-only messages, 2 service messages" in done.stderr
    con = duckdb.connect(str(out / "corpus.duckdb"), read_only=True)
    articles = con.execute("SELECT source, url, published FROM articles ORDER BY url").fetchall()
    casualties = con.execute("SELECT region, place, killed, injured FROM casualties ORDER BY place").fetchall()
    con.close()
    assert articles == [("Test Regional Administration", "https://t.me/c/1987654321/2", "2024-11-02"),
                        ("Test Air Force Channel", "https://t.me/c/1987654321/4", "2024-11-02"),
                        ("Test Regional Administration", "https://t.me/c/1987654321/6", "2024-11-03")]
    assert casualties == [("Kharkiv Oblast", "Kharkiv", 1, 11), ("Kharkiv Oblast", "Kupiansk", None, 4)]
    index = (out / "index.html").read_text(encoding="utf-8")
    assert '<a href="https://t.me/c/1987654321/4" rel="noopener noreferrer nofollow">Test Air Force Channel</a>' \
        in index
    assert (out / "corpus.html").is_file() and "Corpus overview" in (out / "corpus.html").read_text(encoding="utf-8")
    rerun = batch(out, folder.parent)
    assert rerun.returncode == 0 and "3 unchanged (skipped)" in rerun.stdout


def test_a_whole_account_export_is_read_chat_by_chat(tmp_path):
    chat = json.loads(EXPORT.read_text(encoding="utf-8"))
    other = {"name": "Second Test Channel", "type": "public_channel", "id": 42,
             "messages": [{"id": 7, "type": "message", "date": "2024-11-04T10:00:00",
                           "text": "Russian shelling of Nikopol on Monday injured two people, officials said."}]}
    export = tmp_path / "result.json"
    export.write_text(json.dumps({"about": "account export", "chats": {"list": [chat, other]}}), encoding="utf-8")
    articles = read_input(str(export)).articles
    assert [(a.source, a.url) for a in articles][-2:] == [("Test Regional Administration", "https://t.me/c/1987654321/6"),
                                                         ("Second Test Channel", "https://t.me/c/42/7")]
