"""The Gradio chat: streamed answers, numbered citations, the cited passages highlighted."""

from index import offline
from qa.settings import QASettings

offline.apply(QASettings().data_dir)

import gradio as gr  # noqa: E402

from qa.answerer import Answerer  # noqa: E402
from qa.types import Answer, Turn  # noqa: E402
from ui.render import answer_markdown, sources_html  # noqa: E402

EXAMPLES = [
    "Why did Trump demand an apology from Netanyahu?",
    "Where are Netanyahu and Trump meeting?",
    "What did Aaron David Miller say about the two leaders?",
]
CSS = ".refused{color:#666;font-style:italic} mark{background:#ffe58a} .source{margin-bottom:1em}"


def build_app(answerer: Answerer) -> gr.Blocks:
    with gr.Blocks(title="newsqa") as app:
        gr.Markdown(f"## newsqa\nAnswers only from the indexed articles · LLM: {answerer.llm.name}")
        with gr.Row():
            with gr.Column(scale=3):
                chat = gr.Chatbot(label="Chat", height=480, sanitize_html=True)
                box = gr.Textbox(placeholder="Ask about the articles…", show_label=False)
                with gr.Row():
                    send = gr.Button("Ask", variant="primary")
                    new = gr.Button("New chat")
                top_k = gr.Slider(1, 8, value=answerer.settings.top_k, step=1, label="Passages")
                gr.Examples(EXAMPLES, inputs=box)
            with gr.Column(scale=2):
                sources = gr.HTML("<p class='no-sources'>Sources appear here.</p>", label="Sources")

        def respond(message: str, messages: list, k: int):
            if not message.strip():
                yield messages, gr.update(), ""
                return
            history = [Turn(m["role"], _text(m["content"])) for m in messages]
            messages = messages + [
                {"role": "user", "content": message},
                {"role": "assistant", "content": ""},
            ]
            streamed = ""
            for event in answerer.stream(message, history, top_k=int(k)):
                if isinstance(event, Answer):
                    messages[-1]["content"] = answer_markdown(event)
                    yield messages, sources_html(event), ""
                else:
                    streamed += event
                    messages[-1]["content"] = streamed
                    yield messages, gr.update(), ""

        send.click(respond, [box, chat, top_k], [chat, sources, box], api_name="ask")
        box.submit(respond, [box, chat, top_k], [chat, sources, box], api_name=False)
        new.click(
            lambda: ([], "<p class='no-sources'>Sources appear here.</p>"), None, [chat, sources]
        )
    return app


def _text(content) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(c.get("text", "") for c in content if isinstance(c, dict))
    return str(content)


def launch(host: str = "127.0.0.1", port: int = 7860, auth: tuple[str, str] | None = None) -> None:
    answerer = Answerer(QASettings())
    app = build_app(answerer)
    app.queue(default_concurrency_limit=1).launch(
        server_name=host, server_port=port, share=False, auth=auth, css=CSS, footer_links=[]
    )
