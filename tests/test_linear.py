"""Reading and extraction grow in step with the text, whatever its shape: a generous bound on 1 MB
and on the growth from 250 kB to 1 MB (four times the text may cost up to eight times the time;
quadratic growth would cost sixteen). CPU time, so other load on the machine matters less."""
import html
import time

import pytest

from analysis import extract_rows
from analysis.reading.articles import read_article
from hostile_texts import shapes

SMALL, LARGE = 250_000, 1_000_000


def _cost(tmp_path, text: str) -> float:
    """CPU seconds to read the text as an HTML page and extract the four tables from it."""
    page = tmp_path / "page.html"
    body = "".join(f"<p>{html.escape(p)}</p>\n" for p in text.split("\n\n"))
    page.write_text(f"<html><head><title>t</title></head><body><article>{body}</article></body></html>",
                    encoding="utf-8")
    start = time.process_time()
    article = read_article(str(page))
    extract_rows(text, "2025-01-01")
    extract_rows(article.text, "2025-01-01")
    return time.process_time() - start


@pytest.mark.parametrize("shape", list(shapes(10)))
def test_reading_and_extraction_stay_linear_on_a_hostile_text(tmp_path, shape):
    extract_rows("A drone killed two people in Kharkiv, the governor said.", "2025-01-01")  # warm the patterns
    small = _cost(tmp_path, shapes(SMALL)[shape])
    large = _cost(tmp_path, shapes(LARGE)[shape])
    assert large < 60, f"{shape}: {large:.1f} s for 1 MB"
    assert large < 8 * small + 1.0, f"{shape}: {small:.2f} s for 250 kB but {large:.2f} s for 1 MB"


def _merge_cost(reports: int) -> tuple[float, int]:
    """CPU seconds to merge `reports` casualty reports of one place and weapon, one a day from as many
    articles, into incidents; and how many incidents they make."""
    import pandas as pd

    from analysis.corpus.overview import cluster_reports

    frame = pd.DataFrame({"day": pd.date_range("2020-01-01", periods=reports, freq="D"),
                          "article_id": [f"a{n}" for n in range(reports)], "country": "Ukraine",
                          "region": "Kharkiv Oblast", "weapon": "drone", "place": "Kharkiv"})
    start = time.process_time()
    labels = cluster_reports(frame, ("country", "region", "weapon"), place_col="place")
    return time.process_time() - start, labels.nunique()


def test_merging_reports_into_incidents_stays_linear_when_one_place_is_hit_every_day():
    small, incidents = _merge_cost(5_000)
    assert incidents == 2_500  # a day's report joins the day before's incident, never a third day
    large, _ = _merge_cost(20_000)
    assert large < 30, f"{large:.1f} s to merge 20,000 reports"
    assert large < 8 * small + 1.0, f"{small:.2f} s for 5,000 reports but {large:.2f} s for 20,000"
