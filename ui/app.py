"""The Gradio app: a chat tab (streamed answers, numbered citations, highlighted sources) and a
documents tab (list, upload, remove). Served on 127.0.0.1, no analytics, nothing fetched from
outside the machine."""

import html
import re
import sys
import threading

from index import offline
from qa.settings import QASettings

offline.apply(QASettings().data_dir)

import gradio as gr  # noqa: E402

from index.dates import parse_date  # noqa: E402
from index.errors import NewsqaError  # noqa: E402
from qa.answerer import Answerer  # noqa: E402
from qa.types import Answer, RetrievalFilters, Turn  # noqa: E402
from ui import documents  # noqa: E402
from ui.render import NO_SOURCES, answer_html, sources_html  # noqa: E402

SEED_EXAMPLES = {
    "netanyahu-trump-mar-a-lago": [
        "Why did Trump demand an apology from Netanyahu?",
        "Where are Netanyahu and Trump meeting?",
        "What did Aaron David Miller say about the two leaders?",
    ]
}
CSS = """
.refused { color: #666; font-style: italic; }
mark { background: #ffe58a; padding: 0 2px; }
.source summary { cursor: pointer; font-weight: 600; }
.source .meta { font-weight: normal; color: #666; margin-left: .5em; }
.source[open] { background: #fafaf5; }
.source .passage { white-space: pre-line; }
a.cite { text-decoration: none; font-weight: 600; }
"""
# Clicking a [n] marker opens that source and scrolls to it (the chat renders links itself).
HEAD = """
<script>
document.addEventListener('click', (ev) => {
  const a = ev.target.closest && ev.target.closest('a.cite');
  if (!a) return;
  ev.preventDefault(); ev.stopPropagation();
  const box = document.getElementById((a.getAttribute('href') || '').replace('#', ''));
  if (box) { box.open = true; box.scrollIntoView({behavior: 'smooth', block: 'nearest'}); }
}, true);
</script>
"""
# System fonts only: Gradio's default theme would fetch Google Fonts.
THEME = gr.themes.Default(
    font=["ui-sans-serif", "system-ui", "sans-serif"],
    font_mono=["ui-monospace", "monospace"],
)


def example_questions(answerer: Answerer, limit: int = 4) -> list[str]:
    """Questions drawn from what is indexed: curated ones for the seed, one per other article."""
    questions: list[str] = []
    for doc_id, rec in answerer.index.documents().items():
        questions += SEED_EXAMPLES.get(doc_id, [f"What does the article “{rec.title}” report?"])
    return questions[:limit]


def filters_from(sources: list[str], since: str, until: str, recent: bool) -> RetrievalFilters:
    def day(value: str, field: str) -> str | None:
        if not value or not value.strip():
            return None
        try:
            return parse_date(value)
        except (ValueError, OverflowError):
            raise gr.Error(f"{field}: '{value}' is not a date (use YYYY-MM-DD)") from None

    return RetrievalFilters(
        tuple(sources or ()), day(since, "From"), day(until, "To"), bool(recent)
    )


def _text(content) -> str:
    """Plain text of a chat message (answers are shown as HTML; the LLM gets the words)."""
    if isinstance(content, list):
        content = " ".join(c.get("text", "") for c in content if isinstance(c, dict))
    return html.unescape(re.sub(r"<[^>]+>", "", str(content)))


