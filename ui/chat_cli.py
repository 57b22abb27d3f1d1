"""`newsqa chat`: the browser chat on 127.0.0.1."""

import argparse
import sys
from pathlib import Path


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("chat", help="open the browser chat (http://127.0.0.1:7860)")
    p.add_argument("--host", default="127.0.0.1", help="address to serve on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=7860)
    p.add_argument("--auth", help="user:pass required to open the page")
    p.add_argument("--index", type=Path, help="index directory (default .newsqa/index)")
    p.set_defaults(func=cmd_chat)


def cmd_chat(args: argparse.Namespace) -> int:
    from index.store import IndexError_
    from qa.cli import settings_from
    from qa.llms import LLMError
    from ui.app import launch

    auth = None
    if args.auth:
        if ":" not in args.auth:
            print("error: --auth takes user:pass", file=sys.stderr)
            return 2
        auth = tuple(args.auth.split(":", 1))
    try:
        launch(args.host, args.port, auth, settings_from(args))
    except (IndexError_, LLMError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0
