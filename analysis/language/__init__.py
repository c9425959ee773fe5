"""Language: how news writes counts, dates, places, speakers and quotes (no knowledge of tables)."""
