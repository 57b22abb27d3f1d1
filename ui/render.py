"""Answers as HTML for the chat: markers link to the sources, quotes highlighted in passages."""

import html

from qa.types import Answer, Citation


def answer_markdown(answer: Answer) -> str:
    if answer.refused:
        return f"<span class='refused'>🛈 {html.escape(answer.text)}</span>"
    text = html.escape(answer.text)
    for c in answer.citations:
        text = text.replace(
            f"[{c.n}]", f"<a href='#src-{c.n}' title='{html.escape(c.quote)}'>[{c.n}]</a>"
        )
    return text


def sources_html(answer: Answer | None) -> str:
    if answer is None or answer.refused or not answer.citations:
        return "<p class='no-sources'>No sources for this answer.</p>"
    return "\n".join(_source(c) for c in answer.citations)


def _source(c: Citation) -> str:
    p = c.passage
    meta = " · ".join(html.escape(x) for x in (p.source, p.published_at) if x)
    before = html.escape(p.text[: c.start])
    quote = html.escape(p.text[c.start : c.end])
    after = html.escape(p.text[c.end :])
    return (
        f"<div class='source' id='src-{c.n}'><b>[{c.n}] {html.escape(p.title)}</b>"
        f"<div class='meta'>{meta}</div>"
        f"<p>{before}<mark>{quote}</mark>{after}</p></div>"
    )
