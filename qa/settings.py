"""The app's settings: the index sections (index.config) plus the answering ones (llm, retrieval,
answer). Every tuned value names the bench and data it was chosen on."""

from pathlib import Path
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, Field, model_validator

from index.config import IndexSettings, Section, _legacy


class LLMSection(Section):
    backend: Literal["llamacpp", "openai_like", "ollama"] = Field(
        "llamacpp",
        description="The embedded llama.cpp model, any OpenAI-compatible server, or Ollama.",
    )
    model_path: Path | None = Field(
        None,
        description="llamacpp: a GGUF file; empty: the packaged Qwen2.5-Coder-1.5B-Instruct.",
    )
    threads: int = 2
    cpu_variant: str = Field(
        "",
        description="llama.cpp's CPU library; empty: the fastest `newsqa model prepare` proved "
        'runs here. A name ("haswell" = AVX2, "x64" = none, "zen4", ...) pins one.',
    )
    context: int = 4096
    model: str = Field("qwen2.5:1.5b-instruct", description="openai_like / ollama: the model.")
    api_base: str = Field("http://127.0.0.1:8080/v1", description="openai_like / ollama.")
    api_key: str = "not-needed"
    timeout_s: float = 120.0
    max_tokens: int = 120
    temperature: float = 0.0


class RetrievalSection(Section):
    top_k: int = Field(4, description="Passages an answer may cite.")
    dense_top_k: int = 8
    bm25_top_k: int = 8
    use_bm25: bool = True
    per_source_k: int = Field(
        6,
        description="Passages taken from each outlet a question names, before the best of all. "
        "(4, 3) -> (6, 5) with per_facet_k: gold evidence among the sentences read 0.55 -> "
        "0.58 on the MultiHop-RAG dev sample (eval run --retrieval-only), +0.2 s.",
    )
    per_facet_k: int = Field(
        5,
        description='Passages taken for each part of a compound question ("X reports A, '
        'while Y implies B"); see per_source_k.',
    )
    evidence_sentences: int = Field(
        14,
        description="Sentences of those passages the LLM reads, ranked by MiniLM cosine to the "
        "question. bench/evidence_budget.py on MultiHop-RAG dev: 22 reads more gold (0.57 -> "
        "0.61) but answers worse (0.72 -> 0.69 on the dev sample; docs/experiments.md).",
    )
    lexical_weight: float = Field(
        1.0,
        description="Weight of the share of a query's content words a sentence holds, beside "
        "MiniLM's cosine, when picking the sentences to read (MultiHop-RAG dev sample: read "
        "recall 0.49 -> 0.54 at 14 sentences; 0.25 and 0.5 gave 0.52 and 0.53).",
    )
    heading_weight: float = Field(
        0.5,
        description="A question word only a sentence's heading holds (the line it stands "
        'under: "Military Bowl …: Virginia Tech vs. Tulane" over "The game will take place '
        'at …") counts this share of one the sentence holds, when picking the sentences to '
        "read. Read recall (eval run --retrieval-only), 0 -> 0.5: natural dev 0.68 -> 0.70 (2 "
        "up, none down), MultiHop-RAG dev sample 0.57 -> 0.58 (2 up, none down; 1.0: 2 up, 1 "
        "down), seed sets 1.00 both.",
    )
    min_relevance: float = Field(
        0.25,
        description="Below this best dense cosine the articles are taken not to cover the "
        "question (seed gold set's unanswerable questions).",
    )


