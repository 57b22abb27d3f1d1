"""What a feed, a form field or a title written by others can make the server do (issue #25).

Real HTTP servers on 127.0.0.1 serve the hostile cases: a feed whose items and redirects point at
internal addresses written every way a URL allows, a second "internal" server that must never be
reached, a server that sends its headers one byte a second, a file of secrets typed into the feed
box, and titles carrying Rich markup and ANSI escapes.
"""

import json
import socket
import threading
import time
from types import SimpleNamespace

import pytest

from index import builder, feeds
from index.errors import BadInputError
from index.fetch import PAGE_TYPES, FetchError, FetchLimits, fetch
from index.netguard import GuardedBackend, entry_allows, is_public
from tests.newsserver import NewsServer, Route, page, rss
from ui.cli import main as newsqa

STORY = (
    "Harbour council approves new sea wall",
    "The harbour council approved a new sea wall on Tuesday after two winters of flooding.\n"
    "The wall will cost eleven million dollars and protect three hundred homes on the front.",
)
TOKEN = "internal-admin-token-5f2c"


@pytest.fixture
def site(settings):
    """The outlet: on loopback, so the settings allow exactly its host:port."""
    server = NewsServer().start()
    settings.fetch.private_hosts = [server.host_port]
    yield server
    server.stop()


@pytest.fixture
def internal():
    """An internal service on another port of loopback, never allowed: a secret page."""
    server = NewsServer().start()
    server.routes["/secret"] = Route(
        page("Admin token", f"The admin token is {TOKEN}.", "Ops", "x")
    )
    server.routes["/feed.xml"] = Route(rss("Ops", []), "application/rss+xml")
    yield server
    server.stop()


def hostile_links(internal: NewsServer) -> list[str]:
    port = internal.server.server_address[1]
    return [
        f"http://127.0.0.1:{port}/secret",  # the plain address, another port
        f"http://127.1:{port}/secret",  # short form
        f"http://2130706433:{port}/secret",  # the address as one decimal number
        f"http://0x7f000001:{port}/secret",  # hexadecimal
        f"http://localhost:{port}/secret",  # a name that resolves to loopback
        f"http://[::ffff:127.0.0.1]:{port}/secret",  # IPv4-mapped IPv6
        f"http://0.0.0.0:{port}/secret",  # unspecified: reaches loopback on Linux
        "http://169.254.169.254/latest/meta-data/",  # cloud metadata (link-local)
        "http://10.0.0.1/admin",  # RFC 1918
    ]


def test_feed_items_and_redirects_never_reach_internal_addresses(site, internal, settings):
    links = hostile_links(internal)
    site.routes["/to-internal"] = Route(status=302, location=links[0])
    site.routes["/ok"] = Route(page(*STORY, "Harbour Herald", site.url("/ok")))
    items = [{"title": f"item {i}", "link": link} for i, link in enumerate(links)]
    items += [
        {"title": "redirect", "link": site.url("/to-internal")},
        {"title": "story", "link": site.url("/ok")},
    ]
    site.routes["/feed.xml"] = Route(rss("Harbour Herald", items), "application/rss+xml")
    feeds.add_feeds(site.url("/feed.xml"), settings)

    outcome = feeds.refresh(settings)
    [report] = outcome.feeds
    assert report.new == 1  # the real story only
    assert internal.log == []  # not one request reached the internal server
    assert len(report.problems) == len(links) + 1
    for problem in report.problems:
        assert "not fetch" in problem or "loopback" in problem or "resolve" in problem, problem
    assert list(builder.list_documents(settings)) == [site.url("/ok")]

    # At the next refresh the feed itself redirects inside: refused too.
    site.routes["/feed.xml"] = Route(status=301, location=internal.url("/feed.xml"))
    again = feeds.refresh(settings)
    assert again.feeds[0].status == "error" and "loopback" in again.feeds[0].message
    assert internal.log == []


def test_loopback_is_refused_unless_the_operator_allows_that_host_and_port(site, internal):
    site.routes["/ok"] = Route(page(*STORY, "Harbour Herald", site.url("/ok")))
    with pytest.raises(FetchError, match="loopback, private or link-local"):
        fetch(site.url("/ok"), PAGE_TYPES)  # nothing allowed
    host = site.server.server_address[0]
    with pytest.raises(FetchError, match="loopback"):  # the host without its port: 80/443 only
        fetch(site.url("/ok"), PAGE_TYPES, FetchLimits(private_hosts=frozenset({host})))
    got = fetch(site.url("/ok"), PAGE_TYPES, FetchLimits(private_hosts=frozenset({site.host_port})))
    assert got.status == 200
    assert internal.log == []


