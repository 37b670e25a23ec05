"""Faults at the edges: Chroma server down and back, LLM endpoint failing, bad corpus edits."""

from __future__ import annotations

import shutil
import time

import pytest
from click.testing import CliRunner

from bot.errors import BackendUnavailable
from tests.fakes.openai_server import FakeOpenAIServer
from tests.reliability.conftest import build, copy_corpus, make_settings, open_chain

KOREA = "Which companies lead South Korea's battery industry?"


@pytest.mark.integration
def test_chroma_server_down_mid_conversation_then_back(tmp_path, chroma_server, embeddings):
    from bot.records import Turn

    settings = make_settings(
        tmp_path, copy_corpus(tmp_path), chroma_host="127.0.0.1", chroma_port=chroma_server.port
    )
    build(settings, embeddings)
    chain = open_chain(settings, embeddings)
    first = chain.answer(KOREA)
    assert not first.abstained and "LG Energy Solution" in first.text
    history = (Turn("user", KOREA), Turn("assistant", first.text))

    chroma_server.stop()
    for _ in range(2):  # repeated failures stay clean; nothing hangs or crashes
        with pytest.raises(BackendUnavailable) as raised:
            chain.answer("And what about Japan's battery makers?", history)
        assert "unavailable" in str(raised.value).lower()
    assert chain.answer("").abstained  # questions that need no search still work

    chroma_server.start()  # same port, same data path
    again = chain.answer("And what about Japan's battery makers?", history)
    assert not again.abstained and "Panasonic" in again.text


@pytest.fixture
def fake_llm():
    with FakeOpenAIServer(model="fake-model", slow_s=1.5) as server:
        yield server


@pytest.mark.integration
@pytest.mark.parametrize("mode", ["slow", "error", "garbage", "invalid_json"])
def test_llm_faults_fall_back_to_extractive_with_a_note(indexed, embeddings, fake_llm, mode):
    from bot.llm import make_llm_generator

    settings = indexed.model_copy(
        update={
            "generator": "llm",
            "llm_base_url": fake_llm.base_url,
            "llm_model": "fake-model",
            "llm_timeout_s": 1.0,
        }
    )
    chain = open_chain(settings, embeddings, llm=make_llm_generator(settings))
    fake_llm.set_mode(mode)
    started = time.perf_counter()
    answer = chain.answer(KOREA)
    assert time.perf_counter() - started < 10  # the timeout bounds a slow endpoint
    assert fake_llm.requests, "the chain did try the endpoint"
    assert answer.generator == "extractive"
    assert answer.notes and "extractively" in answer.notes[0]
    assert not answer.abstained and "LG Energy Solution" in answer.text and answer.citations


def _run_cli(args, settings):
    from bot.cli import main

    env = {
        "BATTERYBOT_CORPUS_DIR": str(settings.corpus_dir),
        "BATTERYBOT_DATA_DIR": str(settings.data_dir),
        "BATTERYBOT_COLLECTION": settings.collection,
    }
    return CliRunner().invoke(main, args, env=env)


def test_corrupt_corpus_is_rejected_with_locations_and_the_index_keeps_serving(
    tmp_path, indexed, chain
):
    from index.store import make_client, read_manifest

    bad = tmp_path / "corpus"
    shutil.copytree(indexed.corpus_dir, bad)
    facts = bad / "facts" / "south_korea.yaml"
    facts.write_text(facts.read_text().replace('quote: "', 'quote: "Korea invented fire. ', 1))
    (bad / "documents" / "broken.md").write_text("---\nid: broken\ntitle: [unclosed\n---\nHi\n")
    (bad / "documents" / "binary.md").write_bytes(b"\xff\xfe\x00garbage\x00")
    settings = indexed.model_copy(update={"corpus_dir": bad})

    client = make_client(indexed.chroma_dir, None, 0)
    before = read_manifest(client, indexed.collection)

    check = _run_cli(["corpus", "check"], settings)
    assert check.exit_code == 1
    assert f"{facts}:7: quote not found verbatim" in check.output
    assert f"{bad / 'documents' / 'broken.md'}:3:" in check.output
    assert "binary.md" in check.output

    built = _run_cli(["index", "build"], settings)
    assert built.exit_code == 1
    assert f"{facts}:7:" in built.output and "Traceback" not in built.output
    assert read_manifest(client, indexed.collection) == before
    assert "LG Energy Solution" in chain.answer(KOREA).text
