"""Answering settings (env NEWSQA_*, or newsqa.toml), on top of the index settings."""

from pathlib import Path
from typing import Literal

from index.config import IndexSettings


class QASettings(IndexSettings):
    # LLM backend: the embedded llama.cpp model, any OpenAI-compatible server, or Ollama.
    llm_backend: Literal["llamacpp", "openai_like", "ollama"] = "llamacpp"
    # llamacpp: a GGUF path; empty means the packaged Qwen2.5-Coder-1.5B-Instruct.
    llm_model_path: Path | None = None
    llm_threads: int = 2
    # llama.cpp loads the fastest CPU variant this machine supports; a name ("haswell" = AVX2,
    # "x64" = none, "zen4", "skylakex", ...) pins one.
    llm_cpu_variant: str = ""
    llm_context: int = 4096
    # openai_like / ollama
    llm_model: str = "qwen2.5:1.5b-instruct"
    llm_api_base: str = "http://127.0.0.1:8080/v1"
    llm_api_key: str = "not-needed"
    llm_timeout_s: float = 120.0
    llm_max_tokens: int = 120
    # A longer question is refused with a clear message: with the evidence it must fit the
    # LLM's context (about 4 characters a token; 2,000 leaves room in 4,096 tokens).
    max_question_chars: int = 2000
    llm_temperature: float = 0.0

    # One torch thread for query embedding: a query is tiny and llama.cpp has the cores.
    embed_threads: int = 1

    # retrieval
    top_k: int = 4
    dense_top_k: int = 8
    bm25_top_k: int = 8
    use_bm25: bool = True
    # Passages taken from each outlet a question names, before the best of all.
    per_source_k: int = 6
    # Passages taken for each part of a compound question ("X reports A, while Y implies B").
    per_facet_k: int = 5
    # (4, 3) -> (6, 5): gold evidence among the sentences read 0.55 -> 0.58 on the MultiHop-RAG
    # dev sample (--retrieval-only), retrieval +0.2 s; (4, 5) gave 0.57, (6, 3) 0.56.
    # Sentences of those passages the LLM reads (ranked by MiniLM cosine to the question).
    evidence_sentences: int = 14
    # When the LLM refuses, quote the best evidence sentence if its score (cosine + share of the
    # question's words) reaches this; 0 turns the quote off.
    quote_min_score: float = 1.4
    # When the LLM refuses a one-part question with a log-probability below this (a close call:
    # -0.5 is 61 %), it is asked again with the refusal ruled out and that answer is verified
    # strictly (0: after every refusal). From bench/second_look_threshold.py on the seed
    # gold set: answerable right 0.62 -> 0.90 at -0.5, 0.79 at -0.7; unanswerable refused
    # 0.92 -> 0.83 at -0.5, 0.92 at -0.7.
    second_look: bool = True
    second_look_below: float = -0.5
    # When the LLM refuses a "which/who" question, let it pick among the names the evidence
    # repeats across articles (constrained to those names or "none").
    entity_choice: bool = True
    # A yes/no verdict is "Yes" only when the model's log-odds of opening with Yes over No pass
    # this (0: its own greedy choice). 0.1 from bench/yes_no_threshold.py on 81 MultiHop-RAG dev
    # yes/no questions (verdicts right 0.667 -> 0.691), checked on 80 others (0.725 -> 0.762).
    yes_no_threshold: float = 0.1
    # A one-part yes/no question is refused when the model's log-odds of opening with the
    # refusal over its verdict pass this (0: its own greedy choice; not calibrated on a bench
    # yet: 7 answerable and 3 unanswerable yes/no questions in eval/gold/natural-dev.jsonl).
    yes_no_refusal_margin: float = 0.0
    # A "how many/how much" answer where outlets give different figures for the same thing
    # shows each figure with its outlet and date (qa/disagreement.py).
    show_disagreement: bool = True
    # Below this best dense cosine the articles are taken not to cover the question.
    min_relevance: float = 0.25
