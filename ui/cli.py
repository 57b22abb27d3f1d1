"""`newsqa`: one command, a subcommand per package (index, ask, chat, eval)."""

import argparse
import sys

from index import offline
from index.config import IndexSettings
from index.errors import guarded


def build_parser() -> argparse.ArgumentParser:
    from index import cli as index_cli
    from index import feeds_cli

    parser = argparse.ArgumentParser(
        prog="newsqa", description="Question answering over news articles, with citations."
    )
    sub = parser.add_subparsers(dest="cmd", required=True)
    index_cli.add_parser(sub)
    feeds_cli.add_parser(sub)
    for module in ("qa.cli", "ui.chat_cli", "eval.cli", "qa.model_cli", "ui.config_cli"):
        try:
            mod = __import__(module, fromlist=["add_parser"])
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise
            continue
        mod.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    return guarded(_run, argv)


def _run(argv: list[str] | None) -> int:
    # Before anything imports Hugging Face, llama-index or Gradio.
    offline.apply(IndexSettings().data_dir)
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
