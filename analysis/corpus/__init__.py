"""Corpus: many articles at once: the batch runner with warm kernels, the DuckDB store, the corpus
overview's merges and plots, and extraction on Dask."""
