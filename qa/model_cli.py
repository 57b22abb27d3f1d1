"""`newsqa model prepare|info`: join and verify the packaged GGUF, and prove which llama.cpp CPU
variant runs on this machine, before first use."""

import argparse
import sys

from qa.model_files import GGUF_SHA256, packaged_gguf
from qa.settings import QASettings


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("model", help="prepare the embedded LLM's weights and CPU variant")
    msub = p.add_subparsers(dest="model_cmd", required=True)
    prep = msub.add_parser(
        "prepare", help="join the model chunk packages, verify sha256, probe the CPU variants"
    )
    prep.set_defaults(func=cmd_prepare)
    info = msub.add_parser("info", help="the CPU, each llama.cpp variant tried and its verdict")
    info.add_argument(
        "--probe-all",
        action="store_true",
        help="run every variant this CPU supports (a child process each), not just until one runs",
    )
    info.set_defaults(func=cmd_info)


def _model_path(settings: QASettings):
    # A ModelFileError is printed by ui.cli.main, the one error boundary.
    return settings.llm.model_path or packaged_gguf(settings.data_dir / "models")


def cmd_prepare(args: argparse.Namespace) -> int:
    settings = QASettings()
    path = _model_path(settings)
    print(f"{path} (sha256 {GGUF_SHA256[:12]}..., verified)", file=sys.stderr)
    if settings.llm.backend == "llamacpp":
        from qa.llms.cpu_choice import proven_variant

        choice = proven_variant(settings.data_dir, path, settings.llm.cpu_variant)
        how = f"probed {', '.join(choice.probed)}" if choice.probed else "cached verdict"
        print(f"llama.cpp CPU variant: {choice.variant} ({how})", file=sys.stderr)
    return 0


def cmd_info(args: argparse.Namespace) -> int:
    from qa.llms.cpu_choice import CACHE_NAME, fingerprint, proven_variant

    settings = QASettings()
    path = _model_path(settings)
    choice = proven_variant(settings.data_dir, path, settings.llm.cpu_variant, args.probe_all)
    print(f"CPU: {fingerprint()}")
    print(f"model: {path}")
    pinned = " (pinned by NEWSQA_LLM__CPU_VARIANT)" if settings.llm.cpu_variant else ""
    print(f"chosen variant: {choice.variant}{pinned}")
    print(f"{'variant':<16} {'verdict':<40} {'prompt tok/s':>12} {'gen tok/s':>10}")
    for t in choice.trials:
        mark = " *" if t.variant == choice.variant else ""
        prompt = f"{t.prompt_tok_s:.1f}" if t.prompt_tok_s else "-"
        gen = f"{t.gen_tok_s:.1f}" if t.gen_tok_s else "-"
        print(f"{t.variant + mark:<16} {t.verdict:<40} {prompt:>12} {gen:>10}")
    print(
        f"verdicts cached in {settings.data_dir / CACHE_NAME}; best-first by ggml's score; "
        "--probe-all runs the rest"
    )
    return 0
