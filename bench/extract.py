"""Article extraction from news pages: trafilatura against the older BeautifulSoup loader.

Run: .venv/bin/python bench/extract.py [--articles 300]
No saved pages of real outlets can be fetched here, so each MultiHop-RAG article (written by
others, read from ../shared) is wrapped in one of three page layouts with the boilerplate real
news pages carry: menus, related-story lists, ads and newsletter boxes between paragraphs, share
bars, comments, cookie banners and footers (the layouts are below; one semantic <article> page,
one page of plain <div>s, one with inline clutter). Printed per extractor: word precision and
recall of the body (bag of words against the article's own text), and how often title, date and
outlet come out right.
"""

import argparse
import html
import json
import random
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

ARTICLES = (
    Path(__file__).resolve().parent.parent.parent / "shared/benchmarks/multihop-rag/articles.jsonl"
)


def _related(others: list[dict]) -> str:
    items = "".join(
        f"<li><a href='/a/{i}'>{html.escape(o['title'])}</a></li>" for i, o in enumerate(others)
    )
    return f"<ul class='related'>{items}</ul>"


def _paragraphs(body: str) -> list[str]:
    return [p.strip() for p in body.split("\n") if p.strip()]


def semantic(a: dict, others: list[dict], rng: random.Random) -> str:
    paras = "".join(f"<p>{html.escape(p)}</p>" for p in _paragraphs(a["body"]))
    return f"""<!doctype html><html><head><title>{html.escape(a["title"])} | {html.escape(a["source"])}</title>
<meta property="og:title" content="{html.escape(a["title"], quote=True)}">
<meta property="og:site_name" content="{html.escape(a["source"], quote=True)}">
<meta property="article:published_time" content="{a["published_at"]}">
<link rel="canonical" href="{html.escape(a["url"], quote=True)}"></head><body>
<div class="cookie">We use cookies to improve your experience. Accept all cookies or manage preferences.</div>
<header><nav><a href="/">Home</a> <a href="/world">World</a> <a href="/business">Business</a>
<a href="/tech">Tech</a> <a href="/sport">Sport</a> <a href="/login">Sign in</a></nav></header>
<main><article><h1>{html.escape(a["title"])}</h1><div class="byline">By Staff Reporter</div>
{paras}<div class="share">Share this story on Facebook, X and LinkedIn. Copy link.</div></article>
<aside><h2>More from {html.escape(a["source"])}</h2>{_related(others)}</aside>
<section class="comments"><h3>Comments</h3><p>Great article, thanks for sharing this!</p>
<p>I completely disagree with the premise here, the numbers do not add up.</p></section></main>
<footer><p>Copyright 2023 {html.escape(a["source"])}. All rights reserved.</p>
<p>Terms of use · Privacy policy · Contact us · Advertise with us</p></footer></body></html>"""


def div_soup(a: dict, others: list[dict], rng: random.Random) -> str:
    paras = "".join(f"<div class='txt'>{html.escape(p)}</div>" for p in _paragraphs(a["body"]))
    return f"""<html><head><title>{html.escape(a["title"])} - {html.escape(a["source"])}</title>
<meta name="date" content="{a["published_at"][:10]}"></head><body>
<div id="menu"><ul><li>News</li><li>Markets</li><li>Opinion</li><li>Video</li><li>Podcasts</li></ul></div>
<div id="trending"><b>Trending now</b>{_related(others[:3])}</div>
<div class="content"><div class="headline">{html.escape(a["title"])}</div>
<div class="dateline">{a["published_at"][:10]}</div><div class="story-body">{paras}</div></div>
<div class="sidebar"><b>Most read</b>{_related(others[3:])}</div>
<div class="newsletter">Sign up for our daily newsletter. Enter your email address to subscribe.</div>
<div class="foot">{html.escape(a["source"])} © 2023 · About · Careers · Help</div></body></html>"""


