"""A new document's own names, typed in lower case, are names: no gazetteer entry needed."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import Settings


@pytest.fixture(scope="module")
def second_doc_chain(tmp_path_factory: pytest.TempPathFactory):
    from benchmarks.bench_second_doc import corpus_with_second_doc
    from bot.chain import AnswerChain
    from bot.indexing import build_index_from_settings

    root: Path = tmp_path_factory.mktemp("second-doc")
    corpus_dir = corpus_with_second_doc(root / "corpus")
    settings = Settings(
        _env_file=None, corpus_dir=corpus_dir, data_dir=root / "data", generator="extractive"
    )
    build_index_from_settings(settings)
    return AnswerChain.from_settings(settings, "extractive")


def test_a_lower_case_name_of_the_new_document_is_read_as_its_name(second_doc_chain):
    query = second_doc_chain.understand("what are tsingshan and imip up to?")
    names = [n.name for n in second_doc_chain.gather(query).names]
    assert "Tsingshan" in names and "IMIP" in names
    # a common word the document happens to capitalise is no name ("Industrial Park")
    query = second_doc_chain.understand("which industrial parks are there?")
    assert second_doc_chain.gather(query).names == ()


def test_a_figure_of_a_name_typed_in_lower_case_is_refused_as_when_capitalised(
    second_doc_chain,
):
    typed = second_doc_chain.answer("whats tsingshan's revenue?")
    capitalised = second_doc_chain.answer("whats Tsingshan's revenue?")
    assert capitalised.abstained and capitalised.reason.startswith("answer_type")
    assert typed.abstained and typed.reason == capitalised.reason, typed.text
