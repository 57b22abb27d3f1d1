"""Connections to Milvus (a server, or Milvus Lite: the engine embedded, one process per file),
collection names, and the expression helpers every part of the backend shares."""

import json
import logging
import re
import warnings
from pathlib import Path

from index.backends.base import IndexMissingError
from index.config import IndexSettings

# milvus-lite 2.5 imports pkg_resources (hence setuptools<81), which warns on import.
warnings.filterwarnings("ignore", message="pkg_resources is deprecated")

from pymilvus import MilvusClient  # noqa: E402

# pymilvus warns on every query iterator against Lite (no server timestamp): noise to a user.
logging.getLogger("pymilvus").setLevel(logging.ERROR)

LITE_FILE = "milvus.db"
_clients: dict[str, MilvusClient] = {}


def location(settings: IndexSettings) -> str:
    if settings.milvus.uri:
        return f"{settings.milvus.uri} (collection {base_name(settings)})"
    return f"{lite_path(settings)} (Milvus Lite, collection {base_name(settings)})"


def lite_path(settings: IndexSettings) -> Path:
    return settings.resolved_index_dir() / LITE_FILE


def _uri(settings: IndexSettings) -> str:
    return settings.milvus.uri or str(lite_path(settings))


def connect(settings: IndexSettings) -> MilvusClient:
    """One client per URI and process (Milvus Lite serves one process per file)."""
    uri = _uri(settings)
    if uri not in _clients:
        if not settings.milvus.uri:
            lite_path(settings).parent.mkdir(parents=True, exist_ok=True)
        try:
            _clients[uri] = MilvusClient(uri=uri, token=settings.milvus.token or "")
        except Exception as exc:  # pymilvus raises its own hierarchy and grpc errors
            raise IndexMissingError(f"cannot reach Milvus at {uri}: {exc}") from None
    return _clients[uri]


def disconnect(settings: IndexSettings) -> None:
    """Close this process's client; Milvus Lite stops serving the file, so another process can
    open it (pymilvus' close leaves the Lite server holding the file until this process ends)."""
    client = _clients.pop(_uri(settings), None)
    if client is not None:
        client.close()
        if not settings.milvus.uri:
            from milvus_lite.server_manager import server_manager_instance

            server_manager_instance.release_server(str(lite_path(settings)))


def base_name(settings: IndexSettings) -> str:
    name = re.sub(r"\W", "_", settings.milvus.collection)
    return name if re.match(r"[A-Za-z_]", name) else f"n_{name}"


def iterate(client: MilvusClient, name: str, fields: list[str], expr: str = ""):
    it = client.query_iterator(name, batch_size=1000, filter=expr, output_fields=fields)
    while True:
        batch = it.next()
        if not batch:
            it.close()
            return
        yield batch


def quote(value: str | list[str]) -> str:
    """A string (or list) literal for a Milvus expression: Milvus Lite 2.5 has no filter
    templates; JSON's escaping of quotes and backslashes is what its parser reads."""
    return json.dumps(value, ensure_ascii=False)
