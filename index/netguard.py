"""Where a fetch may connect, checked on the address actually connected to, and one deadline.

A feed is data written by others: its items, its redirects and its own URL at the next refresh
can name any host. Every connection the server makes for a feed goes through `GuardedBackend`:
the host is resolved once, each address is checked (loopback, link-local, private, shared,
multicast, reserved and unspecified addresses are refused unless the operator allowed that
host:port), and the socket connects to the checked address itself, so a name cannot resolve to
a public address for the check and a private one for the connection (DNS rebinding).

httpx's timeouts are per operation: a server sending one header byte a second never trips a read
timeout. Each read and connect here gets at most what is left of the whole request's deadline.
"""

import contextlib
import contextvars
import ipaddress
import socket
import time
from collections.abc import Iterable, Iterator

import httpcore
import httpx
from httpcore._backends.sync import SyncBackend

_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar("deadline", default=None)
DEFAULT_PORTS = {"http": 80, "https": 443}


class BlockedAddress(httpcore.ConnectError):
    """The host resolves to an address the server may not reach for a feed."""


class DeadlinePassed(httpcore.ReadTimeout):
    pass


def host_port_entry(entry: str) -> tuple[str, int | None]:
    """ "news.example:8080" -> ("news.example", 8080); "news.example" -> (…, None: 80 and 443);
    "[::1]:8080" -> ("::1", 8080)."""
    entry = entry.strip().lower()
    if entry.startswith("["):
        host, _, rest = entry[1:].partition("]")
        return host, int(rest[1:]) if rest.startswith(":") else None
    if entry.count(":") == 1:
        host, port = entry.split(":")
        return host, int(port)
    return entry, None


def entry_allows(entries: Iterable[str], host: str, port: int) -> bool:
    """Whether host:port is on a list of "host" (default ports only) or "host:port" entries."""
    host = host.lower().strip("[]")
    for entry in entries:
        e_host, e_port = host_port_entry(entry)
        if e_host == host and (port == e_port if e_port else port in DEFAULT_PORTS.values()):
            return True
    return False


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    # is_global is False for loopback, RFC 1918, ULA, link-local (169.254/16: cloud metadata),
    # shared 100.64/10, unspecified and reserved; multicast is checked on its own.
    return ip.is_global and not ip.is_multicast


class GuardedBackend(httpcore.NetworkBackend):
    def __init__(self, private_ok: frozenset[str] = frozenset()):
        self.private_ok = private_ok
        self._sync = SyncBackend()

    def connect_tcp(
        self, host, port, timeout=None, local_address=None, socket_options=None
    ) -> httpcore.NetworkStream:
        timeout = _left(timeout)
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except OSError as exc:
            raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from None
        addresses = list(dict.fromkeys(info[4][0] for info in infos))
        if not entry_allows(self.private_ok, host, port):
            blocked = [a for a in addresses if not is_public(a)]
            if blocked:
                raise BlockedAddress(
                    f"{host} resolves to {blocked[0]}, a loopback, private or link-local "
                    "address; the server does not fetch those for feeds (an operator can "
                    "allow a local news server with --allow-private HOST:PORT)"
                )
        last: Exception | None = None
        for address in addresses:  # the checked address itself: no second lookup
            try:
                stream = self._sync.connect_tcp(
                    address, port, timeout, local_address, socket_options
                )
            except httpcore.ConnectError as exc:
                last = exc
                continue
            return DeadlineStream(stream)
        raise last or httpcore.ConnectError(f"{host}: no address")

    def connect_unix_socket(self, path, timeout=None, socket_options=None):
        raise httpcore.ConnectError("unix sockets are not fetched")

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


class DeadlineStream(httpcore.NetworkStream):
    """A socket stream whose every read, write and TLS handshake ends by the request deadline."""

    def __init__(self, stream: httpcore.NetworkStream):
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _left(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _left(timeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(self, ssl_context, server_hostname=None, timeout=None):
        return DeadlineStream(self._stream.start_tls(ssl_context, server_hostname, _left(timeout)))

    def get_extra_info(self, info: str):
        return self._stream.get_extra_info(info)


def _left(timeout: float | None) -> float | None:
    deadline = _DEADLINE.get()
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise DeadlinePassed("the request's deadline passed")
    return left if timeout is None else min(timeout, left)


@contextlib.contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Every connect, read and write inside ends within `seconds` of entering, all together."""
    token = _DEADLINE.set(time.monotonic() + seconds)
    try:
        yield
    finally:
        _DEADLINE.reset(token)


class GuardedTransport(httpx.HTTPTransport):
    def __init__(self, private_ok: frozenset[str] = frozenset()):
        super().__init__(trust_env=False)
        # httpx builds its pool without a network backend argument; the same pool, with one.
        self._pool = httpcore.ConnectionPool(
            ssl_context=self._pool._ssl_context,
            network_backend=GuardedBackend(private_ok),
        )