def cluttered(a: dict, others: list[dict], rng: random.Random) -> str:
    parts = []
    for i, p in enumerate(_paragraphs(a["body"])):
        parts.append(f"<p>{html.escape(p)}</p>")
        if i % 3 == 2:
            o = rng.choice(others)
            parts.append(
                rng.choice(
                    [
                        "<div class='ad'>Advertisement</div>",
                        f"<p class='readmore'><strong>Read more:</strong> <a href='/x'>{html.escape(o['title'])}</a></p>",
                        "<div class='promo'>Subscribe for unlimited access. Cancel anytime.</div>",
                    ]
                )
            )
    return f"""<html><head><title>{html.escape(a["title"])}</title>
<meta property="og:site_name" content="{html.escape(a["source"], quote=True)}">
<meta property="article:published_time" content="{a["published_at"]}"></head><body>
<nav>Home | Latest | Popular | Newsletters | Search</nav><article><header><h1>{html.escape(a["title"])}</h1>
<p class="meta">Published {a["published_at"][:10]} · 5 min read</p></header>{"".join(parts)}
<p class="tags">Topics: News, Business, Technology</p></article>
<div class="social">Follow us on X, Facebook and Instagram</div>
<footer>Copyright 2023 · Privacy · Cookie settings</footer></body></html>"""


LAYOUTS = {"semantic": semantic, "div_soup": div_soup, "cluttered": cluttered}


def words(text: str) -> Counter:
    return Counter(w.lower() for w in text.split())


def score(expected: str, got: str) -> tuple[float, float]:
    want, have = words(expected), words(got)
    common = sum((want & have).values())
    return common / max(sum(have.values()), 1), common / max(sum(want.values()), 1)


def run(n: int, seed: int = 7) -> dict:
    from index.extract import NoArticleText, article_from_page
    from index.loaders import _Bad, _from_html_blocks

    rng = random.Random(seed)
    rows = [json.loads(line) for line in ARTICLES.read_text("utf-8").splitlines()]
    picked = rng.sample(rows, min(n, len(rows)))
    stats = {name: Counter() for name in ("trafilatura", "beautifulsoup")}
    sums = {name: [0.0, 0.0] for name in stats}
    with tempfile.TemporaryDirectory() as tmp:
        for i, a in enumerate(picked):
            layout = list(LAYOUTS.values())[i % len(LAYOUTS)]
            page = layout(a, rng.sample(rows, 6), rng)
            path = Path(tmp) / f"page-{i}.html"
            path.write_text(page, "utf-8")
            got = {}
            try:
                got["trafilatura"] = article_from_page(page, a["url"], str(path))
            except NoArticleText:
                got["trafilatura"] = None
            try:
                got["beautifulsoup"] = _from_html_blocks(path, page)
            except _Bad:
                got["beautifulsoup"] = None
            for name, art in got.items():
                if art is None:
                    stats[name]["empty"] += 1
                    continue
                p, r = score(a["body"], art.body)
                sums[name][0] += p
                sums[name][1] += r
                stats[name]["title"] += art.title.strip() == a["title"].strip()
                stats[name]["date"] += art.published_at == a["published_at"][:10]
                stats[name]["source"] += (art.source or "") == a["source"]
    out = {"pages": len(picked)}
    for name in stats:
        k = len(picked)
        p, r = sums[name][0] / k, sums[name][1] / k
        out[name] = {
            "precision": round(p, 3),
            "recall": round(r, 3),
            "f1": round(2 * p * r / (p + r), 3) if p + r else 0.0,
            "title": round(stats[name]["title"] / k, 3),
            "date": round(stats[name]["date"] / k, 3),
            "source": round(stats[name]["source"] / k, 3),
            "no_text": stats[name]["empty"],
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=300)
    args = parser.parse_args()
    result = run(args.articles)
    print(f"{result['pages']} pages (MultiHop-RAG articles in 3 layouts with boilerplate)")
    print(
        f"{'extractor':<15}{'precision':>10}{'recall':>8}{'F1':>7}{'title':>7}{'date':>7}{'outlet':>8}{'no text':>9}"
    )
    for name in ("trafilatura", "beautifulsoup"):
        r = result[name]
        print(
            f"{name:<15}{r['precision']:>10.3f}{r['recall']:>8.3f}{r['f1']:>7.3f}"
            f"{r['title']:>7.3f}{r['date']:>7.3f}{r['source']:>8.3f}{r['no_text']:>9}"
        )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