def build_app(answerer: Answerer) -> gr.Blocks:
    def sources_choices() -> list[str]:
        return sorted({r.source for r in answerer.index.documents().values() if r.source})

    with gr.Blocks(title="newsqa", analytics_enabled=False) as app:
        gr.Markdown(
            "## newsqa — answers only from the indexed articles\n"
            f"LLM backend: **{answerer.llm.name}** · embeddings: {answerer.settings.embed.model}",
            elem_id="header",
        )
        with gr.Tab("Chat"):
            with gr.Row():
                with gr.Column(scale=3):
                    chat = gr.Chatbot(
                        label="Chat", height=460, elem_id="chat", buttons=["copy", "copy_all"]
                    )
                    box = gr.Textbox(
                        placeholder="Ask about the articles…", show_label=False, elem_id="question"
                    )
                    with gr.Row():
                        send = gr.Button("Ask", variant="primary", elem_id="ask")
                        new = gr.Button("New chat", elem_id="new-chat")
                    examples = gr.Dataset(
                        components=[box],
                        samples=[[q] for q in example_questions(answerer)],
                        label="Examples",
                        elem_id="examples",
                    )
                with gr.Column(scale=2):
                    sources = gr.HTML(NO_SOURCES, label="Sources", elem_id="sources")
                    with gr.Accordion("Settings", open=False):
                        top_k = gr.Slider(
                            1, 8, value=answerer.settings.retrieval.top_k, step=1, label="Passages"
                        )
                        source_filter = gr.Dropdown(
                            sources_choices(), multiselect=True, label="Only these sources"
                        )
                        with gr.Row():
                            since = gr.Textbox(label="From (YYYY-MM-DD)")
                            until = gr.Textbox(label="To (YYYY-MM-DD)")
                        recent = gr.Checkbox(label="Prefer recent articles")

        with gr.Tab("Documents"):
            table = gr.Dataframe(
                documents.document_rows(answerer),
                headers=["id", "title", "source", "published", "chunks", "copy of"],
                interactive=False,
                elem_id="documents",
            )
            files = gr.File(
                file_count="multiple",
                file_types=sorted({".txt", ".md", ".html", ".htm", ".json", ".jsonl"}),
                label=f"Add articles (.txt .md .html .json .jsonl, ≤ {answerer.settings.index.max_file_mb:g} MB)",
                elem_id="upload",
            )
            add = gr.Button("Index these files", elem_id="index-files")
            with gr.Row():
                doc_pick = gr.Dropdown(sorted(answerer.index.documents()), label="Document")
                drop = gr.Button("Remove", variant="stop")
            status = gr.Markdown(elem_id="doc-status")
            with gr.Accordion("Feeds", open=False, elem_id="feeds-section"):
                feed_table = gr.Dataframe(
                    documents.feed_rows(answerer),
                    headers=documents.FEED_HEADERS,
                    interactive=False,
                    elem_id="feeds",
                )
                allowed = answerer.settings.fetch.ui_hosts
                with gr.Row():
                    feed_url = gr.Textbox(
                        label="Feed URL (RSS or Atom, or an outlet's home page)",
                        placeholder=f"allowed hosts: {', '.join(allowed)}"
                        if allowed
                        else "off: start the chat with --fetch-host HOST to allow hosts",
                        interactive=bool(allowed),
                        elem_id="feed-url",
                    )
                    follow = gr.Button("Follow", elem_id="follow-feed", interactive=bool(allowed))
                refresh_now = gr.Button(
                    "Refresh feeds now", elem_id="refresh-feeds", interactive=bool(allowed)
                )

        def respond(message, messages, k, srcs, since_, until_, recent_):
            if not message or not message.strip():
                yield messages, gr.update(), ""
                return
            filters = filters_from(srcs, since_, until_, recent_)
            history = [Turn(m["role"], _text(m["content"])) for m in messages]
            messages = messages + [
                {"role": "user", "content": message},
                {"role": "assistant", "content": "…"},
            ]
            yield messages, NO_SOURCES, ""
            streamed = ""
            try:
                for event in answerer.stream(message, history, filters=filters, top_k=int(k)):
                    if isinstance(event, Answer):
                        messages[-1]["content"] = answer_html(event)
                        yield messages, sources_html(event), ""
                    else:
                        streamed += event
                        messages[-1]["content"] = streamed
                        yield messages, gr.update(), ""
            except NewsqaError as exc:
                # Gradio's message would be plain text and look like a crash; say it in the chat.
                messages[-1]["content"] = f"⚠️ {html.escape(str(exc))}"
                yield messages, NO_SOURCES, ""

        inputs = [box, chat, top_k, source_filter, since, until, recent]
        send.click(respond, inputs, [chat, sources, box], api_name="ask")
        box.submit(respond, inputs, [chat, sources, box], api_name=False)
        # Outside the queue, so it is instant even while an answer is running; it leaves the box
        # alone, so a question typed right after the click is never wiped by a late reset.
        new.click(lambda: ([], NO_SOURCES), None, [chat, sources], queue=False, api_name=False)
        examples.click(lambda sample: sample[0], examples, box, api_name=False)

        def refreshed(message: str):
            answerer.follow_index()  # articles the CLI added or removed meanwhile
            ids = sorted(answerer.index.documents())
            return (
                documents.document_rows(answerer),
                gr.update(choices=ids, value=None),
                message,
                gr.update(choices=sources_choices()),
                gr.update(samples=[[q] for q in example_questions(answerer)]),
                documents.feed_rows(answerer),
            )

        outs = [table, doc_pick, status, source_filter, examples, feed_table]

        def do_upload(paths, progress=gr.Progress()):  # noqa: B008 (Gradio injects it)
            report = documents.upload(answerer, paths or [], lambda f, m: progress(f, desc=m))
            return refreshed(report.message)

        add.click(do_upload, files, outs, api_name=False)
        follow.click(
            lambda url: refreshed(documents.follow_feed(answerer, url).message),
            feed_url,
            outs,
            api_name=False,
        )

        def do_refresh(progress=gr.Progress()):  # noqa: B008 (Gradio injects it)
            report = documents.refresh_feeds(answerer, lambda f, m: progress(f, desc=m))
            return refreshed(report.message)

        refresh_now.click(do_refresh, None, outs, api_name=False)
        app.load(lambda: refreshed(""), None, outs, api_name=False)
        drop.click(
            lambda d: refreshed(documents.remove(answerer, d).message),
            doc_pick,
            outs,
            api_name=False,
        )
    return app


def _warm(answerer: Answerer) -> None:
    try:
        answerer.warm()
    except NewsqaError:
        pass  # the first question says what is missing, in the chat


def launch(
    host: str = "127.0.0.1",
    port: int = 7860,
    auth: tuple[str, str] | None = None,
    settings: QASettings | None = None,
) -> None:
    settings = settings or QASettings()
    answerer = Answerer(settings)
    # The model loads and reads the prompts' fixed openings while the page comes up; a question
    # asked meanwhile waits for it (one llama.cpp context).
    threading.Thread(target=_warm, args=(answerer,), daemon=True, name="warm-llm").start()
    app = build_app(answerer)
    # Which model and llama.cpp CPU variant answer (the variant proven on this machine).
    print(f"LLM: {answerer.llm.name}", file=sys.stderr, flush=True)
    # One event at a time: a single llama.cpp context, and index writes stay serialized.
    app.queue(default_concurrency_limit=1).launch(
        server_name=host,
        server_port=port,
        share=False,
        auth=auth,
        css=CSS,
        head=HEAD,
        theme=THEME,
        footer_links=[],
        max_file_size=f"{settings.index.max_file_mb:g}mb",
        show_error=True,
    )
