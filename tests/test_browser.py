"""The real app in headless Chromium: ask, watch the answer stream, open a citation, upload.

Debian's chromium (installed by `make test`) driven by Playwright; the app runs in its own process
with the real embedder, FAISS index and embedded LLM.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.conftest import APOLOGY_Q, ROOT, write

pytestmark = pytest.mark.slow
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
ANSWER_TIMEOUT_MS = 180_000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def app_url(seed_index_dir, tmp_path_factory):
    folder = tmp_path_factory.mktemp("ui")
    index = folder / "index"
    shutil.copytree(seed_index_dir, index)
    port = free_port()
    NEWS_SITE["port"] = free_port()  # the feeds test's local news site, allowed by host:port
    news = f"127.0.0.1:{NEWS_SITE['port']}"
    env = dict(
        os.environ,
        NEWSQA_INDEX_DIR=str(index),
        NEWSQA_CONFIG=str(folder / "none.toml"),
        NEWSQA_DATA_DIR=str(ROOT / ".newsqa"),  # the joined GGUF lives here
    )
    log = open(folder / "app.log", "w")
    proc = subprocess.Popen(
        # --fetch-host: the page may follow feeds on the local news site of the feeds test;
        # --allow-private: that site is on loopback, which fetches refuse otherwise.
        [
            sys.executable,
            "-m",
            "ui.cli",
            "chat",
            "--port",
            str(port),
            "--index",
            str(index),
            "--fetch-host",
            news,
            "--allow-private",
            news,
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.time() + 240
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            break
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError((folder / "app.log").read_text()) from None
            time.sleep(1)
    else:
        proc.kill()
        raise RuntimeError("the app did not start: " + (folder / "app.log").read_text())
    yield url
    proc.terminate()
    proc.wait(timeout=30)


NEWS_SITE: dict[str, int] = {}  # the port app_url reserved for the feeds test's news site


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, app_url):
    page = browser.new_page(viewport={"width": 1300, "height": 900})
    outside: list[str] = []
    page.on(
        "request",
        lambda r: (
            outside.append(r.url)
            if not r.url.startswith(("http://127.0.0.1", "data:", "blob:"))
            else None
        ),
    )
    page.goto(app_url, wait_until="networkidle")
    yield page
    # The machine has no internet: the page must not even try (fonts, scripts, analytics).
    assert outside == []
    page.close()


def ask(page, question: str) -> list[str]:
    """Ask and return the assistant texts seen while the answer streamed in."""
    page.fill("#question textarea", question)
    page.click("#ask")
    seen: list[str] = []
    deadline = time.time() + ANSWER_TIMEOUT_MS / 1000
    while time.time() < deadline:
        bots = page.locator("#chat .bot")
        if bots.count():
            last = bots.last
            text = last.inner_text()
            if text and (not seen or seen[-1] != text):
                seen.append(text)
            # Verified answers carry citation links; refusals their own style.
            if last.locator("a.cite, .refused").count():
                return seen
        time.sleep(0.1)
    raise AssertionError(f"no verified answer in time; last seen: {seen[-1:]}")


def test_ask_see_stream_and_open_citation(page, tmp_path):
    seen = ask(page, APOLOGY_Q)
    assert len(seen) >= 3, seen  # partial texts arrived before the verified answer
    last = page.locator("#chat .bot").last
    assert "Qatar" in last.inner_text()
    marker = last.locator("a.cite").first
    marker.click()
    opened = page.locator("#sources details[open]")
    opened.first.wait_for()
    quote = opened.first.locator("mark").inner_text()
    # The demand's sentence or the reason's (the strikes on Hamas leaders in Qatar).
    assert "Qatar" in quote and ("apology" in quote or "Hamas" in quote), quote
    assert quote in opened.first.locator(".passage").inner_text()
    # The hover text of the marker is the same supporting quote.
    assert marker.get_attribute("title") == quote
    # NEWSQA_UPDATE_SCREENSHOT=1 refreshes the README's picture.
    shot = (
        ROOT / "docs" / "chat-citation.png" if os.environ.get("NEWSQA_UPDATE_SCREENSHOT") else None
    )
    page.screenshot(path=str(shot or tmp_path / "chat.png"))
    # New chat empties the conversation and the sources but keeps what is typed in the box.
    page.fill("#question textarea", "next question")
    page.click("#new-chat")
    page.locator("#chat .bot").first.wait_for(state="detached")
    assert page.locator("#sources details").count() == 0
    assert page.input_value("#question textarea") == "next question"


def test_refusal_looks_different(page):
    ask(page, "Who is the prime minister of Qatar?")
    last = page.locator("#chat .bot").last
    assert last.locator(".refused").inner_text() == "The articles don't say."
    assert page.locator("#sources details").count() == 0


def test_upload_an_article_and_ask_about_it(page, tmp_path):
    article = write(
        tmp_path / "harbor-bridge.txt",
        "# Harbor bridge reopens\n\nThe Harbor Bridge in Port Elna reopened on March 3, 2024 after "
        "two years of repairs. Mayor Ilse Brandt said the repairs cost 42 million euros.\n",
    )
    bad = write(tmp_path / "broken.txt", b"\x00\x01binary")
    page.get_by_role("tab", name="Documents").click()
    page.locator("#upload input[type=file]").set_input_files([str(article), str(bad)])
    page.click("#index-files")
    status = page.locator("#doc-status")
    status.get_by_text("indexed 1 article").wait_for(timeout=120_000)
    assert "broken.txt" in status.inner_text() and "binary" in status.inner_text()
    assert "harbor-bridge" in page.locator("#documents").inner_text()
    assert "netanyahu-trump-mar-a-lago" in page.locator("#documents").inner_text()

    page.get_by_role("tab", name="Chat").click()
    page.click("#new-chat")
    ask(page, "How much did the Harbor Bridge repairs cost?")
    last = page.locator("#chat .bot").last
    assert "42 million" in last.inner_text()
    last.locator("a.cite").first.click()
    assert (
        "Harbor bridge reopens" in page.locator("#sources details[open] summary").first.inner_text()
    )


def test_follow_a_feed_and_refresh_it(page):
    from tests.newsserver import NewsServer, Route, rss
    from tests.newsserver import page as article_page

    site = NewsServer(port=NEWS_SITE["port"]).start()
    try:
        link = site.url("/valley/dam")
        site.routes["/valley/dam"] = Route(
            article_page(
                "River dam opens after six years",
                "The new river dam opened on Friday after six years of construction.\n"
                "Engineers said it will supply power to forty thousand homes in the valley "
                "and protect the towns from the spring floods of recent years.",
                "Valley News",
                link,
            )
        )
        site.routes["/feed.xml"] = Route(
            rss("Valley News", [{"title": "River dam opens", "link": link}]),
            "application/rss+xml",
        )
        page.get_by_role("tab", name="Documents").click()
        page.get_by_text("Feeds").click()
        page.fill("#feed-url textarea, #feed-url input", site.url("/feed.xml"))
        page.click("#follow-feed")
        status = page.locator("#doc-status")
        status.get_by_text("following").wait_for(timeout=60_000)
        assert "Valley News" in page.locator("#feeds").inner_text()
        page.click("#refresh-feeds")
        status.get_by_text("1 new").wait_for(timeout=120_000)
        assert link in page.locator("#documents").inner_text()
        assert "1 new" in page.locator("#feeds").inner_text()
    finally:
        site.stop()
