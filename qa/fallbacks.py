"""What happens after the verifier, one object per rule, in the order the answerer runs them.

Each fallback looks at the verified draft (`applies`) and, when it has something to add, returns
a new `Verified` carrying its own notes (`run`); None leaves the answer as it was. They never edit
a shared list, so a report can say which rule changed an answer and why.
"""

from dataclasses import dataclass, replace
from typing import Protocol

from qa.candidates import (
    Candidate,
    answer_candidates,
    choice_grammar,
    choice_instruction,
    full_form,
    outvoted,
    wants_full_name,
)
from qa.citations import Limits, Verified, is_refusal, verify
from qa.disagreement import Disagreement
from qa.evidence import Evidence
from qa.extractive import quote_answer
from qa.llms import ChatLLM
from qa.outcome import asks_outcome, names_no_winner, only_announces
from qa.prompts import NO_REFUSAL, REFUSAL_TEXT
from qa.question import QuestionPlan, source_aliases
from qa.settings import QASettings


@dataclass(frozen=True)
class Drafted:
    """A question after drafting: what every fallback may read."""

    plan: QuestionPlan
    question: str  # standalone form
    evidence: list[Evidence]
    messages: list[dict]  # the answer prompt the draft was written from
    raw: str  # the model's draft

    @property
    def joins(self) -> bool:
        return joins_articles(self.plan)


def joins_articles(plan: QuestionPlan) -> bool:
    """The question joins several articles (several outlets or parts): the answer is what they
    share."""
    return len(plan.facets) >= 2 or len(plan.sources) >= 2


class Fallback(Protocol):
    def applies(self, d: Drafted, result: Verified) -> bool: ...

    def run(self, d: Drafted, result: Verified) -> Verified | None: ...


def limits_of(settings: QASettings) -> Limits:
    return Limits(**settings.verify.model_dump())


def draft_until(llm: ChatLLM, messages, settings: QASettings, grammar: str | None) -> str:
    from qa.citations import past_sentence_limit

    text = ""
    limits = limits_of(settings)
    for piece in llm.stream(messages, settings.llm.max_tokens, settings.llm.temperature, grammar):
        text += piece
        if past_sentence_limit(text, limits):
            break
    return text


@dataclass
class EntityPick:
    """A "which/who" question that joins articles, refused or answered with a name the
    articles outvote: the LLM picks among the names the evidence repeats across articles (a
    grammar allows only those), and the pick is verified like any answer. Only for joining
    questions: a one-part "Who is the prime minister of Qatar?" is left to the model's refusal."""

    llm: ChatLLM
    outlets: tuple[str, ...]  # indexed outlet names and their short forms: never a candidate
    limits: Limits = Limits()
    outvote_articles: int = 3

    def applies(self, d: Drafted, result: Verified) -> bool:
        return d.plan.kind == "entity" and d.joins

    def run(self, d: Drafted, result: Verified) -> Verified | None:
        candidates = [
            c for c in answer_candidates(d.evidence, d.question, self.outlets) if c.articles >= 2
        ]
        # Refused, or named no name three articles give while another is: the pick.
        if result.refused:
            why = "LLM refused"
        elif outvoted(result.text, candidates, self.outvote_articles):
            why = f"answer {d.raw.strip()!r} outvoted"
        else:
            return None
        chosen = self.choose(d, candidates, why)
        # A pick the answer already names changes nothing.
        if chosen is None or (not result.refused and chosen.text.split(" [")[0] in result.text):
            return None
        return replace(chosen, notes=result.notes + chosen.notes)

    def choose(self, d: Drafted, candidates: list[Candidate], why: str) -> Verified | None:
        """The prompt's evidence prefix is unchanged, so llama.cpp reuses its cache: only the
        added line is read."""
        if not candidates:
            return None
        asked = [*d.messages[:-1], dict(d.messages[-1])]
        asked[-1]["content"] += choice_instruction(candidates)
        reply = "".join(self.llm.stream(asked, 16, 0.0, grammar=choice_grammar(candidates)))
        picked = next((c for c in candidates if c.name == reply.strip()), None)
        if picked is None:
            return None
        per_article: dict[str, int] = {}
        for i in picked.sentences:  # its best sentence in each article, up to three
            per_article.setdefault(d.evidence[i].passage.doc_id, i)
        marks = "".join(f"[{d.evidence[i].n}]" for i in list(per_article.values())[:3])
        verified = verify(
            f"{picked.name} {marks}.", d.evidence, d.question, "entity", limits=self.limits
        )
        note = f"{why}; picked {picked.name!r} from {[c.name for c in candidates]}"
        if verified.refused:
            return None
        # The sentences may give a surname only, the passages the whole name ("Sam Altman"):
        # the answer is written as the articles write it.
        read = [e.passage.text for e in d.evidence]
        name = full_form(picked.name, read) if wants_full_name(d.question) else picked.name
        if name != picked.name:
            note += f", written {name!r} as its passages do"
            verified = replace(verified, text=verified.text.replace(picked.name, name, 1))
        return replace(verified, notes=(note, *verified.notes))


