"""A question about how an event turned out is not answered by sentences that announce it.

News often previews an event ("Netanyahu is set to meet Trump on Monday; the discussions will
focus on ..."). Asked "What was the outcome of the meeting?", the 1.5B model answers with the
preview, and every word of it is supported. Such an answer is refused: the articles say the
event is coming, not how it went.
"""

import re

from qa.types import Citation

# "What was the outcome of …", "What came out of …", "What happened at …", "What did they
# agree on?", "How did the talks end?", "How many people went to …?", "Who won …?".
OUTCOME_QUESTION = re.compile(
    r"^\s*(?:what\s+(?:was|were)\s+the\s+(?:outcomes?|results?|conclusions?)\s+of\b"
    r"|what\s+(?:came|resulted)\s+(?:out\s+)?of\b"
    r"|what\s+happened\s+(?:at|in|during|after)\b"
    r"|what\s+did\b.*\b(?:agree|decide|conclude|settle)\b"
    r"|how\s+did\b.*\b(?:end|turn\s+out)\s*\??\s*$"
    # How it went, in numbers or a winner: "How many people went to the match?", "Who won?"
    r"|how\s+(?:many|much)\b.*\b(?:went|attended|turned\s+(?:up|out)|showed\s+up|watched|came)\b"
    r"|who\s+won\b|what\s+was\s+the\s+(?:final\s+)?score\b)",
    re.I,
)
# A sentence that speaks of the event as still to come.
ANNOUNCES = re.compile(
    r"\b(?:(?:is|are)\s+(?:set|expected|scheduled|due|slated|poised|going|likely)\b"
    r"|will|plans?\s+to|aims?\s+to|upcoming|ahead\s+of"
    r"|prepar(?:e|es|ing)\s+(?:for|to))\b",
    re.I,
)


def asks_outcome(question: str) -> bool:
    return bool(OUTCOME_QUESTION.search(question))


# A sentence that reports something done: "They agreed a ceasefire that will take effect
# Monday" tells how the talks went, though it says "will".
REPORTS_DONE = re.compile(
    r"\b(?:agreed|reached|signed|decided|concluded|ended|won|lost|approved|rejected|voted|"
    r"settled|announced|struck|failed|resulted|finished)\b",
    re.I,
)


def only_announces(citations: list[Citation]) -> bool:
    """Every cited sentence speaks of what is still to come, and none reports it done."""
    return bool(citations) and all(
        ANNOUNCES.search(c.quote) and not REPORTS_DONE.search(c.quote) for c in citations
    )


# "Who won …?" is answered by a sentence that says who won: a fixture list naming Chelsea
# ("Jan. 22, 2024 Middlesbrough vs. Chelsea") does not, though the answer's "won" is the
# question's own word (natural-dev nat-137, a pushed answer). Written from that answer.
ASKS_WINNER = re.compile(r"^\s*(?:who|which\s+\w+)\s+won\b", re.I)
NAMES_WINNER = re.compile(
    r"\b(?:won|wins?|winning|winners?|beat|beats|beaten|defeat(?:s|ed)?|victor(?:y|ies|ious)|"
    r"champions?|clinch(?:ed|es)?|lift(?:ed|s)|triumph(?:ed|s)?|claim(?:ed|s)|took|secured|"
    r"crowned|prevailed|edged|thrashed|routed|awarded)\b|\b\d+\s*[-–]\s*\d+\b",
    re.I,
)


def names_no_winner(question: str, citations: list[Citation]) -> bool:
    """A "who won" question whose cited sentences say nothing of winning."""
    return bool(ASKS_WINNER.search(question)) and not any(
        NAMES_WINNER.search(c.quote) for c in citations
    )
