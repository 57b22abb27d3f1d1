"""Question in, grounded Answer out: rewrite follow-ups, retrieve, generate, verify."""

import re
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, timedelta

from index.backends.base import IndexBase
from index.components import embedder_for, open_index
from index.errors import BadInputError
from qa.citations import past_sentence_limit, verify
from qa.evidence import Evidence, rank_by_evidence, select_evidence
from qa.fallbacks import Drafted, fallbacks, joins_articles, limits_of, run_fallbacks
from qa.llms import ChatLLM, load_llm
from qa.prompts import (
    GRAMMARS,
    REFUSAL_TEXT,
    answer_messages,
    answer_openings,
    rewrite_messages,
)
from qa.question import QuestionPlan, plan_question
from qa.retrieval import Request, Retriever
from qa.settings import QASettings, RetrievalSection
from qa.types import Answer, Passage, RetrievalFilters, Timings, Turn

# A reason that does not open with "the articles" (any case): the refusal is decided apart.
REASON_NOT_REFUSAL = (
    'reason ::= [^tT\\n] [^\\n]* | [tT] [^h\\n] [^\\n]* | [tT] "h" [^e\\n] [^\\n]* '
    '| [tT] "he" [^ \\n] [^\\n]* | [tT] "he " [^a\\n] [^\\n]* | [tT] "he a" [^r\\n] [^\\n]*'
)


def shift_day(iso: str, days: int) -> str:
    return (date.fromisoformat(iso) + timedelta(days=days)).isoformat()


WHY_HOW = re.compile(r"^\s*(?:why|how)\b", re.I)


@dataclass(frozen=True)
class Context:
    """What the LLM gets to read for one question."""

    plan: QuestionPlan
    passages: list[Passage]
    evidence: list[Evidence]


@dataclass(frozen=True)
class Pool:
    """The passages retrieved for one question, and how to pick its evidence sentences."""

    plan: QuestionPlan
    passages: list[Passage]
    leaders: tuple[int, ...]  # each named outlet's first passage: it must contribute a sentence
    query_vecs: list[list[float]]  # the question's, then each facet's
    queries: list[str]
    context: int = 0  # the best sentences that bring the two before them ("why" questions)

    def select(self, embed, r: RetrievalSection, limit: int | None = None) -> list[Evidence]:
        """The evidence sentences as the settings pick them (`limit`: another budget)."""
        return select_evidence(
            self.query_vecs,
            self.passages,
            embed,
            limit or r.evidence_sentences,
            self.leaders,
            context=self.context,
            queries=self.queries,
            lexical_weight=r.lexical_weight,
            heading_weight=r.heading_weight,
        )


