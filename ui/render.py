"""Answers as HTML for the chat: markers link to the sources, quotes highlighted in passages."""

import html

from qa.types import Answer, Citation

NO_SOURCES = "<p class='no-sources'>Sources of the answer appear here.</p>"


def answer_html(answer: Answer) -> str:
    if answer.refused:
        return f"<span class='refused'>{html.escape(answer.text)}</span>"
    text = html.escape(answer.text)
    for c in answer.citations:
        link = (
            f"<a class='cite' href='#src-{c.n}' "
            f"title='{html.escape(c.quote, quote=True)}'>[{c.n}]</a>"
        )
        text = text.replace(f"[{c.n}]", link)
    return text


def sources_html(answer: Answer | None) -> str:
    if answer is None or answer.refused or not answer.citations:
        return NO_SOURCES
    return "<div class='sources'>" + "\n".join(_source(c) for c in answer.citations) + "</div>"


def _source(c: Citation) -> str:
    p = c.passage
    also = f"also reported by {', '.join(p.also_reported_by)}" if p.also_reported_by else None
    meta = " · ".join(html.escape(x) for x in (p.source, p.published_at, also) if x)
    before = html.escape(p.text[: c.start])
    quote = html.escape(p.text[c.start : c.end])
    after = html.escape(p.text[c.end :])
    return (
        f"<details class='source' id='src-{c.n}'>"
        f"<summary>[{c.n}] {html.escape(p.title)} <span class='meta'>{meta}</span></summary>"
        f"<p class='passage'>{before}<mark>{quote}</mark>{after}</p></details>"
    )
