"""Feeds and article URLs, end to end against a local news site on 127.0.0.1 (tests/newsserver.py):
real fetching, trafilatura, the real embedder, FAISS and tantivy."""

import pytest

from index import builder, components, feeds
from index.errors import BadInputError
from index.fetch import PAGE_TYPES, FetchError, FetchLimits, fetch
from qa.retrieval import Retriever
from qa.types import RetrievalFilters
from tests.newsserver import NewsServer, Route, page, rss
from ui.cli import main as newsqa
from ui.render import sources_html

STORIES = {
    "dam": (
        "River dam opens after six years of work",
        "The new river dam opened on Friday after six years of construction and a budget of "
        "two hundred million dollars.\nEngineers said the dam will supply power to forty "
        "thousand homes and protect the valley towns from the spring floods that struck them "
        "in 2019 and 2021.\nFarmers downstream welcomed the opening but asked the water board "
        "to publish how much water will be released during the dry summer months.",
    ),
    "library": (
        "City library extends opening hours",
        "The central city library will stay open until ten in the evening from next month, "
        "the council announced on Tuesday.\nThe longer hours are paid for by a grant from a "
        "local foundation and will be reviewed after one year.\nStudents had petitioned for "
        "evening access during exams, and the library expects most of the new visitors to "
        "use its study rooms and free computers.",
    ),
    "ferry": (
        "Ferry service resumes after storm damage",
        "Ferry crossings between the harbour and the northern islands resumed on Monday, two "
        "weeks after a storm damaged the main pier.\nRepairs to the pier cost the port "
        "authority about four million dollars, and temporary timetables will run until the "
        "summer.\nIsland businesses said the closure cost them much of the spring tourist "
        "season and asked for compensation.",
    ),
}

WIRE = (
    "Central bank holds interest rates at four percent",
    "The central bank kept its main interest rate at four percent on Thursday, saying "
    "inflation had slowed but remained above its two percent target.\nThe governor told "
    "reporters that the bank would not cut rates until price growth had eased for several "
    "months in a row, and that the labour market was still tight.\nEconomists had expected "
    "the decision, although some had forecast a cut before the end of the year because of "
    "weaker factory output and falling retail sales.\nThe bank will publish its next "
    "forecast in June, when it will also review the size of its bond holdings.",
)


def edited(text: str, outlet: str) -> str:
    """What a syndicating outlet does to wire copy: a dateline, a credit, a word changed."""
    return (
        f"LONDON ({outlet}) - "
        + text.replace("told reporters", "said")
        + (f"\nReporting by {outlet} staff.")
    )


@pytest.fixture
def site(settings):
    """The local news site, on loopback: the tests' settings allow exactly its host:port (every
    other private address stays refused; tests/test_intake_security.py)."""
    server = NewsServer().start()
    settings.fetch.private_hosts = [server.host_port]
    yield server
    server.stop()


def publish(site: NewsServer, slug: str, title: str, body: str, outlet: str = "Valley News"):
    path = f"/{outlet.lower().replace(' ', '-')}/{slug}"
    site.routes[path] = Route(page(title, body, outlet, site.url(path)))
    return site.url(path)


def publish_feed(site: NewsServer, path: str, title: str, links: list[tuple[str, str]], **kw):
    items = [{"title": t, "link": link, **kw} for link, t in links]
    site.routes[path] = Route(rss(title, items), content_type="application/rss+xml")
    return site.url(path)


def test_new_items_arrive_and_an_unchanged_feed_costs_nothing(site, settings):
    links = [(publish(site, k, *STORIES[k]), STORIES[k][0]) for k in ("dam", "library")]
    feed_url = publish_feed(site, "/feed.xml", "Valley News", links)
    [feed] = feeds.add_feeds(feed_url, settings)
    assert feed.title == "Valley News"

    first = feeds.refresh(settings)
    assert [r.new for r in first.feeds] == [2] and not first.failed
    docs = builder.list_documents(settings)
    # The canonical URL (tracking parameters dropped) is the id: a re-fetch replaces.
    assert set(docs) == {link for link, _ in links}
    assert {d.source for d in docs.values()} == {"Valley News"}
    assert docs[links[0][0]].title == STORIES["dam"][0]

    # A new item: only its page is fetched, the known ones are not.
    links.append((publish(site, "ferry", *STORIES["ferry"]), STORIES["ferry"][0]))
    publish_feed(site, "/feed.xml", "Valley News", links)
    site.log.clear()
    second = feeds.refresh(settings)
    assert second.feeds[0].new == 1 and second.feeds[0].unchanged == 2
    assert [line.split()[1] for line in site.log] == ["/feed.xml", "/valley-news/ferry"]
    assert len(builder.list_documents(settings)) == 3

    # Unchanged feed: 304 to the conditional GET, nothing fetched, nothing embedded.
    site.log.clear()
    third = feeds.refresh(settings)
    assert third.feeds[0].status == "not modified"
    assert site.log == ["GET /feed.xml 304"]
    assert third.build is None  # the embedder is not even loaded
    listed = feeds.load_feeds(settings)[feed_url]
    assert len(listed.items) == 3 and listed.last_status == "not modified"


