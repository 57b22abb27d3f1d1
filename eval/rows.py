"""One evaluated question: what the pipeline did and how it scored."""

from dataclasses import asdict, dataclass, field


@dataclass
class Row:
    id: str
    type: str
    question: str
    answerable: bool
    answers: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)
    category: str | None = None  # the benchmark's own label (MultiHop-RAG: inference_query, ...)
    kind: str | None = None  # the answer kind the pipeline read: yes_no, entity, open
    standalone_question: str | None = None
    # retrieval (top 10 passages for the scored question, in the pipeline's order)
    retrieved: list[str] = field(default_factory=list)
    hit_rank: int | None = None  # first passage holding any evidence quote, 1-based
    evidence_recall: float | None = None  # share of quotes found in the top k
    read: list[str] = field(default_factory=list)  # the evidence sentences the LLM read
    read_recall: float | None = None  # share of quotes the LLM read (any sentence of it)
    # answer
    raw_answer: str | None = None  # the LLM's draft before verification
    notes: list[str] = field(default_factory=list)  # what the gate and verifier did, and why
    answer: str | None = None
    refused: bool | None = None
    correct: bool | None = None
    f1: float | None = None
    crag: int | None = None  # +1 correct (or refused when unanswerable), 0 refused, -1 wrong
    cited: list[str] = field(default_factory=list)  # texts of the cited passages
    citation_precision: float | None = None
    citation_recall: float | None = None
    timings: dict = field(default_factory=dict)
    error: str | None = None

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> "Row":
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})
