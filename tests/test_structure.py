"""The layout of an article: boilerplate, headings, transcripts and sentences."""
from pathlib import Path

from analysis.reading.structure import layout, split_sentences

SEED = Path(__file__).parent.parent / "seeds" / "000_acd56b5fc5c58b51.txt"


def test_seed_holds_a_report_then_an_interview_transcript():
    sections = layout(SEED.read_text(encoding="utf-8")).sections
    assert [s.kind for s in sections] == ["report", "transcript"]
    assert sections[1].title.startswith("Interview Between Time.news Editor")


def test_transcript_turns_carry_their_labels():
    paras = layout(SEED.read_text(encoding="utf-8")).paragraphs
    turns = [p for p in paras if p.kind == "turn"]
    assert [t.label for t in turns[:4]] == ["Editor", "Analyst", "Editor", "Analyst"]
    assert len(turns) == 14


def test_page_furniture_and_link_lists_are_boilerplate():
    text = ("Skip to main content\nHome | News | World | Europe\nShare this: Facebook | X | Email\n"
            "Strike hits port\nBy Staff Reporter\nPublished 3 June 2025, 11:42\n"
            "Three people died, officials said.\nAdvertisement\nRelated articles\n"
            "- Drone attack on Kharkiv kills four, injures 19\nFollow AP’s coverage of the war at\n"
            "© 2025 Example News. All rights reserved.")
    kinds = {p.text: p.kind for p in layout(text).paragraphs}
    assert kinds["Three people died, officials said."] == "body"
    assert kinds["Strike hits port"] == "heading"
    assert kinds["- Drone attack on Kharkiv kills four, injures 19"] == "boilerplate"
    assert all(k == "boilerplate" for t, k in kinds.items() if t not in ("Three people died, officials said.", "Strike hits port"))


def test_editors_note_is_not_a_transcript_turn():
    text = "Editor's note: an earlier version misspelled a name.\nKyiv was calm on Sunday."
    assert all(p.kind != "turn" for p in layout(text).paragraphs)


def test_sentences_do_not_end_at_abbreviations_or_initials():
    text = "Gen. Oleksandr Syrskyi met U.S. officials at 3 a.m. on Monday. He left."
    assert [s.text for s in split_sentences(text, 0, len(text), 0)] == [
        "Gen. Oleksandr Syrskyi met U.S. officials at 3 a.m. on Monday.", "He left."]


def test_hard_wrapped_lines_join_into_one_paragraph():
    text = "Russian drones struck Kharkiv overnight,\nkilling two people, the governor said.\n\nNext paragraph."
    assert [p.text for p in layout(text).paragraphs][0].endswith("the governor said.")


def test_markdown_bold_and_parenthesised_turn_labels_are_turns():
    text = ("Interview with a military analyst\n**Editor:** What happened overnight?\n"
            "**Dr. Jane Smith:** Russia launched more drones.\n**Editor:** Why now?\n**Dr. Jane Smith:** Winter.")
    turns = [p for p in layout(text).paragraphs if p.kind == "turn"]
    assert [t.label for t in turns] == ["Editor", "Dr. Jane Smith", "Editor", "Dr. Jane Smith"]


def test_wire_contributor_lines_are_boilerplate():
    text = "Kyiv was hit overnight, officials said.\nAssociated Press writer Jane Doe in Kyiv contributed to this report."
    assert [p.kind for p in layout(text).paragraphs] == ["body", "boilerplate"]