class Answerer:
    """Holds the model, index and retriever in memory between questions."""

    def __init__(
        self, settings: QASettings, index: IndexBase | None = None, llm: ChatLLM | None = None
    ):
        self.settings = settings
        self.index = index or open_index(settings)
        self.embedder = embedder_for(settings)
        self.retriever = self._retriever()
        self._llm = llm
        self._llm_lock = threading.Lock()  # `warm` may load the model in a thread at start-up
        self._sources = self._indexed_sources()

    def _retriever(self) -> Retriever:
        s = self.settings
        return Retriever(
            self.index,
            self.embedder,
            s.retrieval.dense_top_k,
            s.retrieval.bm25_top_k,
            s.retrieval.use_bm25,
        )

    def reload(self) -> None:
        """Pick up the index as saved on disk (after an upload or removal)."""
        self.index = open_index(self.settings)
        self.retriever = self._retriever()
        self._sources = self._indexed_sources()

    def follow_index(self) -> None:
        """Reload when another process (`newsqa index build/remove`) saved a new version."""
        now = self.index.current_version()
        if now is not None and now != self.index.version:
            self.reload()

    def _indexed_sources(self) -> list[str]:
        return sorted({r.source for r in self.index.documents().values() if r.source})

    def _outlets_line(self, shown: int = 8) -> str:
        """Which outlets the index does have (most articles first), so the user can ask again
        about one of them."""
        counts = Counter(r.source for r in self.index.documents().values() if r.source)
        if not counts:
            return "No indexed article names its outlet."
        names = [name for name, _ in counts.most_common(shown)]
        more = len(counts) - len(names)
        return f"The articles are from {', '.join(names)}" + (
            f" and {more} more outlets." if more > 0 else "."
        )

    @property
    def llm(self) -> ChatLLM:
        with self._llm_lock:
            if self._llm is None:
                self._llm = load_llm(self.settings)
        return self._llm

    def warm(self) -> None:
        """Load the LLM and read the fixed openings of answer prompts once, so each question's
        prompt is read from its evidence on (long-running processes: chat, eval)."""
        self.llm.warm(answer_openings())

    def standalone_question(self, question: str, history: list[Turn]) -> str:
        """A follow-up rewritten so retrieval can find it without the conversation."""
        if not history:
            return question
        text = self.llm.complete(rewrite_messages(question, history), max_tokens=60)
        lines = [line.strip().strip('"') for line in text.strip().splitlines() if line.strip()]
        return lines[0] if lines else question

    def prepare(
        self, question: str, filters: RetrievalFilters | None = None, top_k: int | None = None
    ) -> Context:
        """Read the question, retrieve (per named outlet), and pick the evidence sentences."""
        pool = self.gather(question, filters, top_k)
        evidence = pool.select(self.embedder.get_text_embedding_batch, self.settings.retrieval)
        return Context(pool.plan, rank_by_evidence(pool.passages, evidence), evidence)

    def gather(
        self, question: str, filters: RetrievalFilters | None = None, top_k: int | None = None
    ) -> Pool:
        """Read the question and retrieve (per named outlet, facet and day): the passages the
        evidence sentences are picked from."""
        self.follow_index()
        plan = plan_question(question, self._sources)
        if plan.unknown_sources:
            # The outlet gate refuses this question whatever is retrieved: retrieve nothing.
            return Pool(plan, [], (), [], [])
        s = self.settings
        k = top_k or s.retrieval.top_k
        base = filters or RetrievalFilters()
        query_vec = self.embedder.get_query_embedding(question)
        facet_vecs = self.embedder.get_text_embedding_batch(list(plan.facets))
        # Each named outlet's best passages, each facet's, then the best for the whole question.
        sources = [x for x in plan.sources if not base.sources or x in base.sources]
        requests = [
            Request(question, s.retrieval.per_source_k, replace(base, sources=(x,)), query_vec)
            for x in sources
        ]
        # A facet is a claim about one of the named outlets' articles when the question names any.
        named = tuple(sources) or base.sources
        facet_filters = replace(base, sources=named)
        parts = list(zip(plan.facets, facet_vecs))
        requests += [Request(f, s.retrieval.per_facet_k, facet_filters, v) for f, v in parts]
        # "The TechCrunch report on October 7": that day's articles (a day either side: the
        # index keeps UTC dates, the question the outlet's local one).
        for day in plan.dates:
            near = RetrievalFilters(named, shift_day(day, -1), shift_day(day, 1))
            for text, vec in [(question, query_vec), *parts]:
                requests.append(Request(text, s.retrieval.per_facet_k, near, vec))
        requests.append(Request(question, k * 2, filters, query_vec))
        passages, firsts = self.retriever.retrieve_union(requests)
        leaders = tuple(i for i in firsts[: len(sources)] if i >= 0)
        return Pool(
            plan,
            passages,
            leaders,
            [query_vec, *facet_vecs],
            [question, *plan.facets],
            context=3 if WHY_HOW.match(question) else 0,
        )

    def stream(
        self,
        question: str,
        history: list[Turn] | None = None,
        filters: RetrievalFilters | None = None,
        top_k: int | None = None,
    ) -> Iterator[str | Answer]:
        """Yield the LLM's text as it comes, then the verified Answer last."""
        history = list(history or [])
        if len(question) > self.settings.answer.max_question_chars:
            raise BadInputError(
                f"the question is {len(question):,} characters; at most "
                f"{self.settings.answer.max_question_chars:,} fit with the evidence "
                "(NEWSQA_ANSWER__MAX_QUESTION_CHARS)"
            )
        timings = Timings()
        t0 = time.perf_counter()
        standalone = self.standalone_question(question, history)
        t1 = time.perf_counter()
        timings.rewrite_s = t1 - t0
        ctx = self.prepare(standalone, filters, top_k)
        plan, passages, evidence = ctx.plan, ctx.passages, ctx.evidence
        t2 = time.perf_counter()
        timings.retrieve_s = t2 - t1

        def finish(text: str, refused: bool, verified=None, raw: str = "") -> Answer:
            timings.total_s = time.perf_counter() - t0
            return Answer(
                question=question,
                text=text,
                refused=refused,
                citations=list(verified.citations) if verified and not refused else [],
                timings=timings,
                standalone_question=standalone if standalone != question else None,
                passages=passages,
                raw_text=raw,
                kind=plan.kind,
                evidence=evidence,
                notes=[*notes, *verified.notes] if verified else notes,
            )

        notes: list[str] = []
        s = self.settings
        if plan.unknown_sources:
            # "according to Bloomberg" with no Bloomberg article: the articles cannot say.
            names = " or ".join(plan.unknown_sources)
            notes.append(f"refused before the LLM: no indexed article is from {names}")
            yield finish(
                f"{REFUSAL_TEXT[:-1]}: none of them is from {names}. {self._outlets_line()}",
                True,
            )
            return
        # Nothing close enough: do not let the model improvise from unrelated passages.
        if (
            not passages
            or max(p.similarity for p in passages) < self.settings.retrieval.min_relevance
        ):
            notes.append("refused before the LLM: no passage close enough")
            yield finish(REFUSAL_TEXT, True)
            return
        # A yes/no question may be one the articles cannot decide, and may be refused. In the
        # multihop-rag profile, one about what a named outlet's article says, or comparing
        # articles, is judged on those articles: it gets a verdict.
        on_articles = s.joining.verdict_on_articles and (joins_articles(plan) or bool(plan.sources))
        prompt_kind = "yes_no_or_refuse" if plan.kind == "yes_no" and not on_articles else plan.kind
        messages = answer_messages(
            question if not history else standalone, evidence, history, prompt_kind
        )
        raw = ""
        grammar = GRAMMARS.get(plan.kind)
        if plan.kind == "yes_no":
            grammar = self._verdict_grammar(messages, notes, not on_articles) or grammar
        for piece in self._draft(messages, grammar):
            raw += piece
            yield piece
        t3 = time.perf_counter()
        timings.generate_s = t3 - t2
        drafted = Drafted(plan, standalone, evidence, messages, raw)
        # A verdict on the world stands only with its reason supported; one on named articles
        # may stand on the sentences it cites (MultiHop-RAG's comparisons).
        limits = limits_of(s)
        verified = verify(
            raw, evidence, standalone, plan.kind, verdict_on_cited=on_articles, limits=limits
        )
        verified = run_fallbacks(fallbacks(self.llm, s, self._sources), drafted, verified)
        timings.verify_s = time.perf_counter() - t3
        if verified.refused:
            yield finish(REFUSAL_TEXT, True, verified, raw=raw)
        else:
            yield finish(verified.text, False, verified, raw=raw)

    def _draft(self, messages: list[dict], grammar: str | None) -> Iterator[str]:
        """The LLM's reply as it comes, up to the sentences the verifier keeps (generating more
        only costs seconds)."""
        s = self.settings
        text = ""
        for piece in self.llm.stream(messages, s.llm.max_tokens, s.llm.temperature, grammar):
            text += piece
            yield piece
            if past_sentence_limit(text, limits_of(s)):
                break

    def _verdict_grammar(
        self, messages: list[dict], notes: list[str], may_refuse: bool = False
    ) -> str | None:
        """Decide Yes or No from the model's own log-odds against a calibrated threshold, then
        let it give the reason for that verdict. The 1.5B model leans to "Yes" (on the
        MultiHop-RAG dev sample it said Yes to 22 of 33 questions whose answer is No). When
        `may_refuse` and the model would rather open with the refusal than with that verdict,
        the grammar lets it refuse."""
        margin = self.llm.preference(messages, "Yes", "No")
        if margin is None:
            return None
        threshold = self.settings.answer.yes_no_threshold
        verdict = "Yes" if margin > threshold else "No"
        notes.append(f"verdict {verdict}: Yes-No log-odds {margin:.2f}, threshold {threshold:g}")
        if may_refuse:
            opening = REFUSAL_TEXT.split()[0]  # "The"
            refuse = self.llm.preference(messages, opening, verdict)
            if refuse is not None and refuse > self.settings.answer.yes_no_refusal_margin:
                notes.append(f"refusal preferred to {verdict}: log-odds {refuse:.2f}")
                return f'root ::= "{REFUSAL_TEXT}"'
        if may_refuse:
            # The prompt allows the refusal; once the verdict is decided, its reason may not be
            # one ("No, the articles don't say." refused a right "No").
            return f'root ::= "{verdict}, " reason\n{REASON_NOT_REFUSAL}'
        return f'root ::= "{verdict}, " [^\\n]+'

    def ask(self, question: str, history: list[Turn] | None = None, **kwargs) -> Answer:
        *_, answer = self.stream(question, history, **kwargs)
        return answer
