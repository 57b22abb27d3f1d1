"""Replays the drafts an earlier eval run recorded, so a change to what happens *after* the LLM
(verifier, quote fallback, gates) is measured on a whole gold set in minutes, not hours.
Only valid while retrieval and evidence selection are unchanged: the drafts cite by number."""

from collections.abc import Iterator

from qa.llms.base import ChatLLM
from qa.prompts import REFUSAL_TEXT, REWRITE


class ReplayLLM(ChatLLM):
    def __init__(self, drafts: dict[str, str], rewrites: dict[str, str], source: str = "a run"):
        self.drafts = drafts  # question the answer prompt names -> the LLM's raw draft
        self.rewrites = rewrites  # follow-up question -> its recorded standalone form
        self.name = f"replay of {source}"

    def stream(self, messages, max_tokens=256, temperature=0.0, grammar=None) -> Iterator[str]:
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
