"""Numbers with their qualifiers, and dates resolved against the publication date."""
from datetime import date

import pytest

from analysis.language.dates import find_dates, published_from_text
from analysis.language.numbers import Count, find_counts, parse_count


@pytest.mark.parametrize("phrase,expected", [
    ("over 70", Count(70, "at_least")), ("more than 20", Count(20, "at_least")),
    ("at least 5", Count(5, "at_least")), ("approximately 8,000", Count(8000, "approx")),
    ("about 40", Count(40, "approx")), ("nearly 40", Count(40, "approx")),
    ("closer to 35,000", Count(35000, "approx")), ("up to 15", Count(15, "at_most")),
    ("no more than 2,000", Count(2000, "at_most")), ("two", Count(2, "exact")),
    ("thirty-six", Count(36, "exact")), ("a dozen", Count(12, "exact")),
    ("one hundred", Count(100, "exact")), ("dozens", Count(None, "vague")),
    ("several", Count(None, "vague")), ("1.2 million", Count(1_200_000, "exact")),
    ("1,60,000", Count(160_000, "exact")), ("12,50,000", Count(1_250_000, "exact")),
    ("12-thousand", Count(12_000, "exact")), ("1.5-million", Count(1_500_000, "exact")),
])
def test_number_words_and_qualifiers_parse_to_value_and_qualifier(phrase, expected):
    assert parse_count(phrase) == expected


def test_years_times_ages_and_distances_are_not_counts():
    text = "In 2022 at 3 a.m. a 67-year-old man, 30 km away, saw 5% of the S-300 launchers"
    assert [c.value for _, _, c in find_counts(text)] == []


def _resolve(text: str, published: str = "2024-11-02") -> list[tuple[str, str | None]]:
    return [(m.text, m.date) for m in find_dates(text, date.fromisoformat(published))]


def test_weekday_phrases_resolve_to_the_latest_such_day_on_or_before_publication():
    # 2024-11-02 is a Saturday.
    assert _resolve("late Friday") == [("late Friday", "2024-11-01")]
    assert _resolve("Overnight into Saturday") == [("Overnight into Saturday", "2024-11-02")]
    assert _resolve("on Thursday") == [("on Thursday", "2024-10-31")]
    assert _resolve("on Monday evening", "2025-07-08") == [("on Monday evening", "2025-07-07")]


def test_month_day_resolves_in_the_publication_year_or_the_one_before():
    assert _resolve("on September 12") == [("on September 12", "2024-09-12")]
    assert _resolve("December 30", "2025-01-05") == [("December 30", "2024-12-30")]


def test_overnight_is_the_publication_day_and_spans_stay_unresolved():
    assert _resolve("overnight") == [("overnight", "2024-11-02")]
    assert _resolve("last week") == [("last week", None)]
    assert _resolve("later that day")[0][1] is None  # the day of the event told before


def test_dates_without_publication_stay_unresolved_except_absolute_ones():
    assert [(m.text, m.date) for m in find_dates("late Friday, 3 June 2025", None)] == [
        ("late Friday", None), ("3 June 2025", "2025-06-03")]


def test_publication_date_is_read_from_a_page_dateline():
    assert published_from_text("Title\nBy Staff\nPublished 3 June 2025, 11:42 | Updated") == "2025-06-03"


def test_publication_date_is_read_from_an_iso_time_stamp_line():
    assert published_from_text("Headline\n\n2025-07-26 21:41 Last Updated At:21:50\n\nText.") == "2025-07-26"


def test_publication_date_is_read_from_a_date_stamp_run_into_the_first_line():
    text = " date 2025-04-28 One man was killed and a woman injured in an overnight drone strike on the city."
    assert published_from_text(text) == "2025-04-28"


def test_indian_digit_grouping_is_one_count():
    assert [c.value for _, _, c in find_counts("an estimated 1,60,000 troops and 4,000 more")] == [160_000, 4000]
