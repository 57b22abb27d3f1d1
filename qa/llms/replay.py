"""Replays the drafts an earlier eval run recorded, so a change to what happens *after* the LLM
(verifier, quote fallback, gates) is measured on a whole gold set in minutes, not hours.
Only valid while retrieval and evidence selection are unchanged: the drafts cite by number."""

from collections.abc import Iterator

from qa.llms.base import ChatLLM
from qa.prompts import REFUSAL_TEXT, REWRITE


class ReplayLLM(ChatLLM):
    """With `live`, a real model answers whatever the run did not record as it is asked now:
    a first draft whose prompt reads other evidence sentences (or other instructions) than the
    run's, and every later call (a second look, a pick among names, a verdict's log-odds). The
    recorded first drafts, the bulk of a run's time, are then reused only where the model would
    read the very same prompt."""

    def __init__(
        self,
        drafts: dict[str, str],
        rewrites: dict[str, str],
        source: str = "a run",
        read: dict[str, list[str]] | None = None,
        live: ChatLLM | None = None,
    ):
        self.drafts = drafts  # question the answer prompt names -> the LLM's raw draft
        self.rewrites = rewrites  # follow-up question -> its recorded standalone form
        self.read = read or {}  # question -> the evidence sentences its prompt numbered
        self.live = live
        self.name = f"replay of {source}" + (f", live: {live.name}" if live else "")

    def stream(self, messages, max_tokens=256, temperature=0.0, grammar=None) -> Iterator[str]:
        if self.live is not None and not self._recorded(messages, grammar):
            yield from self.live.stream(messages, max_tokens, temperature, grammar)
            return
        prompt = messages[-1]["content"]
        table = self.rewrites if messages[0]["content"] == REWRITE else self.drafts
        # "Question: X" closes the answer prompt, "Last question: X" the rewrite prompt.
        found = [q for q in table if prompt.endswith(f"uestion: {q}")]
        if not found and table is self.rewrites:
            # No rewrite recorded: the run's rewrite left the question as it was.
            yield prompt.rsplit("Last question: ", 1)[-1]
            return
        if not found:
            # A run records each item's last turn only; earlier turns of a conversation (and
            # questions the run never reached) replay as refusals.
            yield REFUSAL_TEXT
            return
        yield table[max(found, key=len)]

    def _recorded(self, messages, grammar) -> bool:
        """The run recorded this very call: the rewrite, or a free first draft (a grammar's
        reply depends on choices made now) whose prompt numbers the same sentences as the
        run's did."""
        if messages[0]["content"] == REWRITE:
            return True
        prompt = messages[-1]["content"]
        found = [q for q in self.drafts if prompt.endswith(f"uestion: {q}")]
        if not found or grammar is not None:
            return False
        question = max(found, key=len)
        read = self.read.get(question)
        lines = [line for line in prompt.splitlines() if line.startswith("[")]
        if read is None or len(lines) != len(read):
            return False
        flat = " ".join(prompt.split())
        return all(" ".join(sentence.split()) in flat for sentence in read)

    def preference(self, messages, first, second):
        return self.live.preference(messages, first, second) if self.live else None

    def reply_logprob(self, messages, reply):
        return self.live.reply_logprob(messages, reply) if self.live else None

    def warm(self, openings) -> None:
        if self.live:
            self.live.warm(openings)
