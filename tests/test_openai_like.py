"""The OpenAI-compatible backend end to end: llama-cpp-python's own OpenAI-compatible server on
127.0.0.1 serves the packaged GGUF, and a seed question is answered through it."""

import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.conftest import APOLOGY_Q, ROOT

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server_url(tmp_path_factory):
    from qa.model_files import packaged_gguf

    gguf = packaged_gguf(ROOT / ".newsqa" / "models")
    port = free_port()
    # Its log goes to a file: llama.cpp writes more than a pipe holds, and would block on it.
    log = open(tmp_path_factory.mktemp("server") / "server.log", "w+")
    proc = subprocess.Popen(
        [
            sys.executable, "-m", "qa.llms.llamacpp_server", "--model", str(gguf),
            "--model_alias", "qwen-packaged", "--host", "127.0.0.1", "--port", str(port),
            "--n_ctx", "4096", "--n_threads", "2",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 180
        while True:
            if proc.poll() is not None:
                log.seek(0)
                pytest.fail(f"llama_cpp.server exited: {log.read()[-2000:]}")
            try:
                urllib.request.urlopen(f"{url}/models", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("llama_cpp.server did not start in 180 s")
                time.sleep(1)
        yield url
    finally:
        proc.terminate()  # stopped by its handle, whatever the test did
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def test_seed_question_answered_through_an_openai_compatible_server(seed_index_dir, server_url):
    from qa.answerer import Answerer
    from qa.settings import QASettings

    settings = QASettings(
        index_dir=seed_index_dir,
        data_dir=ROOT / ".newsqa",
        llm={"backend": "openai_like", "model": "qwen-packaged", "api_base": server_url},
    )
    answerer = Answerer(settings)
    assert "OpenAI-compatible" in answerer.llm.name
    answer = answerer.ask(APOLOGY_Q)
    assert not answer.refused, (answer.raw_text, answer.notes)
    assert "Qatar" in answer.text and answer.citations


def test_unreachable_server_is_one_clear_error(seed_index_dir):
    from qa.answerer import Answerer
    from qa.llms import LLMError
    from qa.settings import QASettings

    settings = QASettings(
        index_dir=seed_index_dir,
        llm={
            "backend": "openai_like",
            "api_base": f"http://127.0.0.1:{free_port()}/v1",
            "timeout_s": 5,
        },
    )
    with pytest.raises(LLMError, match="OpenAI-compatible"):
        Answerer(settings).ask(APOLOGY_Q)
