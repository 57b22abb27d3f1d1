"""Values that cross package boundaries: passages, citations, answers."""

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Passage:
    node_id: str
    doc_id: str
    title: str
    text: str
    source: str | None = None
    published_at: str | None = None
    url: str | None = None
    start: int | None = None  # offsets of the passage inside its article
    end: int | None = None
    score: float = 0.0  # fused retrieval score
    similarity: float = 0.0  # dense cosine to the (standalone) question
    also_reported_by: tuple[str, ...] = ()  # outlets that ran a near-copy of this article


@dataclass(frozen=True)
class Citation:
    n: int
    passage: Passage
    quote: str  # the sentence of the passage that supports the answer
    start: int  # offsets of `quote` inside `passage.text`
    end: int

    def to_json(self) -> dict:
        p = self.passage
        return {
            "n": self.n,
            "doc_id": p.doc_id,
            "title": p.title,
            "source": p.source,
            "also_reported_by": list(p.also_reported_by),
            "published_at": p.published_at,
            "text": p.text,
            "quote": self.quote,
            "start": self.start,
            "end": self.end,
        }


@dataclass
class Timings:
    rewrite_s: float = 0.0
    retrieve_s: float = 0.0
    generate_s: float = 0.0
    verify_s: float = 0.0
    total_s: float = 0.0


@dataclass
class Answer:
    question: str
    text: str
    refused: bool
    citations: list[Citation] = field(default_factory=list)
    timings: Timings = field(default_factory=Timings)
    standalone_question: str | None = None  # the rewritten follow-up used for retrieval
    passages: list[Passage] = field(default_factory=list)  # everything retrieved
    raw_text: str = ""  # what the LLM said before verification
    kind: str = "open"  # the answer the question asks for: yes_no, entity or open
    evidence: list = field(default_factory=list)  # the numbered sentences the LLM read
    notes: list[str] = field(default_factory=list)  # what the gate and verifier did, and why

    def to_json(self) -> dict:
        return {
            "question": self.question,
            "answer": self.text,
            "refused": self.refused,
            "citations": [c.to_json() for c in self.citations],
            "timings": asdict(self.timings),
            "standalone_question": self.standalone_question,
        }


@dataclass(frozen=True)
class Turn:
    role: str  # "user" or "assistant"
    content: str


@dataclass(frozen=True)
class RetrievalFilters:
    sources: tuple[str, ...] = ()
    date_from: str | None = None  # ISO dates, inclusive
    date_to: str | None = None
    prefer_recent: bool = False

    @property
    def empty(self) -> bool:
        return not (self.sources or self.date_from or self.date_to)
