"""Stand-ins for the LLM (scripted replies) and the embedder (a bag of words), for tests of the
pipeline's plumbing: what the model is shown, the grammar it gets, what happens to its reply,
what is stored and refused. Behaviour is tested with the real models."""

import hashlib
import re

import numpy as np
from llama_index.core.base.embeddings.base import BaseEmbedding

from qa.llms.base import ChatLLM

FAKE_MODEL = "fake-bag-of-words"
CITED = re.compile(r"\[\[(.+?)\]\]")
WORD_PIECE = re.compile(r"\w+|[^\w\s]")


def cite(reply: str, messages) -> str:
    """A reply's `[[phrase]]` becomes the marker of the evidence sentence holding the phrase, as
    the prompt numbers it, so a scripted reply cites what it means whatever the ranking
    (`[?]` if no numbered sentence holds it)."""
    lines = [line for line in messages[-1]["content"].splitlines() if line.startswith("[")]

    def marker(match: re.Match) -> str:
        found = [line.split("]", 1)[0] + "]" for line in lines if match[1] in line]
        return found[0] if found else "[?]"

    return CITED.sub(marker, reply)


class ScriptedLLM(ChatLLM):
    """Replies with `reply` (the n-th of a list to the n-th call, the last one after that);
    `[[phrase]]` in a reply cites the evidence sentence holding the phrase (see `cite`)."""

    name = "scripted"

    def __init__(self, reply: str | list[str]):
        self.replies = [reply] if isinstance(reply, str) else list(reply)
        self.calls: list[dict] = []

    def stream(self, messages, max_tokens=256, temperature=0.0, grammar=None):
        self.calls.append({"messages": messages, "grammar": grammar})
        reply = cite(self.replies[min(len(self.calls), len(self.replies)) - 1], messages)
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


class FakeTokenizer:
    """Words and punctuation marks as 'word pieces' (chunk sizes are counted in them)."""

    def tokenize(self, text: str) -> list[str]:
        return WORD_PIECE.findall(text.lower())


class FakeEmbedding(BaseEmbedding):
    """A deterministic bag-of-words embedder for plumbing tests (chunking, storing, listing,
    filters, reports): each word hashed to a signed unit in 384 dimensions, the sum normalised.
    Texts that share words are close, so retrieval still finds what it should on small indexes;
    meaning (paraphrase, synonyms) is the real model's job, tested with the real model."""

    max_seq_length: int = 256
    dimension: int = 384

    @classmethod
    def class_name(cls) -> str:
        return "FakeEmbedding"

    @property
    def tokenizer(self) -> FakeTokenizer:
        return FakeTokenizer()

    def vector(self, text: str) -> list[float]:
        out = np.zeros(self.dimension, dtype=np.float32)
        words = FakeTokenizer().tokenize(text)[: self.max_seq_length]
        for word in words:
            if not word.isalnum():
                continue
            digest = hashlib.blake2b(word.encode(), digest_size=8).digest()
            slot = int.from_bytes(digest[:4], "little") % self.dimension
            out[slot] += 1.0 if digest[4] & 1 else -1.0
        norm = float(np.linalg.norm(out))
        return (out / norm if norm else out).tolist()

    def _get_query_embedding(self, query: str) -> list[float]:
        return self.vector(query)

    def _get_text_embedding(self, text: str) -> list[float]:
        return self.vector(text)

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self.vector(query)
