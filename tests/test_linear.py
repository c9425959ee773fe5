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
