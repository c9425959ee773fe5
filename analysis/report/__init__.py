"""Report: the article notebook run by papermill, its figures, plots, tables and highlighted text,
exported as one offline HTML file."""