def test_an_updated_article_replaces_its_old_chunks(site, settings):
    link = publish(site, "dam", *STORIES["dam"])
    feed_url = publish_feed(site, "/feed.xml", "Valley News", [(link, STORIES["dam"][0])])
    feeds.add_feeds(feed_url, settings)
    feeds.refresh(settings)
    before = builder.list_documents(settings)[link]

    title, body = STORIES["dam"]
    corrected = body.replace("two hundred million", "three hundred million")
    publish(site, "dam", title, corrected)
    publish_feed(
        site, "/feed.xml", "Valley News", [(link, title)], updated="Tue, 05 Mar 2024 10:00:00 GMT"
    )
    outcome = feeds.refresh(settings)
    assert outcome.feeds[0].updated == 1
    assert outcome.build.replaced == [link]
    index = components.open_index(settings)
    texts = [n.get_content() for n in index.nodes()]
    assert any("three hundred million" in t for t in texts)
    assert not any("two hundred million" in t for t in texts)
    assert index.documents()[link].content_hash != before.content_hash
    assert len(index.documents()) == 1


def test_each_broken_feed_is_its_own_clear_error_and_loses_nothing(site, settings):
    settings.fetch.timeout_s = 1.0
    settings.fetch.max_mb = 0.05
    good = publish(site, "library", *STORIES["library"])
    builder.build_articles([], settings)  # nothing yet
    ok_feed = publish_feed(site, "/ok.xml", "Valley News", [(good, STORIES["library"][0])])
    feeds.add_feeds(ok_feed, settings)
    feeds.refresh(settings)
    assert len(builder.list_documents(settings)) == 1

    big = site.url("/valley-news/huge")
    site.routes["/valley-news/huge"] = Route(page("Huge", "word " * 40_000, "Valley News", big))
    dam = publish(site, "dam", *STORIES["dam"])
    publish_feed(site, "/items.xml", "Valley News", [(big, "Huge"), (dam, STORIES["dam"][0])])
    site.routes["/broken.xml"] = Route(b"<rss><channel><title>x</ti <<<", "application/rss+xml")
    site.routes["/slow.xml"] = Route(rss("Slow", []), "application/rss+xml", delay_s=3)
    site.routes["/loop-a"] = Route(status=302, location="/loop-b")
    site.routes["/loop-b"] = Route(status=302, location="/loop-a")
    # Followed while they worked; broken now (a feed cannot be added broken, see below).
    state = feeds.load_feeds(settings)
    for path in ("/broken.xml", "/gone.xml", "/slow.xml", "/loop-a", "/items.xml"):
        state[site.url(path)] = feeds.Feed(url=site.url(path))
    feeds.save_feeds(settings, state)

    outcome = feeds.refresh(settings)
    by_url = {r.url: r for r in outcome.feeds}
    assert "malformed feed XML" in by_url[site.url("/broken.xml")].message
    assert "HTTP 404" in by_url[site.url("/gone.xml")].message
    assert "timed out" in by_url[site.url("/slow.xml")].message
    assert "redirect loop" in by_url[site.url("/loop-a")].message
    items = by_url[site.url("/items.xml")]
    assert items.new == 1 and any("limit" in p and "huge" in p for p in items.problems)
    assert by_url[ok_feed].status == "not modified"
    assert outcome.failed
    docs = builder.list_documents(settings)
    assert set(docs) == {good, dam}  # the earlier article kept, the good new one added
    listed = feeds.load_feeds(settings)
    assert listed[site.url("/gone.xml")].last_status.startswith("error: ")


