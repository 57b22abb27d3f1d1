"""Split articles into sentence-aware chunks that fit the embedder and keep their offsets."""

from llama_index.core import Document
from llama_index.core.node_parser import SentenceSplitter
from llama_index.core.node_parser.text.utils import split_by_sentence_tokenizer_internal
from llama_index.core.schema import TextNode
from nltk.tokenize import PunktSentenceTokenizer

from index.articles import Article
from index.dates import date_ordinal

# Metadata the LLM and UI see; only the title also goes into the embedded text.
META_KEYS = ("doc_id", "title", "source", "url", "published_at", "author")
_PUNKT = PunktSentenceTokenizer()
NOT_EMBEDDED = [k for k in META_KEYS if k != "title"] + ["published_day"]


# What a title (or source, author) may take of every chunk it is attached to, in word pieces.
# A title of 120 pieces once blew a 130-word article into 216 chunks (or failed it outright).
META_SHARE = 4


def article_metadata(article: Article, tokenize=None, max_pieces: int = 32) -> dict:
    meta = {k: getattr(article, k) for k in META_KEYS}
    meta = {k: v for k, v in meta.items() if v is not None}
    if tokenize is not None:
        for key in ("title", "source", "author"):
            if key in meta:
                meta[key] = cap_words(meta[key], tokenize, max_pieces)
    if article.published_at:
        meta["published_day"] = date_ordinal(article.published_at)
    return meta


def cap_words(text: str, tokenize, max_pieces: int) -> str:
    """`text` cut at a word boundary to at most `max_pieces` word pieces (with "…")."""
    if len(tokenize(text)) <= max_pieces:
        return text
    words = text.split()
    lo, hi = 0, len(words)
    while lo < hi:  # the most words that still fit, found by halving
        mid = (lo + hi + 1) // 2
        if len(tokenize(" ".join(words[:mid]) + " …")) <= max_pieces:
            lo = mid
        else:
            hi = mid - 1
    if lo == 0:  # one enormous word: cut by characters
        cut = text[:max_pieces]
        while cut and len(tokenize(cut + "…")) > max_pieces:
            cut = cut[:-1]
        return cut + "…"
    return " ".join(words[:lo]) + " …"


def make_splitter(
    tokenize, chunk_size: int, chunk_overlap: int, max_tokens: int
) -> SentenceSplitter:
    """`tokenize` is the embedder's own tokenizer, so sizes are in the word pieces it counts.

    Two places are kept for [CLS] and [SEP]; the title that is embedded with each chunk is
    subtracted by llama-index's metadata-aware splitting.
    """
    size = min(chunk_size, max_tokens - 2)
    return SentenceSplitter(
        chunk_size=size,
        chunk_overlap=min(chunk_overlap, size // 2),
        tokenizer=tokenize,
        paragraph_separator="\n",
        include_prev_next_rel=False,
        id_func=lambda i, doc: f"{doc.doc_id}#{i}",
        chunking_tokenizer_fn=split_sentences,
    )


def split_sentences(text: str) -> list[str]:
    # llama-index's default is this same Punkt tokenizer, but it also loads NLTK's stopwords,
    # which are not bundled and would be downloaded: impossible offline.
    return split_by_sentence_tokenizer_internal(text, _PUNKT)


def chunk_article(article: Article, splitter: SentenceSplitter) -> list[TextNode]:
    tokenize = getattr(splitter, "_tokenizer", None)
    doc = Document(
        text=article.body,
        doc_id=article.doc_id,
        metadata=article_metadata(article, tokenize, splitter.chunk_size // META_SHARE),
        excluded_embed_metadata_keys=NOT_EMBEDDED,
        excluded_llm_metadata_keys=["published_day", "doc_id", "url"],
    )
    nodes = splitter.get_nodes_from_documents([doc])
    for node in nodes:
        # llama-index locates chunks by searching the text; re-check so highlights stay exact.
        if (
            node.start_char_idx is None
            or article.body[node.start_char_idx : node.end_char_idx] != node.text
        ):
            start = article.body.find(node.text)
            node.start_char_idx = start if start >= 0 else None
            node.end_char_idx = start + len(node.text) if start >= 0 else None
    return nodes
