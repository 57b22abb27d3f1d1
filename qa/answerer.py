"""Question in, grounded Answer out: rewrite follow-ups, retrieve, generate, verify."""

import time
from collections.abc import Iterator

from index.builder import embedder_for, open_index
from index.store import NewsIndex
from qa.citations import past_sentence_limit, verify
from qa.llms import ChatLLM, load_llm
from qa.prompts import REFUSAL_TEXT, answer_messages, rewrite_messages
from qa.retrieval import Retriever
from qa.settings import QASettings
from qa.types import Answer, RetrievalFilters, Timings, Turn


class Answerer:
    """Holds the model, index and retriever in memory between questions."""

    def __init__(
        self, settings: QASettings, index: NewsIndex | None = None, llm: ChatLLM | None = None
    ):
        self.settings = settings
        self.index = index or open_index(settings)
        self.embedder = embedder_for(settings)
        self.retriever = self._retriever()
        self._llm = llm

    def _retriever(self) -> Retriever:
        s = self.settings
        return Retriever(self.index, self.embedder, s.dense_top_k, s.bm25_top_k, s.use_bm25)

    def reload(self) -> None:
        """Pick up the index as saved on disk (after an upload or removal)."""
        self.index = open_index(self.settings)
        self.retriever = self._retriever()

    @property
    def llm(self) -> ChatLLM:
        if self._llm is None:
            self._llm = load_llm(self.settings)
        return self._llm

    def standalone_question(self, question: str, history: list[Turn]) -> str:
        """A follow-up rewritten so retrieval can find it without the conversation."""
        if not history:
            return question
        text = self.llm.complete(rewrite_messages(question, history), max_tokens=60)
        lines = [line.strip().strip('"') for line in text.strip().splitlines() if line.strip()]
        return lines[0] if lines else question

    def stream(
        self,
        question: str,
        history: list[Turn] | None = None,
        filters: RetrievalFilters | None = None,
        top_k: int | None = None,
    ) -> Iterator[str | Answer]:
        """Yield the LLM's text as it comes, then the verified Answer last."""
        history = list(history or [])
        timings = Timings()
        t0 = time.perf_counter()
        standalone = self.standalone_question(question, history)
        t1 = time.perf_counter()
        timings.rewrite_s = t1 - t0
        passages = self.retriever.retrieve(standalone, top_k or self.settings.top_k, filters)
        t2 = time.perf_counter()
        timings.retrieve_s = t2 - t1

        def finish(text: str, refused: bool, citations=(), raw: str = "") -> Answer:
            timings.total_s = time.perf_counter() - t0
            return Answer(
                question=question,
                text=text,
                refused=refused,
                citations=list(citations),
                timings=timings,
                standalone_question=standalone if standalone != question else None,
                passages=passages,
                raw_text=raw,
            )

        # Nothing close enough: do not let the model improvise from unrelated passages.
        if not passages or max(p.similarity for p in passages) < self.settings.min_relevance:
            yield finish(REFUSAL_TEXT, True)
            return
        messages = answer_messages(question if not history else standalone, passages, history)
        raw = ""
        for piece in self.llm.stream(
            messages, self.settings.llm_max_tokens, self.settings.llm_temperature
        ):
            raw += piece
            yield piece
            # The verifier keeps MAX_SENTENCES; generating more only costs seconds.
            if past_sentence_limit(raw):
                break
        t3 = time.perf_counter()
        timings.generate_s = t3 - t2
        verified = verify(raw, passages)
        timings.verify_s = time.perf_counter() - t3
        if verified.refused:
            yield finish(REFUSAL_TEXT, True, raw=raw)
        else:
            yield finish(verified.text, False, verified.citations, raw=raw)

    def ask(self, question: str, history: list[Turn] | None = None, **kwargs) -> Answer:
        *_, answer = self.stream(question, history, **kwargs)
        return answer
