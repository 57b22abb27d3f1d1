import sys

from index import offline
from index.config import IndexSettings
from index.errors import guarded


def _run() -> int:
    offline.apply(IndexSettings().data_dir)  # before llama-index or Hugging Face is imported
    from index.cli import main

    return main()


sys.exit(guarded(_run))
