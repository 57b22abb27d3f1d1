import json
import os

from index.loaders import load_paths
from tests.conftest import SEEDS, write

SEED_BODY_SHA256 = "760d8f931c423ef26e96f4911b844aed3943c2eee7ae258fe90a2162a08c3c85"


def only(result):
    assert len(result.articles) == 1, result.problems
    return result.articles[0]


def test_seed_record_keeps_the_article_text_unchanged():
    import hashlib

    article = only(load_paths([SEEDS]))
    assert hashlib.sha256(article.body.encode("utf-8")).hexdigest() == SEED_BODY_SHA256
    assert article.published_at == "2023-10-23"
    assert article.title and article.source


def test_txt_takes_date_from_its_date_line(tmp_path):
    p = write(
        tmp_path / "storm-hits-coast.txt", "A storm hit the coast on March 3, 2024. Many fled.\n"
    )
    article = only(load_paths([p]))
    assert article.doc_id == "storm-hits-coast"
    assert article.published_at == "2024-03-03"
    assert article.body == "A storm hit the coast on March 3, 2024. Many fled."


def test_markdown_heading_is_the_title(tmp_path):
    p = write(tmp_path / "a.md", "# Budget passes\n\nThe council passed the budget.\n")
    assert only(load_paths([p])).title == "Budget passes"


def test_html_drops_boilerplate_and_reads_metadata(tmp_path):
    html = """<html><head><title>T</title>
    <meta property="og:title" content="Dam opens">
    <meta property="og:site_name" content="River Times">
    <meta property="article:published_time" content="2024-05-01T10:00:00Z">
    <script>var tracking = 1;</script></head><body>
    <nav>Home | Sports | Weather</nav><header>Subscribe now</header>
    <article><h1>Dam opens</h1><p>The new dam opened on Friday.</p><p>It cost $2 million.</p></article>
    <footer>Copyright River Times</footer></body></html>"""
    article = only(load_paths([write(tmp_path / "dam.html", html)]))
    assert article.title == "Dam opens"
    assert article.source == "River Times"
    assert article.published_at == "2024-05-01"
    assert "The new dam opened on Friday." in article.body
    for junk in ("tracking", "Subscribe", "Copyright", "Weather"):
        assert junk not in article.body


def test_jsonl_records_carry_metadata(tmp_path):
    rows = [
        {
            "title": "A",
            "body": "Alpha text.",
            "url": "http://x/a",
            "source": "Wire",
            "published_at": "2024-01-02",
            "author": "Kim",
        },
        {"title": "B", "text": "Beta text.", "published_at": "Jan 5, 2024"},
    ]
    p = write(tmp_path / "feed.jsonl", "\n".join(json.dumps(r) for r in rows))
    result = load_paths([p])
    assert not result.problems
    a, b = result.articles
    assert (a.doc_id, a.source, a.author, a.published_at) == (
        "http://x/a",
        "Wire",
        "Kim",
        "2024-01-02",
    )
    assert (b.body, b.published_at) == ("Beta text.", "2024-01-05")


def test_empty_file_is_a_warning_naming_it(tmp_path):
    p = write(tmp_path / "empty.txt", "  \n\n")
    result = load_paths([p])
    assert not result.articles
    [problem] = result.problems
    assert problem.severity == "warning" and problem.path == str(p) and "empty" in problem.message


def test_binary_file_is_an_error(tmp_path):
    p = write(tmp_path / "photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    [problem] = load_paths([p]).problems
    assert problem.severity == "error" and "binary" in problem.message and problem.path == str(p)


def test_invalid_utf8_names_the_line(tmp_path):
    p = write(
        tmp_path / "latin1.txt", "first line\nsecond line\ncaf\xe9 au lait\n".encode("latin-1")
    )
    [problem] = load_paths([p]).problems
    assert problem.severity == "error" and "UTF-8" in problem.message
    assert problem.line == 3
    assert f"{p}:3" in str(problem)


def test_malformed_json_line_is_named_and_other_lines_kept(tmp_path):
    lines = [
        '{"title": "Good", "body": "Fine."}',
        '{"title": "Bad", "body": ',
        '{"title": "Also", "body": "Ok."}',
    ]
    p = write(tmp_path / "feed.jsonl", "\n".join(lines))
    result = load_paths([p])
    assert [a.title for a in result.articles] == ["Good", "Also"]
    [problem] = result.problems
    assert problem.line == 2 and "malformed JSON" in problem.message


def test_record_without_body_names_the_field(tmp_path):
    p = write(tmp_path / "feed.jsonl", '{"title": "No text"}\n')
    [problem] = load_paths([p]).problems
    assert "'body'" in problem.message and problem.line == 1


def test_bad_date_names_the_field(tmp_path):
    p = write(tmp_path / "a.json", '{"title": "T", "body": "B.", "published_at": "someday"}')
    [problem] = load_paths([p]).problems
    assert "published_at" in problem.message


def test_unknown_extension_is_skipped_with_warning(tmp_path):
    p = write(tmp_path / "report.pdf", "%PDF-1.4")
    [problem] = load_paths([p]).problems
    assert problem.severity == "warning" and ".pdf" in problem.message


def test_missing_and_broken_paths_are_errors(tmp_path):
    link = tmp_path / "dangling.txt"
    os.symlink(tmp_path / "gone.txt", link)
    result = load_paths([tmp_path / "nope.txt", link])
    assert [p.severity for p in result.problems] == ["error", "error"]
    assert all(p.path.endswith(".txt") for p in result.problems)


def test_50_mb_file_is_refused_without_reading_it(tmp_path):
    p = tmp_path / "huge.txt"
    with open(p, "wb") as fh:
        fh.truncate(50 * 1024 * 1024)
    [problem] = load_paths([p], max_file_mb=20).problems
    assert (
        problem.severity == "error" and "50.0 MB" in problem.message and "limit" in problem.message
    )


def test_folder_is_walked_and_hidden_files_skipped(tmp_path):
    write(tmp_path / "d" / "one.txt", "One story.")
    write(tmp_path / "d" / "sub" / "two.md", "Two story.")
    write(tmp_path / "d" / ".cache" / "three.txt", "hidden")
    result = load_paths([tmp_path / "d"])
    assert sorted(a.doc_id for a in result.articles) == ["one", "two"]