def test_the_check_is_made_on_the_address_connected_to(monkeypatch):
    """One lookup per connection, and the socket goes to the address that lookup checked: a
    name cannot pass the check as a public address and then connect to a private one."""
    real = socket.getaddrinfo
    answers = iter(["93.184.216.34", "127.0.0.1"])  # public first, then rebinds to loopback
    calls = []

    def rebinding(host, port, *args, **kwargs):
        if host != "news.example":
            return real(host, port, *args, **kwargs)
        calls.append(host)
        address = next(answers)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    connected = []

    class Recorder:  # stands in for the socket layer: records what would be connected to
        def connect_tcp(self, host, port, *args):
            connected.append(host)
            return SimpleNamespace()

    backend = GuardedBackend()
    backend._sync = Recorder()
    backend.connect_tcp("news.example", 80, timeout=0.5)
    assert connected == ["93.184.216.34"]  # the checked address, not the name again
    with pytest.raises(Exception, match="resolves to 127.0.0.1"):
        backend.connect_tcp("news.example", 80, timeout=0.5)
    assert calls == ["news.example", "news.example"]  # one lookup each
    assert connected == ["93.184.216.34"]


def test_address_rules():
    assert not is_public("127.0.0.1") and not is_public("::1") and not is_public("10.1.2.3")
    assert not is_public("192.168.0.1") and not is_public("172.16.0.1") and not is_public("fd00::1")
    assert not is_public("169.254.169.254") and not is_public("fe80::1")
    assert not is_public("224.0.0.1") and not is_public("0.0.0.0") and not is_public("::")
    assert not is_public("::ffff:127.0.0.1") and not is_public("100.64.0.1")
    assert is_public("93.184.216.34") and is_public("2606:2800:220:1:248:1893:25c8:1946")
    assert entry_allows(["news.example"], "NEWS.example", 443)
    assert not entry_allows(["news.example"], "news.example", 8080)
    assert entry_allows(["news.example:8080"], "news.example", 8080)
    assert entry_allows(["[::1]:8080"], "::1", 8080)


def test_the_chat_page_follows_and_refreshes_only_what_the_operator_allowed(
    site, internal, settings, tmp_path
):
    from ui import documents

    secrets = tmp_path / "environ"
    secrets.write_text(f"NEWSQA_MILVUS__TOKEN={TOKEN}\nroot:x:0:0:root:/root:/bin/bash\n")
    page_of = SimpleNamespace(settings=settings)  # the tab reads only the answerer's settings
    settings.fetch.ui_hosts = [site.host_port]
    for value in (str(secrets), "/etc/passwd", "file:///etc/passwd"):
        report = documents.follow_feed(page_of, value)
        assert not report.ok and "not an http(s) feed URL" in report.message
        assert TOKEN not in report.message and "root:" not in report.message
    # An allowed host:port whose feed is on another port is refused, before any request.
    settings.fetch.ui_hosts = [site.server.server_address[0]]
    assert not documents.follow_feed(page_of, internal.url("/feed.xml")).ok
    assert internal.log == []
    # Refreshing from the page is off when the operator allowed no host.
    settings.fetch.ui_hosts = []
    report = documents.refresh_feeds(page_of)
    assert not report.ok and "--fetch-host" in report.message


def test_a_file_of_secrets_given_to_feeds_add_is_never_echoed(tmp_path, settings, capsys):
    secrets = tmp_path / "environ"
    secrets.write_text(f"NEWSQA_MILVUS__TOKEN={TOKEN}\nPATH=/usr/bin\n")
    with pytest.raises(BadInputError) as err:
        feeds.add_feeds(str(secrets), settings)
    assert "line 1, line 2 not an http(s) URL" in str(err.value)
    assert TOKEN not in str(err.value)
    opml = tmp_path / "bad.opml"
    opml.write_text(f"<opml><{TOKEN}></opml>")
    with pytest.raises(BadInputError, match="XML error at line 1") as err:
        feeds.add_feeds(str(opml), settings)
    assert TOKEN not in str(err.value)
    assert newsqa(["feeds", "add", str(secrets), "--index", str(settings.index_dir)]) == 2
    assert TOKEN not in capsys.readouterr().err


