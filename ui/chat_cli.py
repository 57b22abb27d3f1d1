"""`newsqa chat`: the browser chat on 127.0.0.1."""

import argparse


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("chat", help="open the browser chat (http://127.0.0.1:7860)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=7860)
    p.add_argument("--auth", help="user:pass required to open the page")
    p.set_defaults(func=cmd_chat)


def cmd_chat(args: argparse.Namespace) -> int:
    from ui.app import launch

    auth = tuple(args.auth.split(":", 1)) if args.auth else None
    launch(args.host, args.port, auth)
    return 0
