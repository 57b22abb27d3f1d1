"""llama-cpp-python's OpenAI-compatible server, with this project's llama.cpp CPU library loaded.

The build keeps each CPU variant in its own library (GGML_BACKEND_DL) and llama-cpp-python does
not load them itself, so `python -m llama_cpp.server` alone finds no backend. This takes the same
flags: `python -m qa.llms.llamacpp_server --model M.gguf --host 127.0.0.1 --port 8080`.
"""

import argparse
from pathlib import Path


def main() -> None:
    from qa.llms.cpu_choice import proven_variant
    from qa.llms.llamacpp import load_cpu_backend
    from qa.settings import QASettings

    model = argparse.ArgumentParser(add_help=False)
    model.add_argument("--model", type=Path)
    known, _ = model.parse_known_args()
    # The same choice as the app's: proven on this machine (or NEWSQA_LLM__CPU_VARIANT, checked).
    settings = QASettings()
    if known.model:
        load_cpu_backend(
            proven_variant(settings.data_dir, known.model, settings.llm.cpu_variant).variant
        )
    from llama_cpp.server.__main__ import main as serve

    serve()


if __name__ == "__main__":
    main()
