"""Every rule's own examples (written for it, in our words) give the rows they promise."""
import pytest

from analysis import extract_rows
from analysis.tables import extract  # noqa: F401  (imports every stage's rules, so every example is registered)
from analysis.examples import EXAMPLES, mismatches

assert EXAMPLES, "no rule examples registered"


@pytest.mark.parametrize("case", EXAMPLES, ids=[f"{e.rule}-{i}" for i, e in enumerate(EXAMPLES)])
def test_rule_example_gives_its_rows(case):
    rows = extract_rows(case.text, case.published)[case.table]
    assert not mismatches(case.rows, rows), (case.rule, mismatches(case.rows, rows), rows)


def test_a_wrong_expectation_is_reported():
    assert mismatches(({"killed": 3},), [{"killed": 2}]) == ["no row with {'killed': 3}"]
    assert mismatches((), [{"killed": 2}]) == ["1 rows, expected 0"]