class AnswerSection(Section):
    max_question_chars: int = Field(
        2000,
        description="A longer question is refused: with the evidence it must fit the LLM's "
        "context (about 4 characters a token; 2,000 leaves room in 4,096 tokens).",
    )
    quote_min_score: float = Field(
        1.4,
        description="When the LLM refuses, quote the best evidence sentence if its score "
        "(cosine + share of the question's words) reaches this; 0 turns the quote off.",
    )
    second_look: bool = Field(
        True,
        description="When the LLM refuses a one-part question on a close call, ask again with "
        "the refusal ruled out and verify that answer strictly.",
    )
    second_look_below: float = Field(
        -0.5,
        description="The refusal's log-probability under which the second look runs (-0.5 is "
        "61 %; 0: after every refusal). bench/second_look_threshold.py on the seed gold set: "
        "answerable right 0.62 -> 0.90 at -0.5, 0.79 at -0.7; unanswerable refused 0.92 -> "
        "0.83 at -0.5, 0.92 at -0.7.",
    )
    yes_no_threshold: float = Field(
        0.1,
        description="A verdict is Yes only when the log-odds of Yes over No pass this (0: the "
        "model's greedy choice). bench/yes_no_threshold.py on 81 MultiHop-RAG dev yes/no "
        "questions (right 0.667 -> 0.691), checked on 80 others (0.725 -> 0.762).",
    )
    yes_no_refusal_margin: float = Field(
        0.0,
        description="A one-part yes/no question is refused when the log-odds of opening with "
        "the refusal over the verdict pass this (0: greedy; not calibrated yet: 7 answerable "
        "and 3 unanswerable yes/no questions in eval/gold/natural-dev.jsonl).",
    )
    show_disagreement: bool = Field(
        True,
        description="A how many/how much answer where outlets give different figures for the "
        "same thing shows each figure with its outlet and date (qa/disagreement.py).",
    )


class JoiningSection(Section):
    """Rules for a question that joins articles: it names two outlets, or strings parts together
    ("Does the TechCrunch article … while the Verge article …?", qa/question.py `facets`). They
    were written for MultiHop-RAG's templates, and no question readers wrote joins articles (0 of
    the 261 questions of eval/gold/natural-dev.jsonl, seed-natural.jsonl and seed.jsonl), so none
    of them wins on natural questions: they are off unless the `multihop-rag` profile turns
    them on. Off, a joining question is answered like any other."""

    entity_pick: bool = Field(
        False,
        description='A joining "which/who" question the LLM refused, or answered with a name '
        "fewer articles give: let it pick among the names the evidence repeats across articles "
        "(a grammar allows only those). MultiHop-RAG dev sample: 'Sam Bankman-Fried' where the "
        "model refused.",
    )
    outvote_articles: int = Field(
        3,
        description="Articles the leading shared name must join before it outvotes the model's "
        "answer (MultiHop-RAG dev sample: 'Matt Huang' where three and five articles named "
        "Bankman-Fried; 2 turned a right 'the All Blacks' into 'Rugby World Cup').",
    )
    verdict_on_articles: bool = Field(
        False,
        description="A yes/no question about named outlets' articles, or comparing articles, "
        "gets a verdict (no refusal), which may stand on the sentences it cites without a "
        "supported reason: MultiHop-RAG's comparisons always have an answer.",
    )
    second_look: bool = Field(
        True,
        description="The second look (answer.second_look) for a joining question too. Off in "
        "multihop-rag: on its dev data a pushed answer described one article's story (4 more "
        "of 20 null questions answered, 1 of 19 answerable ones gained).",
    )


# Named sets of values under what a user sets (PrivateGPT's settings profiles). `readers` is
# the default; `multihop-rag` turns on the rules written for that benchmark's questions.
PROFILES: dict[str, dict[str, dict]] = {
    "readers": {},
    "multihop-rag": {
        "joining": {"entity_pick": True, "verdict_on_articles": True, "second_look": False}
    },
}


