"""The scorer follows the spec's sharpened rules: speaker_alt, count_alt, and nationalities that
must agree in deployments."""
from analysis.evaluate import nationality, score_table

TEXT = "The agency said 11,000 to 12,000 North Korean troops were in the Kursk region."


def statement(speaker: str) -> dict:
    return {"speaker": speaker, "evidence": TEXT, "char_start": 0, "char_end": len(TEXT)}


def test_a_speaker_alt_name_matches():
    gold = [{"speaker": "National Intelligence Service of South Korea", "speaker_alt": ["NIS"],
             "speaker_type": "organization", "evidence": "The agency said"}]
    assert score_table("statements", gold, [statement("NIS")], TEXT).tp == 1
    assert score_table("statements", gold, [statement("Ministry of Defence")], TEXT).tp == 0


def test_a_count_alt_matches_the_upper_bound_of_a_range():
    gold = [{"force": "North Korean troops", "count": 11000, "count_alt": [12000], "evidence": "11,000 to 12,000"}]
    assert score_table("deployments", gold, [{"force": "North Korean troops", "count": 12000}], TEXT).tp == 1
    assert score_table("deployments", gold, [{"force": "North Korean troops", "count": 13000}], TEXT).tp == 0


def test_deployments_must_agree_on_nationality_when_both_name_one():
    gold = [{"force": "North Korean troops", "count": 11000, "evidence": "11,000"}]
    assert score_table("deployments", gold, [{"force": "Russian troops", "count": 11000}], TEXT).tp == 0
    assert score_table("deployments", gold, [{"force": "troops", "count": 11000}], TEXT).tp == 1
    assert nationality("North Korean soldiers") == "north korean" and nationality("marines") is None
