"""`newsqa chat`: the browser chat on 127.0.0.1."""

import argparse
import ipaddress
import sys
from pathlib import Path

from index.cli import add_allow_private
from qa.settings import PROFILES


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("chat", help="open the browser chat (http://127.0.0.1:7860)")
    p.add_argument("--host", default="127.0.0.1", help="address to serve on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=7860)
    p.add_argument("--auth", help="user:pass required to open the page")
    p.add_argument(
        "--insecure-no-auth",
        action="store_true",
        help="serve a non-loopback --host without --auth (anyone who can reach it may upload "
        "and remove articles)",
    )
    p.add_argument(
        "--fetch-host",
        action="append",
        default=[],
        metavar="HOST[:PORT]",
        help="let the page follow and refresh feeds on this host (repeatable; no port: 80 "
        "and 443; default: none, the page cannot make the server fetch anything)",
    )
    add_allow_private(p)
    p.add_argument("--index", type=Path, help="index directory (default .newsqa/index)")
    p.add_argument("--profile", choices=list(PROFILES), help="settings profile (default readers)")
    p.set_defaults(func=cmd_chat)


def cmd_chat(args: argparse.Namespace) -> int:
    from qa.cli import settings_from
    from ui.app import launch

    auth = None
    if args.auth is not None:
        user, sep, password = args.auth.partition(":")
        if not sep or not user or not password:
            print("error: --auth takes user:pass, both non-empty", file=sys.stderr)
            return 2
        auth = (user, password)
    if not is_loopback(args.host) and auth is None:
        if not args.insecure_no_auth:
            print(
                f"error: --host {args.host} serves the chat, upload and remove to anyone who "
                "can reach this machine; add --auth user:pass (or --insecure-no-auth)",
                file=sys.stderr,
            )
            return 2
        print(
            f"warning: serving on {args.host} without a password: anyone who can reach it "
            "can upload and remove articles",
            file=sys.stderr,
        )
    settings = settings_from(args)
    if args.fetch_host:
        settings.fetch.ui_hosts = [*settings.fetch.ui_hosts, *args.fetch_host]
    launch(args.host, args.port, auth, settings)  # errors: see ui.cli.main
    return 0


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to anything