class VerifySection(Section):
    """The verifier's thresholds (qa/citations.py `Limits`). None was fitted to a score: each
    was read off answers in the gold sets' runs, as said."""

    min_coverage: float = Field(
        0.6,
        description="Share of a claim's content words the cited sentences (or the question) "
        "must hold; set on the seed gold set's first runs (README: sentence-level evidence).",
    )
    short_claim: int = Field(
        4, description="A claim of this many content words or fewer must be covered entirely."
    )
    max_sentences: int = Field(3, description="Sentences an answer keeps; the draft stops there.")
    min_pushed_overlap: float = Field(
        0.4,
        description="Share of the question's words the sentences a pushed answer (second look) "
        "cites must hold: pushed answers citing unrelated sentences held a third or less in "
        "the natural dev set's baseline (eval/gold/natural-dev.jsonl).",
    )
    pushed_top_sentences: int = Field(
        3,
        description="...unless it cites one of this many evidence sentences MiniLM ranks "
        "closest to the question (0: the word share alone). The seed's paraphrased questions "
        "(eval/gold/seed.jsonl: paraphrase-04/07/09, why_how-07) share one of four to six "
        "words with their right answer, always a top-2 sentence.",
    )
    pushed_passage_share: float = Field(
        0.5,
        description="...in a passage at least this share as close (dense cosine) to the "
        "question as the closest passage. The seed's paraphrase-09 answer's passage: 0.73 of "
        "the closest; the betting preview a wrong pushed answer cited for eval/gold/natural-dev "
        "nat-094 (shipping lines): 0.29 and 0.42.",
    )
    min_grounding: float = Field(
        0.34,
        description="A claim restating the question stands only as a yes/no verdict's reason, "
        "and then the cited sentences hold this share of its words.",
    )
    max_repoint: int = Field(
        3, description="Evidence sentences a claim may be re-pointed to together."
    )
    min_trimmed: int = Field(3, description="Content words a trimmed claim keeps at least.")
    max_unsupported_names: int = Field(
        2,
        description='Name words a claim may lose and still be kept ("Based in Accra, Ghana" '
        "without Accra): 1 covers the natural dev set's baseline misses, 2 leaves room for "
        '"City, Country".',
    )
    lead_in_chars: int = Field(
        300,
        description="Characters before a cited sentence where the names a first draft repeats "
        'may be found (about two sentences: "he").',
    )


class Settings(IndexSettings):
    LEGACY_NAMES: ClassVar = {
        **IndexSettings.LEGACY_NAMES,
        **_legacy(
            "llm",
            "backend",
            "model_path",
            "threads",
            "cpu_variant",
            "context",
            "model",
            "api_base",
            "api_key",
            "timeout_s",
            "max_tokens",
            "temperature",
            prefix="llm_",
        ),
        **_legacy(
            "retrieval",
            "top_k",
            "dense_top_k",
            "bm25_top_k",
            "use_bm25",
            "per_source_k",
            "per_facet_k",
            "evidence_sentences",
            "min_relevance",
        ),
        **_legacy(
            "answer",
            "max_question_chars",
            "quote_min_score",
            "second_look",
            "second_look_below",
            "yes_no_threshold",
            "yes_no_refusal_margin",
            "show_disagreement",
        ),
        "entity_choice": (("joining", "entity_pick"),),
        "outvote_articles": (("joining", "outvote_articles"),),
    }

    profile: Literal["readers", "multihop-rag"] = Field(
        "readers",
        description="Named values under the ones set here: readers (the default) or "
        "multihop-rag, the rules written for MultiHop-RAG's questions ([joining]).",
    )
    llm: LLMSection = Field(default_factory=LLMSection)
    retrieval: RetrievalSection = Field(default_factory=RetrievalSection)
    answer: AnswerSection = Field(default_factory=AnswerSection)
    verify: VerifySection = Field(default_factory=VerifySection)
    joining: JoiningSection = Field(default_factory=JoiningSection)

    @model_validator(mode="before")
    @classmethod
    def _profile_values(cls, values: Any) -> Any:
        """The profile's values, under any the user gave (a section's other fields too)."""
        if not isinstance(values, dict):
            return values
        preset = PROFILES.get(values.get("profile", "readers"), {})  # unknown: the Literal says
        for section, fields in preset.items():
            given = values.get(section) or {}
            if isinstance(given, BaseModel):
                given = given.model_dump(exclude_unset=True)
            values[section] = {**fields, **given}
        return values

    def embed_threads(self) -> int:
        return self.embed.query_threads


def profile_chosen() -> bool:
    """The user named a profile in the environment or the config file."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # old names warn when the settings are made
        return any("profile" in source() for _, source in Settings.sources())


# The name of earlier releases, kept for one release.
QASettings = Settings