def test_a_typo_or_a_page_that_is_no_feed_is_refused_at_add(site, settings):
    site.routes["/index.html"] = Route(b"<html><body><p>Welcome</p></body></html>")
    with pytest.raises(FetchError, match="not an RSS or Atom feed, and it names no feed"):
        feeds.add_feeds(site.url("/index.html"), settings)
    site.routes["/data.xml"] = Route(b"<catalog><book>Dune</book></catalog>", "application/xml")
    with pytest.raises(FetchError, match="not an RSS or Atom feed"):
        feeds.add_feeds(site.url("/data.xml"), settings)
    with pytest.raises(FetchError, match="HTTP 404"):
        feeds.add_feeds(site.url("/nope.xml"), settings)
    assert feeds.load_feeds(settings) == {}


def test_an_outlets_home_page_leads_to_its_feed(site, settings):
    feed_url = publish_feed(site, "/rss", "Valley News", [])
    site.routes["/"] = Route(
        b'<html><head><link rel="alternate" type="application/rss+xml" href="/rss"></head>'
        b"<body>Valley News</body></html>"
    )
    [feed] = feeds.add_feeds(site.url("/"), settings)
    assert feed.url == feed_url and feed.title == "Valley News"


def test_opml_file_adds_every_feed_it_lists(site, settings, tmp_path):
    a = publish_feed(site, "/a.xml", "Outlet A", [])
    b = publish_feed(site, "/b.xml", "Outlet B", [])
    opml = tmp_path / "subs.opml"
    opml.write_text(
        '<?xml version="1.0"?><opml version="2.0"><body>'
        f'<outline text="A" xmlUrl="{a}"/><outline text="news"><outline text="B" xmlUrl="{b}"/>'
        "</outline></body></opml>"
    )
    assert [f.url for f in feeds.add_feeds(str(opml), settings)] == [a, b]
    with pytest.raises(BadInputError, match="no such file"):
        feeds.add_feeds(str(tmp_path / "missing.opml"), settings)


def test_a_wire_story_at_three_outlets_is_indexed_once_and_cited_with_all_three(
    site, backend_settings
):
    settings = backend_settings
    title, body = WIRE
    outlets = ["Valley News", "Harbour Herald", "Northern Post"]
    links = [(publish(site, "rates", title, edited(body, o), o), title) for o in outlets]
    links.append((publish(site, "ferry", *STORIES["ferry"]), STORIES["ferry"][0]))
    feeds.add_feeds(publish_feed(site, "/wire.xml", "Wire digest", links), settings)

    outcome = feeds.refresh(settings)
    first = links[0][0]
    assert sorted(outcome.build.copies) == sorted((link, first) for link, _ in links[1:3])
    docs = builder.list_documents(settings)
    assert docs[first].chunks > 0 and docs[links[1][0]].chunks == 0
    index = components.open_index(settings)
    assert index.also_reported_by(first) == ("Harbour Herald", "Northern Post")

    hits = Retriever(index, components.embedder_for(settings)).retrieve(
        "Why did the central bank keep interest rates at four percent?", top_k=3
    )
    assert hits[0].doc_id == first
    assert hits[0].also_reported_by == ("Harbour Herald", "Northern Post")
    # Each chunk of the story is in the index once, not three times.
    assert len({p.text for p in hits if p.doc_id == first}) == len(
        [p for p in hits if p.doc_id == first]
    )
    assert not any(p.doc_id in {links[1][0], links[2][0]} for p in hits)

    # Asked of one copy's outlet only, the story is found through the copy.
    herald = Retriever(index, components.embedder_for(settings)).retrieve(
        "central bank interest rates",
        top_k=3,
        filters=RetrievalFilters(sources=("Harbour Herald",)),
    )
    assert [p.doc_id for p in herald][:1] == [first]
    ferry_only = Retriever(index, components.embedder_for(settings)).retrieve(
        "ferry pier", top_k=3, filters=RetrievalFilters(sources=("Harbour Herald",))
    )
    assert all(p.doc_id == first for p in ferry_only)  # Valley News' other story is not let in

    from qa.types import Answer, Citation

    cited = Answer("q", "Inflation [1].", False, [Citation(1, hits[0], hits[0].text, 0, 5)])
    shown = sources_html(cited)
    assert "Valley News" in shown and "also reported by Harbour Herald, Northern Post" in shown

    # Removing the indexed copy hands the story to another outlet's copy: nothing is lost.
    builder.remove(first, settings)
    docs = builder.list_documents(settings)
    second, third = links[1][0], links[2][0]
    assert docs[second].chunks > 0 and docs[second].duplicate_of is None
    assert docs[third].duplicate_of == second


