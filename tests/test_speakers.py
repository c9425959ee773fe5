"""Speaker noun phrases: a person's name after a long title, a body named with its preposition."""
import pytest

from analysis.language.speakers import parse_np


@pytest.mark.parametrize("phrase,name,role", [
    ("Head of the Border Guard Service of Ukraine Petro Ivanenko", "Petro Ivanenko", "Head of the Border Guard Service of Ukraine"),
    ("Governor of Kursk Oblast Ivan Petrenko", "Ivan Petrenko", "Governor of Kursk Oblast"),
    ("Mayor of Odesa Hanna Koval", "Hanna Koval", "Mayor of Odesa"),
    ("Ministry of Defence spokesman Pavel Orlov", "Pavel Orlov", "Ministry of Defence spokesman"),
])
def test_a_name_after_a_title_that_ends_in_a_place_is_the_person(phrase, name, role):
    speaker = parse_np(phrase)
    assert (speaker.kind, speaker.name, speaker.role) == ("person", name, role)


@pytest.mark.parametrize("phrase", ["the Regional Center for Emergency Medical Assistance",
                                    "the Institute for the Study of War"])
def test_a_body_with_its_preposition_is_an_organization_not_a_person(phrase):
    assert parse_np(phrase).kind == "organization"


@pytest.mark.parametrize("phrase,name", [("U.S. newspaper the Washington Post", "Washington Post"),
                                         ("British broadcaster the BBC", "BBC"),
                                         ("the Russian daily Kommersant", "Kommersant")])
def test_an_outlet_described_before_its_name_is_the_outlet(phrase, name):
    assert parse_np(phrase) == parse_np(name) and parse_np(phrase).name == name


@pytest.mark.parametrize("phrase", ["Earlier", "Sunday", "Zelensky addressed his nation Sunday", "Meanwhile"])
def test_a_weekday_or_time_word_is_no_persons_name(phrase):
    speaker = parse_np(phrase)
    assert speaker is None or speaker.kind != "person"


def test_a_bodys_bracketed_acronym_keeps_its_closing_bracket():
    assert parse_np("The Group of Seven (G7)").name.endswith("(G7)")


@pytest.mark.parametrize("phrase,role", [("Wrong building: Chechen leader Ramzan Kadyrov", "Chechen leader"),
                                         ("In a video address Volodymyr Zelensky", None)])
def test_a_label_or_an_opening_phrase_before_a_name_is_no_part_of_the_role(phrase, role):
    assert parse_np(phrase).role == role


@pytest.mark.parametrize("phrase,name", [("the US ambassador to NATO", "US ambassador to NATO"),
                                         ("the Ukrainian Commander-in-Chief", "Ukrainian Commander-in-Chief")])
def test_an_envoy_or_a_commander_in_chief_is_a_role(phrase, name):
    assert (parse_np(phrase).kind, parse_np(phrase).name) == ("role", name)
