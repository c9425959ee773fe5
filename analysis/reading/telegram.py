"""Telegram Desktop channel exports ("Export chat history" as JSON, `result.json`): each text message an article.

A message's text entities are flattened to plain text (a link's address kept after its words), its
date is the article's publication date, its source the channel (a forwarded message keeps the channel
it came from), its url the message link `https://t.me/<channel>/<id>`. The export does not hold the
channel's public name: it is taken from a `username` field where the export has one, else from
`"channel"` in a `result.meta.json` beside it, else the link is the members' form `t.me/c/<id>/<message>`.
Service messages (joins, pins, title changes) and messages with only media are skipped and counted.
"""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from analysis.reading.articles import Article, ArticleError, Problem, Reading, _iso_or_none, _str

EXPORT_NAME = "result.json"
MAX_EXPORT_BYTES = 200_000_000  # a whole export; each message is held to --max-bytes
MEDIA_KEYS = ("photo", "file", "media_type", "sticker_emoji", "poll", "location_information", "contact_information",
              "game_title", "invoice_information", "place_name")


def read_export(text: str, origin: str, max_bytes: int) -> Reading:
    """The articles of an export's text messages, problems with malformed messages, and a note of what was skipped."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise ArticleError(f"{origin}: not valid JSON ({err.msg} at line {err.lineno}); "
                           "expected a Telegram Desktop export (result.json)") from None
    chats = _chats(data, origin)
    articles: list[Article] = []
    problems: list[Problem] = []
    skipped: Counter[str] = Counter()
    for chat in chats:
        link = channel_link(chat, _sidecar_channel(origin))
        for number, message in enumerate(chat["messages"]):
            kind = message_kind(message)
            where = f"{origin}#{message.get('id', f'[{number}]')}" if isinstance(message, dict) else \
                f"{origin}#[{number}]"
            if kind in ("service", "media-only", "empty"):
                skipped[kind] += 1
            elif kind != "text":
                problems.append(Problem(where, kind))
            elif len(flatten(message).encode("utf-8")) > max_bytes:
                problems.append(Problem(where, f"message over the {max_bytes:,}-byte limit (raise it with --max-bytes)"))
            else:
                articles.append(message_article(message, chat, link, where))
    if not articles and not problems:
        raise ArticleError(f"{origin}: Telegram export with no text messages ({skipped_words(skipped)} skipped)")
    note = f"{origin}: {len(articles)} Telegram messages read as articles; skipped {skipped_words(skipped)}"
    return Reading(articles, problems, [note])


def _chats(data: object, origin: str) -> list[dict]:
    """The chats of an export: the one chat of a chat export, or each chat of a whole-account export."""
    if isinstance(data, dict) and isinstance(data.get("messages"), list):
        return [data]
    listed = data.get("chats", {}).get("list") if isinstance(data, dict) and isinstance(data.get("chats"), dict) \
        else None
    if isinstance(listed, list) and listed and all(isinstance(c, dict) and isinstance(c.get("messages"), list)
                                                   for c in listed):
        return listed
    raise ArticleError(f"{origin}: not a Telegram Desktop export (expected a JSON object with a 'messages' list)")


def message_kind(message: object) -> str:
    """'text', 'service', 'media-only' or 'empty' for a message; for a malformed one, what is wrong with it."""
    if not isinstance(message, dict):
        return "message is not a JSON object"
    if message.get("type") == "service":
        return "service"
    if message.get("type") != "message":
        return f"unknown message type {str(message.get('type'))[:40]!r}"
    if not isinstance(message.get("id"), int):
        return "message without a numeric id"
    if flatten(message).strip():
        return "text"
    return "media-only" if any(message.get(k) for k in MEDIA_KEYS) else "empty"


def flatten(message: dict) -> str:
    """A message's text as plain text: its entities' words joined, a link's address after its words."""
    parts = message.get("text_entities")
    if not isinstance(parts, list):
        parts = message.get("text")
        parts = parts if isinstance(parts, list) else [parts]
    out = []
    for part in parts:
        if isinstance(part, str):
            out.append(part)
        elif isinstance(part, dict) and isinstance(part.get("text"), str):
            words, href = part["text"], part.get("href")
            out.append(f"{words} ({href})" if isinstance(href, str) and href and href not in words else words)
    return "".join(out)


def message_article(message: dict, chat: dict, link: str, origin: str) -> Article:
    """One text message as an article."""
    forwarded = "forwarded_from" in message
    source = _str(message.get("forwarded_from")) if forwarded else _str(chat.get("name"))
    return Article(text=flatten(message), published=_iso_or_none(message.get("date")), source=source,
                   url=f"https://t.me/{link}/{message['id']}", origin=origin)


def channel_link(chat: dict, sidecar: str | None) -> str:
    """The channel part of a message link: its public name where known, else `c/<numeric id>`."""
    for name in (chat.get("username"), sidecar):
        if isinstance(name, str) and name.strip().lstrip("@").replace("_", "").isalnum():
            return name.strip().lstrip("@")
    raw = str(chat.get("id", ""))
    number = raw[4:] if raw.startswith("-100") else raw.lstrip("-")
    return f"c/{number}" if number.isdigit() else "c/unknown"


def _sidecar_channel(origin: str) -> str | None:
    """`channel` of a `result.meta.json` beside the export, where there is one."""
    side = Path(origin).with_suffix(".meta.json")
    try:
        meta = json.loads(side.read_text(encoding="utf-8")) if side.is_file() else {}
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ArticleError(f"{side}: unreadable metadata sidecar ({err})") from None
    return _str(meta.get("channel")) if isinstance(meta, dict) else None


def skipped_words(skipped: Counter) -> str:
    """What was skipped, in words ("2 service messages, 1 media-only message")."""
    parts = [f"{n} {kind} message{'s' if n != 1 else ''}" for kind, n in sorted(skipped.items()) if n]
    return ", ".join(parts) if parts else "no messages"
