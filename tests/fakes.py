"""Scripted stand-ins for the LLM, for tests of the pipeline's plumbing (what the model is shown,
the grammar it gets, what happens to its reply). Behaviour is tested with the real model."""

from qa.llms.base import ChatLLM


class ScriptedLLM(ChatLLM):
    """Replies with `reply` (the n-th of a list to the n-th call, the last one after that)."""

    name = "scripted"

    def __init__(self, reply: str | list[str]):
        self.replies = [reply] if isinstance(reply, str) else list(reply)
        self.calls: list[dict] = []

    def stream(self, messages, max_tokens=256, temperature=0.0, grammar=None):
        self.calls.append({"messages": messages, "grammar": grammar})
        reply = self.replies[min(len(self.calls), len(self.replies)) - 1]
        yield from reply.split(" ")[:1]
        for word in reply.split(" ")[1:]:
            yield " " + word


class LeaningLLM(ScriptedLLM):
    """A scripted LLM that also reports its Yes-over-No log-odds, as llama.cpp does, and its
    log-odds of opening with the refusal ("The articles don't say.") over the verdict."""

    def __init__(self, reply: str, margin: float, refusal: float = -5.0):
        super().__init__(reply)
        self.margin, self.refusal = margin, refusal
        self.asked: list[tuple[str, str]] = []

    def preference(self, messages, first, second):
        self.asked.append((first, second))
        if (first, second) == ("Yes", "No"):
            return self.margin
        assert first == "The" and second in ("Yes", "No")
        return self.refusal


class DoubtingLLM(ScriptedLLM):
    """A scripted LLM that also reports how sure it was of a refusal, as llama.cpp does."""

    def __init__(self, replies: list[str], logprob: float):
        super().__init__(replies)
        self.logprob = logprob

    def reply_logprob(self, messages, reply):
        assert reply == "The articles don't say."
        return self.logprob
