"""Corpus-free forensics: signals read from an article's text alone.

Each signal is a pure function of the article that returns a
:class:`~unspun.records.Signal` (score in [0, 1] and its evidence).
"""
