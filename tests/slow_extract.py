"""A stand-in extractor for the time-limit tests of `extract-corpus` (`function="slow_extract:extract"`): an
article that says SLOW-ARTICLE takes an hour, one that says RAISE-ERROR raises; any other is extracted."""
from __future__ import annotations

import time

from analysis.corpus.jobs import extract_job_rows


def extract(job, vocab=None):
    """The article's rows, or an hour's sleep, or an error, as the article asks."""
    if "SLOW-ARTICLE" in job.text:
        time.sleep(3600)
    if "RAISE-ERROR" in job.text:
        raise ValueError("the article asked for an error")
    return extract_job_rows(job, vocab)
