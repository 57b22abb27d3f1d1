"""The local backend: FAISS + tantivy in versioned folders under index_dir (index/store.py)."""

from contextlib import AbstractContextManager

from index.config import IndexSettings
from index.manifest import Manifest
from index.store import NewsIndex, write_lock


def open_index(settings: IndexSettings, writable: bool = False) -> NewsIndex:
    return NewsIndex.open(settings.resolved_index_dir(), settings.embed.model, writable)


def index_exists(settings: IndexSettings) -> bool:
    return NewsIndex.exists(settings.resolved_index_dir())


def read_manifest(settings: IndexSettings) -> Manifest:
    return NewsIndex.read_manifest(settings.resolved_index_dir())[1]


def create_index(settings: IndexSettings, manifest: Manifest) -> NewsIndex:
    return NewsIndex.create(settings.resolved_index_dir(), manifest)


def writer_lock(settings: IndexSettings) -> AbstractContextManager:
    return write_lock(settings.resolved_index_dir())


def describe(settings: IndexSettings) -> str:
    return str(settings.resolved_index_dir())
