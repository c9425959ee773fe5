"""Reading: an input (text, Markdown, HTML, JSON lines) becomes an Article, its text laid out in
paragraphs, sections and sentences with page furniture set aside."""
