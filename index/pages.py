"""Single article pages by URL (`newsqa index build URL`): fetched carefully, then extracted."""

from index.extract import NoArticleText, article_from_page
from index.fetch import PAGE_TYPES, FetchError, FetchLimits, fetch, make_client
from index.loaders import LoadResult, Problem


def load_pages(urls: list[str], limits: FetchLimits) -> LoadResult:
    """One Article per page, its canonical URL as its id; a page that fails is a Problem."""
    result = LoadResult()
    with make_client(limits) as client:
        for url in urls:
            try:
                page = fetch(url, PAGE_TYPES, limits, client=client)
                result.articles.append(article_from_page(page.body, page.url, page.url))
            except FetchError as exc:
                result.problems.append(Problem(url, str(exc).removeprefix(f"{url}: ")))
            except NoArticleText as exc:
                result.problems.append(Problem(url, f"{exc}; skipped"))
    return result