@dataclass
class SecondLook:
    """The model refused a one-part question, but was it sure? The 1.5B model refuses questions
    worded unlike the article though the answer is among its sentences. Below the calibrated
    log-probability it is asked again with the refusal ruled out (a grammar), and that answer is
    verified strictly. In the multihop-rag profile, not for a joining question
    (joining.second_look)."""

    llm: ChatLLM
    settings: QASettings

    def applies(self, d: Drafted, result: Verified) -> bool:
        return (
            self.settings.answer.second_look
            and result.refused
            and d.plan.kind != "yes_no"
            and (self.settings.joining.second_look or not d.joins)
            and is_refusal(d.raw)
        )

    def run(self, d: Drafted, result: Verified) -> Verified | None:
        limit = self.settings.answer.second_look_below
        logprob = self.llm.reply_logprob(d.messages, REFUSAL_TEXT)
        if logprob is None:
            return None
        if logprob >= limit:
            note = f"refusal log-prob {logprob:.2f} >= {limit:g}: refusal stands"
            return replace(result, notes=(*result.notes, note))
        raw = draft_until(self.llm, d.messages, self.settings, NO_REFUSAL)
        verified = verify(
            raw, d.evidence, d.question, d.plan.kind, strict=True, limits=limits_of(self.settings)
        )
        note = f"refusal log-prob {logprob:.2f} < {limit:g}: asked again, {raw.strip()!r}"
        if verified.refused:
            return replace(result, notes=(*result.notes, note, *verified.notes))
        return replace(verified, notes=(*result.notes, note, *verified.notes))


@dataclass
class Quote:
    """Still refused, but one evidence sentence plainly answers (score floor): quote it whole,
    cited. A quote answers a what/who/why question; it is not a yes/no verdict."""

    min_score: float

    def applies(self, d: Drafted, result: Verified) -> bool:
        return result.refused and d.plan.kind != "yes_no" and bool(self.min_score)

    def run(self, d: Drafted, result: Verified) -> Verified | None:
        quoted = quote_answer(d.evidence, self.min_score, d.question)
        return replace(quoted, notes=result.notes + quoted.notes) if quoted else None


class OutcomeGate:
    """A question about how an event turned out is not answered by sentences that only
    announce it."""

    def applies(self, d: Drafted, result: Verified) -> bool:
        return not result.refused and asks_outcome(d.question)

    def run(self, d: Drafted, result: Verified) -> Verified | None:
        if only_announces(result.citations):
            note = "refused: the question asks how an event turned out; the cited sentences "
            note += "only announce it"
        elif names_no_winner(d.question, result.citations):
            note = "refused: the question asks who won; the cited sentences do not say"
        else:
            return None
        return replace(result, refused=True, notes=(*result.notes, note))


def fallbacks(llm: ChatLLM, settings: QASettings, sources: list[str]) -> list[Fallback]:
    """In the order they run."""
    outlets = tuple(a for s in sources for a in (s, *source_aliases(s)))
    chain: list[Fallback] = []
    if settings.joining.entity_pick:
        chain.append(
            EntityPick(llm, outlets, limits_of(settings), settings.joining.outvote_articles)
        )
    chain += [SecondLook(llm, settings), Quote(settings.answer.quote_min_score), OutcomeGate()]
    if settings.answer.show_disagreement:
        chain.append(Disagreement())
    return chain


def run_fallbacks(chain: list[Fallback], d: Drafted, result: Verified) -> Verified:
    for fallback in chain:
        if fallback.applies(d, result) and (changed := fallback.run(d, result)) is not None:
            result = changed
    return result
