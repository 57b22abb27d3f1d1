"""Careful HTTP GETs for feeds and article pages: bounded in time, size, type and redirects.

Every failure is a FetchError whose message names the URL and what went wrong, so a refresh can
report one feed and go on with the others.
"""

from dataclasses import dataclass
from importlib import metadata
from urllib.parse import urljoin, urlsplit

import httpx

from index.errors import NewsqaError
from index.netguard import DEFAULT_PORTS, GuardedTransport, deadline, entry_allows

FEED_TYPES = ("xml", "rss", "atom", "text/plain")  # sloppy servers send feeds as text/plain
PAGE_TYPES = ("text/html", "application/xhtml+xml")
REDIRECTS = (301, 302, 303, 307, 308)


class FetchError(NewsqaError):
    """A URL that could not be fetched (or was not allowed); the message says why."""


@dataclass(frozen=True)
class Fetched:
    url: str  # after redirects
    status: int  # 200, or 304 when the conditional GET found nothing new
    body: bytes = b""
    content_type: str = ""
    etag: str | None = None
    last_modified: str | None = None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


@dataclass(frozen=True)
class FetchLimits:
    timeout_s: float = 10.0  # connect, and each read; the whole fetch gets twice that
    max_bytes: int = 5 * 1024 * 1024
    max_redirects: int = 5
    # "host" (ports 80 and 443) or "host:port" entries a fetch may reach (redirects included);
    # None = any. The chat UI sets it, so a URL box served to others reaches only those.
    allowed_hosts: frozenset[str] | None = None
    # Entries whose host may resolve to a loopback, private or link-local address (a local news
    # server). Every other fetch refuses those addresses, checked on the address connected to.
    private_hosts: frozenset[str] = frozenset()

    @property
    def deadline_s(self) -> float:
        """The whole fetch (connects, headers, bodies, redirects) ends within this."""
        return 2 * self.timeout_s

    @classmethod
    def from_settings(cls, settings, allowed_hosts: frozenset[str] | None = None) -> "FetchLimits":
        """From IndexSettings' fetch_timeout_s, fetch_max_mb, fetch_max_redirects and
        fetch_private_hosts."""
        return cls(
            timeout_s=settings.fetch.timeout_s,
            max_bytes=int(settings.fetch.max_mb * 1024 * 1024),
            max_redirects=settings.fetch.max_redirects,
            allowed_hosts=allowed_hosts,
            private_hosts=frozenset(h.lower() for h in settings.fetch.private_hosts),
        )


def user_agent() -> str:
    try:
        version = metadata.version("newsqa")
    except metadata.PackageNotFoundError:
        version = "dev"
    return f"newsqa/{version} (news question answering; feed reader)"


def fetch(
    url: str,
    accept: tuple[str, ...],
    limits: FetchLimits = FetchLimits(),
    etag: str | None = None,
    last_modified: str | None = None,
    client: httpx.Client | None = None,
) -> Fetched:
    """GET `url`, following at most `max_redirects` redirects, reading at most `max_bytes`."""
    own = client is None
    client = client or make_client(limits)
    try:
        with deadline(limits.deadline_s):
            return _fetch(client, url, accept, limits, etag, last_modified)
    finally:
        if own:
            client.close()


def make_client(limits: FetchLimits) -> httpx.Client:
    return httpx.Client(
        # Redirects are followed by hand: each hop is checked against the scheme and hosts.
        follow_redirects=False,
        timeout=httpx.Timeout(limits.timeout_s),
        headers={"User-Agent": user_agent()},
        # Resolves, checks and connects to the checked address (index/netguard.py); no proxy
        # from the environment.
        transport=GuardedTransport(limits.private_hosts),
        trust_env=False,
    )


def _fetch(
    client: httpx.Client,
    url: str,
    accept: tuple[str, ...],
    limits: FetchLimits,
    etag: str | None,
    last_modified: str | None,
) -> Fetched:
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    seen = [url]
    current = url
    for _ in range(limits.max_redirects + 1):
        _check_url(current, limits)
        try:
            with client.stream("GET", current, headers=headers) as response:
                if response.status_code == 304:
                    return Fetched(current, 304, etag=etag, last_modified=last_modified)
                if response.status_code in REDIRECTS and "location" in response.headers:
                    target = urljoin(current, response.headers["location"])
                    if target in seen:
                        raise FetchError(f"{url}: redirect loop ({' -> '.join(seen + [target])})")
                    seen.append(target)
                    current = target
                    continue
                if response.status_code >= 400:
                    raise FetchError(
                        f"{current}: HTTP {response.status_code} {response.reason_phrase}"
                    )
                ctype = response.headers.get("content-type", "").split(";")[0].strip().lower()
                if ctype and not any(kind in ctype for kind in accept):
                    raise FetchError(
                        f"{current}: content type {ctype!r} is not {' or '.join(accept)}"
                    )
                body = _read_capped(response, current, limits)
                return Fetched(
                    url=current,
                    status=response.status_code,
                    body=body,
                    content_type=ctype,
                    etag=response.headers.get("etag"),
                    last_modified=response.headers.get("last-modified"),
                )
        except httpx.TimeoutException:
            raise FetchError(
                f"{current}: timed out (no complete answer within {limits.deadline_s:g} s)"
            ) from None
        except httpx.HTTPError as exc:
            raise FetchError(f"{current}: {type(exc).__name__}: {exc}") from None
    raise FetchError(f"{url}: more than {limits.max_redirects} redirects")


def _read_capped(response: httpx.Response, url: str, limits: FetchLimits) -> bytes:
    declared = response.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limits.max_bytes:
        raise FetchError(
            f"{url}: {int(declared):,} bytes, over the {limits.max_bytes:,}-byte limit"
        )
    chunks, size = [], 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > limits.max_bytes:
            raise FetchError(f"{url}: over the {limits.max_bytes:,}-byte limit; stopped reading")
        chunks.append(chunk)
    return b"".join(chunks)


def _check_url(url: str, limits: FetchLimits) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError(f"{url}: only http and https URLs can be fetched")
    if limits.allowed_hosts is None:
        return
    try:
        port = parts.port or DEFAULT_PORTS[parts.scheme]
    except ValueError:
        raise FetchError(f"{url}: not a valid port") from None
    if not entry_allows(limits.allowed_hosts, parts.hostname, port):
        allowed = ", ".join(sorted(limits.allowed_hosts)) or "none"
        raise FetchError(
            f"{url}: {parts.hostname}:{port} is not allowed (allowed: {allowed}; an entry "
            "without a port allows 80 and 443)"
        )


def is_url(text: str) -> bool:
    return urlsplit(str(text)).scheme in ("http", "https")