class SlowHeaders:
    """A server that accepts, then sends one header byte a second, forever."""

    def __init__(self):
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.stop = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        self.sock.settimeout(0.2)
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            threading.Thread(target=self._trickle, args=(conn,), daemon=True).start()

    def _trickle(self, conn):
        with conn:
            try:
                conn.recv(4096)
                conn.sendall(b"HTTP/1.1 200 OK\r\n")
                while not self.stop.is_set():
                    conn.sendall(b"X")
                    time.sleep(1)
            except OSError:
                pass

    def close(self):
        self.stop.set()
        self.sock.close()


def test_slow_headers_end_at_the_deadline():
    server = SlowHeaders()
    try:
        limits = FetchLimits(timeout_s=1.5, private_hosts=frozenset({f"127.0.0.1:{server.port}"}))
        started = time.monotonic()
        with pytest.raises(FetchError, match=r"timed out \(no complete answer within 3 s\)"):
            fetch(f"http://127.0.0.1:{server.port}/feed.xml", ("xml",), limits)
        assert time.monotonic() - started < 5
    finally:
        server.close()


def write_article(path, doc_id, title, body="The council met on Monday and voted on the budget."):
    path.write_text(json.dumps({"id": doc_id, "title": title, "body": body, "source": "Herald"}))


def test_markup_and_escapes_in_data_print_as_text(site, settings, tmp_path, capsys):
    nasty = "Budget [/red] vote [bold]\x1b[31mred\x1b[0m"
    folder = tmp_path / "articles"
    folder.mkdir()
    write_article(folder / "a.json", "doc[/red]", nasty)
    at = ["--index", str(settings.index_dir)]
    assert newsqa(["index", "build", str(folder), *at]) == 0
    assert newsqa(["index", "list", *at]) == 0
    listed = capsys.readouterr().out
    assert "[/red]" in listed and "doc[/red]" in listed and "\x1b" not in listed
    assert "<1b>[31mred" in listed  # shown, not sent
    assert newsqa(["index", "remove", "doc[/red]", *at]) == 0
    assert "[/red]" in capsys.readouterr().err

    # (XML has no ESC character: the feed title carries the markup only.)
    site.routes["/feed.xml"] = Route(rss("Budget [/red] vote [bold]", []), "application/rss+xml")
    local = ["--allow-private", site.host_port]
    assert newsqa(["feeds", "add", site.url("/feed.xml"), *at, *local]) == 0
    assert "[/red]" in capsys.readouterr().err
    assert newsqa(["feeds", "list", *at]) == 0
    shown = capsys.readouterr().out
    assert "Budget [/red] vote [bold]" in shown

    gold = tmp_path / "gold.jsonl"
    gold.write_text(
        json.dumps(
            {
                "id": "q[/red]1",
                "type": "factual",
                "question": "What did the council vote on?",
                "answers": ["the budget"],
                "evidence": [],
                "answerable": True,
            }
        )
        + "\n"
    )
    write_article(folder / "a.json", "doc", "Budget vote")
    assert newsqa(["index", "build", str(folder), *at]) == 0
    run = [
        "eval",
        "run",
        "--gold",
        str(gold),
        *at,
        "--retrieval-only",
        "--out",
        str(tmp_path / "r"),
    ]
    assert newsqa(run) == 0


def test_feed_titles_are_capped_and_a_huge_feed_is_read_a_slice_a_refresh(site, settings):
    settings.fetch.feed_max_items = 3
    links = []
    for i in range(5):
        path = f"/story-{i}"
        title = f"Story {i} " + "very long headline " * 20_000 if i == 0 else f"Story {i}"
        body = f"Story number {i} is about the harbour council and its budget vote on day {i}."
        site.routes[path] = Route(page(title, body + "\n" + STORY[1], "Herald", site.url(path)))
        links.append(site.url(path))
    items = [{"title": f"Story {i}", "link": link} for i, link in enumerate(links)]
    huge_title = "Herald " * 40_000
    site.routes["/feed.xml"] = Route(rss(huge_title, items), "application/rss+xml")
    [feed] = feeds.add_feeds(site.url("/feed.xml"), settings)
    assert len(feed.title) <= settings.index.max_title_chars

    first = feeds.refresh(settings)
    assert first.feeds[0].new == 3 and first.feeds[0].waiting == 2
    assert "2 waiting for the next refresh" in feeds.status_line(first.feeds[0])
    docs = builder.list_documents(settings)
    assert len(docs) == 3
    assert all(len(r.title) <= settings.index.max_title_chars for r in docs.values())
    second = feeds.refresh(settings)
    assert second.feeds[0].new == 2 and second.feeds[0].waiting == 0
    assert len(builder.list_documents(settings)) == 5
