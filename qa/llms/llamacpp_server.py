"""llama-cpp-python's OpenAI-compatible server, with this project's llama.cpp CPU library loaded.

The build keeps each CPU variant in its own library (GGML_BACKEND_DL) and llama-cpp-python does
not load them itself, so `python -m llama_cpp.server` alone finds no backend. This takes the same
flags: `python -m qa.llms.llamacpp_server --model M.gguf --host 127.0.0.1 --port 8080`.
"""


def main() -> None:
    from qa.llms.llamacpp import load_cpu_backend
    from qa.settings import QASettings

    # The same setting as the app's (NEWSQA_LLM_CPU_VARIANT or newsqa.toml).
    load_cpu_backend(QASettings().llm_cpu_variant or None)
    from llama_cpp.server.__main__ import main as serve

    serve()


if __name__ == "__main__":
    main()
