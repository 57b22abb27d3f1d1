"""The words a BM25 search gets: plain, lower-case, no stopwords, no query syntax."""

from qa.textmatch import STOPWORDS, words


def query_words(question: str) -> list[str]:
    """Plain lower-case words: no query syntax reaches tantivy, and stopwords add only cost."""
    found = [w.lower() for w in words(question)]
    kept = [w for w in found if w not in STOPWORDS]
    return kept or found
