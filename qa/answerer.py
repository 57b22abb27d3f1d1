"""Question in, grounded Answer out: rewrite follow-ups, retrieve, generate, verify."""

import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, timedelta

from index.backends.base import IndexBase
from index.builder import embedder_for, open_index
from index.errors import BadInputError
from qa.candidates import (
    Candidate,
    answer_candidates,
    choice_grammar,
    choice_instruction,
    full_form,
    outvoted,
    wants_full_name,
)
from qa.citations import Verified, is_refusal, past_sentence_limit, verify
from qa.evidence import Evidence, rank_by_evidence, select_evidence
from qa.extractive import quote_answer
from qa.llms import ChatLLM, load_llm
from qa.outcome import asks_outcome, only_announces
from qa.prompts import (
    GRAMMARS,
    NO_REFUSAL,
    REFUSAL_TEXT,
    answer_messages,
    answer_openings,
    rewrite_messages,
)
from qa.question import QuestionPlan, plan_question, source_aliases
from qa.retrieval import Request, Retriever
from qa.settings import QASettings
from qa.types import Answer, Passage, RetrievalFilters, Timings, Turn


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

    def select(self, embed, limit: int) -> list[Evidence]:
        return select_evidence(
            self.query_vecs,
            self.passages,
            embed,
            limit,
            self.leaders,
            context=self.context,
            queries=self.queries,
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
        return Retriever(self.index, self.embedder, s.dense_top_k, s.bm25_top_k, s.use_bm25)

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
        evidence = pool.select(
            self.embedder.get_text_embedding_batch, self.settings.evidence_sentences
        )
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
        k = top_k or s.top_k
        base = filters or RetrievalFilters()
        query_vec = self.embedder.get_query_embedding(question)
        facet_vecs = self.embedder.get_text_embedding_batch(list(plan.facets))
        # Each named outlet's best passages, each facet's, then the best for the whole question.
        sources = [x for x in plan.sources if not base.sources or x in base.sources]
        requests = [
            Request(question, s.per_source_k, replace(base, sources=(x,)), query_vec)
            for x in sources
        ]
        # A facet is a claim about one of the named outlets' articles when the question names any.
        named = tuple(sources) or base.sources
        facet_filters = replace(base, sources=named)
        parts = list(zip(plan.facets, facet_vecs))
        requests += [Request(f, s.per_facet_k, facet_filters, v) for f, v in parts]
        # "The TechCrunch report on October 7": that day's articles (a day either side: the
        # index keeps UTC dates, the question the outlet's local one).
        for day in plan.dates:
            near = RetrievalFilters(named, shift_day(day, -1), shift_day(day, 1))
            for text, vec in [(question, query_vec), *parts]:
                requests.append(Request(text, s.per_facet_k, near, vec))
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
        if len(question) > self.settings.max_question_chars:
            raise BadInputError(
                f"the question is {len(question):,} characters; at most "
                f"{self.settings.max_question_chars:,} fit with the evidence "
                "(NEWSQA_MAX_QUESTION_CHARS)"
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
        if plan.unknown_sources:
            # "according to Bloomberg" with no Bloomberg article: the articles cannot say.
            names = " or ".join(plan.unknown_sources)
            notes.append(f"refused before the LLM: no indexed article is from {names}")
            yield finish(f"{REFUSAL_TEXT[:-1]}: none of them is from {names}.", True)
            return
        # Nothing close enough: do not let the model improvise from unrelated passages.
        if not passages or max(p.similarity for p in passages) < self.settings.min_relevance:
            notes.append("refused before the LLM: no passage close enough")
            yield finish(REFUSAL_TEXT, True)
            return
        messages = answer_messages(
            question if not history else standalone, evidence, history, plan.kind
        )
        raw = ""
        s = self.settings
        grammar = GRAMMARS.get(plan.kind)
        if plan.kind == "yes_no":
            grammar = self._verdict_grammar(messages, notes) or grammar
        for piece in self._draft(messages, grammar):
            raw += piece
            yield piece
        t3 = time.perf_counter()
        timings.generate_s = t3 - t2
        verified = verify(raw, evidence, standalone, plan.kind)
        # Only for a question that joins several articles (several outlets or parts): there the
        # answer is the name they share, and a refusal is the 1.5B model failing to join them.
        # A one-part "Who is the prime minister of Qatar?" is left to the model's refusal.
        joins = len(plan.facets) >= 2 or len(plan.sources) >= 2
        if plan.kind == "entity" and s.entity_choice and joins:
            candidates = self.shared_names(evidence, standalone)
            # Refused, or named no name three articles give while another is: the pick.
            why = None
            if verified.refused:
                why = "LLM refused"
            elif outvoted(verified.text, candidates):
                why = f"answer {raw.strip()!r} outvoted"
            chosen = why and self.choose_entity(messages, evidence, standalone, candidates, why)
            # A pick the answer already names changes nothing.
            if chosen and not verified.refused and chosen.text.split(" [")[0] in verified.text:
                chosen = None
            if chosen:
                verified = replace(chosen, notes=verified.notes + chosen.notes)
        # A one-part question the model refused while unsure gets a second look. Not a joining
        # one: on the MultiHop-RAG dev data a pushed answer there described one article's story
        # (after the pick, 4 more of the 20 null questions the model refused were answered, and
        # 1 of 19 answerable ones gained).
        if verified.refused and plan.kind != "yes_no" and not joins and is_refusal(raw):
            second = self.second_look(messages, evidence, standalone, plan.kind, notes)
            if second is not None:
                verified = replace(second, notes=verified.notes + second.notes)
        # A quote answers a "what/who/why" question; it is not a yes/no verdict.
        if (
            verified.refused
            and plan.kind != "yes_no"
            and s.quote_min_score
            and (quoted := quote_answer(evidence, s.quote_min_score))
        ):
            verified = replace(quoted, notes=verified.notes + quoted.notes)
        if not verified.refused and asks_outcome(standalone) and only_announces(verified.citations):
            note = "refused: the question asks how an event turned out; the cited sentences "
            note += "only announce it"
            verified = replace(verified, refused=True, notes=(*verified.notes, note))
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
        for piece in self.llm.stream(messages, s.llm_max_tokens, s.llm_temperature, grammar):
            text += piece
            yield piece
            if past_sentence_limit(text):
                break

    def second_look(
        self,
        messages: list[dict],
        evidence: list[Evidence],
        question: str,
        kind: str,
        notes: list[str],
    ) -> Verified | None:
        """The model refused, but was it sure? The 1.5B model refuses questions worded unlike
        the article though the answer is among its sentences; then its refusal is a close call.
        Below the calibrated log-probability it is asked again with the refusal ruled out (a
        grammar), and that answer must pass the verifier like any other."""
        if not self.settings.second_look:
            return None
        limit = self.settings.second_look_below
        logprob = self.llm.reply_logprob(messages, REFUSAL_TEXT)
        if logprob is None or logprob >= limit:
            if logprob is not None:
                notes.append(f"refusal log-prob {logprob:.2f} >= {limit:g}: refusal stands")
            return None
        raw = "".join(self._draft(messages, NO_REFUSAL))
        verified = verify(raw, evidence, question, kind, strict=True)
        note = f"refusal log-prob {logprob:.2f} < {limit:g}: asked again, {raw.strip()!r}"
        notes.append(note)
        if verified.refused:
            notes.extend(verified.notes)
            return None
        return verified

    def _verdict_grammar(self, messages: list[dict], notes: list[str]) -> str | None:
        """Decide Yes or No from the model's own log-odds against a calibrated threshold, then
        let it give the reason for that verdict. The 1.5B model leans to "Yes" (on the
        MultiHop-RAG dev sample it said Yes to 22 of 33 questions whose answer is No)."""
        margin = self.llm.preference(messages, "Yes", "No")
        if margin is None:
            return None
        threshold = self.settings.yes_no_threshold
        verdict = "Yes" if margin > threshold else "No"
        notes.append(f"verdict {verdict}: Yes-No log-odds {margin:.2f}, threshold {threshold:g}")
        return f'root ::= "{verdict}, " [^\\n]+'

    def shared_names(self, evidence: list[Evidence], question: str) -> list[Candidate]:
        """The names the evidence repeats across articles, most articles first: a name only one
        article gives cannot be what several articles have in common."""
        outlets = tuple(a for s in self._sources for a in (s, *source_aliases(s)))
        return [c for c in answer_candidates(evidence, question, outlets) if c.articles >= 2]

    def choose_entity(
        self,
        messages: list[dict],
        evidence: list[Evidence],
        question: str,
        candidates: list[Candidate],
        why: str,
    ) -> Verified | None:
        """Let the LLM pick among the names the evidence repeats (a grammar allows only those
        or "none"), then verify the pick like any answer. The prompt's evidence prefix is
        unchanged, so llama.cpp reuses its cache: only the added line is read. `why` the pick
        was asked for goes into its note."""
        if not candidates:
            return None
        asked = [*messages[:-1], dict(messages[-1])]
        asked[-1]["content"] += choice_instruction(candidates)
        reply = "".join(self.llm.stream(asked, 16, 0.0, grammar=choice_grammar(candidates)))
        picked = next((c for c in candidates if c.name == reply.strip()), None)
        if picked is None:
            return None
        per_article: dict[str, int] = {}
        for i in picked.sentences:  # its best sentence in each article, up to three
            per_article.setdefault(evidence[i].passage.doc_id, i)
        marks = "".join(f"[{evidence[i].n}]" for i in list(per_article.values())[:3])
        verified = verify(f"{picked.name} {marks}.", evidence, question, "entity")
        note = f"{why}; picked {picked.name!r} from {[c.name for c in candidates]}"
        if verified.refused:
            return None
        # The sentences may give a surname only, the passages they come from the whole name
        # ("Sam Altman"): the answer is written as the articles write it.
        read = {e.passage.node_id: e.passage.text for e in evidence}
        name = (
            full_form(picked.name, list(read.values()))
            if wants_full_name(question)
            else picked.name
        )
        if name != picked.name:
            note += f", written {name!r} as its passages do"
            verified = replace(verified, text=verified.text.replace(picked.name, name, 1))
        return replace(verified, notes=(note, *verified.notes))

    def ask(self, question: str, history: list[Turn] | None = None, **kwargs) -> Answer:
        *_, answer = self.stream(question, history, **kwargs)
        return answer