def test_index_build_url_uses_the_canonical_url_and_a_refetch_replaces(site, settings, capsys):
    link = publish(site, "ferry", *STORIES["ferry"])
    args = [
        "index",
        "build",
        link + "?utm_source=newsletter#top",
        "--index",
        str(settings.index_dir),
        "--allow-private",
        site.host_port,
    ]
    assert newsqa(args) == 0
    docs = builder.list_documents(settings)
    assert list(docs) == [link] and docs[link].source == "Valley News"
    assert newsqa(args) == 0
    assert "0 added, 0 replaced, 1 unchanged" in capsys.readouterr().err
    bad = [*args[:2], site.url("/missing"), *args[3:]]
    assert newsqa(bad) == 1
    assert "HTTP 404" in capsys.readouterr().err
    assert list(builder.list_documents(settings)) == [link]


def test_fetch_limits(site):
    local = frozenset({site.host_port})
    site.routes["/img"] = Route(b"\x89PNG....", content_type="image/png")
    with pytest.raises(FetchError, match="content type 'image/png'"):
        fetch(site.url("/img"), PAGE_TYPES, FetchLimits(private_hosts=local))
    with pytest.raises(FetchError, match="not allowed"):
        fetch(site.url("/img"), PAGE_TYPES, FetchLimits(allowed_hosts=frozenset({"example.org"})))
    with pytest.raises(FetchError, match="only http and https"):
        fetch("file:///etc/passwd", PAGE_TYPES)
    site.routes["/hop"] = Route(status=301, location="http://example.org/elsewhere")
    with pytest.raises(FetchError, match="example.org:80 is not allowed"):  # a redirect too
        fetch(site.url("/hop"), PAGE_TYPES, FetchLimits(allowed_hosts=local, private_hosts=local))


def test_documents_tab_follows_feeds_only_on_allowed_hosts_and_refreshes(site, settings, seed_copy):
    from qa.answerer import Answerer
    from qa.settings import QASettings
    from ui import documents

    qa_settings = QASettings(**settings.model_dump())
    answerer = Answerer(qa_settings)
    link = publish(site, "dam", *STORIES["dam"])
    feed_url = publish_feed(site, "/feed.xml", "Valley News", [(link, STORIES["dam"][0])])

    refused = documents.follow_feed(answerer, feed_url)
    assert not refused.ok and "--fetch-host" in refused.message
    qa_settings.fetch.ui_hosts = ["news.example.org"]
    other = documents.follow_feed(answerer, feed_url)
    assert not other.ok and "not allowed" in other.message
    assert feeds.load_feeds(qa_settings) == {}

    qa_settings.fetch.ui_hosts = ["127.0.0.1"]  # no port: 80 and 443 only
    assert "not allowed (allowed: 127.0.0.1;" in documents.follow_feed(answerer, feed_url).message
    qa_settings.fetch.ui_hosts = [site.host_port]
    assert documents.follow_feed(answerer, feed_url).ok
    assert documents.feed_rows(answerer)[0][:3] == [feed_url, "Valley News", 0]
    report = documents.refresh_feeds(answerer)
    assert report.ok and "1 new" in report.message
    row = documents.feed_rows(answerer)[0]
    assert row[2] == 1 and row[3] and row[4].startswith("ok: 1 new")
    # The chat answers from it at once: the answerer reloaded the index.
    assert link in answerer.index.documents()
    hits = answerer.retriever.retrieve("How many homes will the new river dam power?", top_k=2)
    assert hits[0].doc_id == link


def test_feeds_commands(site, settings, capsys):
    link = publish(site, "library", *STORIES["library"])
    feed_url = publish_feed(site, "/feed.xml", "Valley News", [(link, STORIES["library"][0])])
    at = ["--index", str(settings.index_dir)]
    local = ["--allow-private", site.host_port]
    assert newsqa(["feeds", "add", feed_url, *at, *local]) == 0
    assert newsqa(["feeds", "refresh", *at, *local]) == 0
    assert "1 new, 0 updated, 0 unchanged" in capsys.readouterr().err
    assert newsqa(["feeds", "list", *at]) == 0
    listed = capsys.readouterr().out
    assert feed_url in listed and "Valley News" in listed
    site.routes.pop("/feed.xml")
    assert newsqa(["feeds", "refresh", *at, *local]) == 1  # a failing feed: a clear line, rc 1
    assert "HTTP 404" in capsys.readouterr().err
    assert newsqa(["feeds", "remove", site.url("/other.xml"), *at]) == 1
    assert newsqa(["feeds", "remove", feed_url, *at]) == 0
    assert link in builder.list_documents(settings)  # its articles stay
