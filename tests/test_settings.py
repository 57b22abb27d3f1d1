"""Settings in sections: where each value comes from, the old flat names, and `newsqa config`."""

import json

import pytest

from index.config import IndexSettings, SettingsError
from qa.settings import Settings


@pytest.fixture
def clean_env(tmp_path, monkeypatch):
    """No newsqa.toml and no NEWSQA_* of the developer's shell; returns the config file path."""
    import os

    for key in list(os.environ):
        if key.upper().startswith("NEWSQA_"):
            monkeypatch.delenv(key)
    config = tmp_path / "newsqa.toml"
    monkeypatch.setenv("NEWSQA_CONFIG", str(config))
    return config


def test_sections_from_file_environment_and_arguments_in_that_order(clean_env, monkeypatch):
    clean_env.write_text("[retrieval]\ntop_k = 6\ndense_top_k = 9\n[llm]\nthreads = 1\n")
    monkeypatch.setenv("NEWSQA_RETRIEVAL__DENSE_TOP_K", "10")
    s = Settings(llm={"threads": 3})
    assert (s.retrieval.top_k, s.retrieval.dense_top_k, s.llm.threads) == (6, 10, 3)
    # A section given in part keeps the other fields' defaults.
    assert s.retrieval.per_source_k == 6 and s.llm.context == 4096


def test_old_flat_names_still_read_with_a_warning_naming_the_new_one(clean_env, monkeypatch):
    monkeypatch.setenv("NEWSQA_TOP_K", "7")
    with pytest.warns(FutureWarning, match="NEWSQA_RETRIEVAL__TOP_K"):
        assert Settings().retrieval.top_k == 7
    monkeypatch.delenv("NEWSQA_TOP_K")
    clean_env.write_text('llm_backend = "ollama"\n')
    with pytest.warns(FutureWarning, match=r"\[llm\] backend"):
        assert Settings().llm.backend == "ollama"
    # The new spelling wins over the old one wherever each is written.
    monkeypatch.setenv("NEWSQA_LLM__BACKEND", "openai_like")
    with pytest.warns(FutureWarning):
        assert Settings().llm.backend == "openai_like"


def test_one_old_name_sets_both_embedding_thread_counts(clean_env, monkeypatch):
    # Indexing from the command line has the cores; inside the app the LLM shares them.
    assert IndexSettings().embed_threads() == 2 and Settings().embed_threads() == 1
    monkeypatch.setenv("NEWSQA_EMBED_THREADS", "3")
    with pytest.warns(
        FutureWarning, match="NEWSQA_EMBED__BUILD_THREADS and NEWSQA_EMBED__QUERY_THREADS"
    ):
        s = Settings()
    assert (s.embed.build_threads, s.embed.query_threads) == (3, 3)


def test_a_misspelt_or_invalid_setting_is_an_error_naming_it(clean_env, monkeypatch):
    clean_env.write_text("[retrieval]\ntopk = 6\n")
    with pytest.raises(SettingsError, match=r"retrieval\.topk \(NEWSQA_RETRIEVAL__TOPK\)"):
        Settings()
    clean_env.write_text("")
    monkeypatch.setenv("NEWSQA_LLM__THREADS", "many")
    with pytest.raises(SettingsError, match=r"llm\.threads"):
        Settings()


def test_updated_copies_change_one_field_of_a_section_only(clean_env):
    s = Settings()
    other = s.updated(embed={"model": "all-MiniLM-L6-v2"}, index_dir="elsewhere")
    assert other.embed.model == "all-MiniLM-L6-v2" and other.embed.batch_size == 32
    assert s.embed.model == "all-MiniLM-L6-v2-int8"
    other.index.backend = "milvus"  # the copy's sections are its own
    assert s.index.backend == "local"


def test_a_profile_gives_values_under_the_ones_set_and_config_names_it(
    clean_env, monkeypatch, capsys
):
    from ui.cli import main

    # The default profile has no benchmark rule on; multihop-rag turns its rules on.
    assert Settings().profile == "readers" and not Settings().joining.entity_pick
    mh = Settings(profile="multihop-rag")
    assert (mh.joining.entity_pick, mh.joining.verdict_on_articles, mh.joining.second_look) == (
        True,
        True,
        False,
    )
    # A value set anywhere (file, environment, arguments) wins over the profile's, and the
    # section's other fields keep the profile's.
    clean_env.write_text('profile = "multihop-rag"\n[joining]\nsecond_look = true\n')
    s = Settings()
    assert s.joining.second_look and s.joining.entity_pick
    assert not Settings(joining={"entity_pick": False}).joining.entity_pick
    assert main(["config"]) == 0
    out = capsys.readouterr().out
    assert "entity_pick = true  # profile multihop-rag" in out
    assert f"second_look = true  # {clean_env}" in out
    clean_env.write_text('profile = "hotpot"\n')
    with pytest.raises(SettingsError, match=r"profile.*'readers' or 'multihop-rag'"):
        Settings()


def test_config_command_prints_each_value_and_where_it_came_from(clean_env, monkeypatch, capsys):
    import tomllib

    from ui.cli import main

    clean_env.write_text("[retrieval]\ntop_k = 6\n")
    monkeypatch.setenv("NEWSQA_LLM__THREADS", "1")
    monkeypatch.setenv("NEWSQA_EVIDENCE_SENTENCES", "12")
    monkeypatch.setenv("NEWSQA_MILVUS__TOKEN", "s3cret")
    with pytest.warns(FutureWarning):
        assert main(["config"]) == 0
    out = capsys.readouterr().out
    assert "top_k = 6  # " + str(clean_env) in out
    assert "threads = 1  # NEWSQA_LLM__THREADS" in out
    assert "evidence_sentences = 12  # NEWSQA_EVIDENCE_SENTENCES (old name)" in out
    assert "second_look_below = -0.5  # default" in out
    assert "s3cret" not in out
    # Every tuned value says what it does and the bench it came from.
    assert "bench/second_look_threshold.py" in out
    # The output is TOML a user can paste back.
    pasted = tomllib.loads(out)
    assert pasted["retrieval"]["top_k"] == 6 and pasted["answer"]["quote_min_score"] == 1.4

    with pytest.warns(FutureWarning):
        assert main(["config", "--json"]) == 0
    rows = {r["path"]: r for r in map(json.loads, capsys.readouterr().out.splitlines())}
    assert rows["retrieval.top_k"]["origin"] == str(clean_env)
    assert rows["data_dir"]["origin"] == "default"


def test_the_cli_reports_a_bad_setting_as_one_line(clean_env, monkeypatch, capsys):
    from ui.cli import main

    monkeypatch.setenv("NEWSQA_INDEX__BACKEND", "sqlite")
    assert main(["config"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: settings") and "index.backend" in err
    assert "Traceback" not in err
