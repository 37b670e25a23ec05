"""Evidence for a question that names things comes from documents that name them."""

from __future__ import annotations

import re

from bot.evidence import _on_subject, _own_clauses
from bot.names import Name
from index.records import Chunk, ScoredChunk

US = Name("United States", "place", ("United States", "US", "American"))


def unit(doc: str, text: str, n: int, kind: str = "sentence") -> Chunk:
    return Chunk(f"{doc}-{kind}-{n}", text, doc, f"{doc} report", "policy", kind, position=n)


class Passages:
    """The one retriever method the filter uses, over a fixed list of passages."""

    def __init__(self, *passages: Chunk) -> None:
        self.passages = passages

    def passages_with_words(self, forms):
        def words(text: str) -> set[str]:
            return set(re.findall(r"[a-z]+", text.lower()))

        return [p for p in self.passages if any(words(f) <= words(p.text) for f in forms)]


def scored(chunk: Chunk, score: float) -> ScoredChunk:
    return ScoredChunk(chunk, score, score, 0.0)


def test_sentences_of_documents_that_never_name_the_asked_place_are_left_out():
    other = unit("valdoria", "The Clean Industry Act grants credits for local parts.", 1)
    ours = unit("seed", "Europe is pursuing similar strategies.", 2)  # its paragraph names the US
    retriever = Passages(
        unit("seed", "The United States imposed tariffs. Europe is pursuing similar.", 0, "p"),
        unit("valdoria", "The Clean Industry Act grants credits for local parts.", 0, "p"),
    )
    kept = _on_subject([scored(other, 0.55), scored(ours, 0.40)], [US], retriever)
    assert [h.chunk.id for h in kept] == [ours.id]


def test_words_of_a_name_apart_do_not_count_as_naming_it():
    # "lithium" and "ion" in one passage are not "lithium-ion"
    li_ion = Name("lithium-ion batteries", "material", ("lithium-ion", "Li-ion"))
    apart = unit("other", "Sodium ion cells and lithium mines.", 1)
    ours = unit("seed", "Japan pioneered lithium-ion technology.", 2)
    retriever = Passages(
        unit("other", "sodium ion cells and lithium mines.", 0, "p"),
        unit("seed", "japan pioneered lithium-ion technology.", 0, "p"),
    )
    kept = _on_subject([scored(apart, 0.6), scored(ours, 0.5)], [li_ion], retriever)
    assert [h.chunk.id for h in kept] == [ours.id]


def test_when_no_document_names_them_the_best_sentences_stay():
    other = unit("valdoria", "The Clean Industry Act grants credits.", 1)
    retriever = Passages(unit("valdoria", "The Clean Industry Act grants credits.", 0, "p"))
    assert _on_subject([scored(other, 0.5)], [US], retriever) == (scored(other, 0.5),)


def test_a_pronoun_led_sentence_refers_back_to_the_sentences_before_it():
    from bot.evidence import REFERENT_SENTENCES, referent
    from index.records import Chunk

    texts = [
        "CATL opened a plant in Arnstadt.",
        "It is now building one in Debrecen.",
        "Its capacity is 100 GWh.",
        "They say more will follow.",
        "Hungary welcomed it.",
    ]
    units = [
        Chunk(f"s{i}", t, "doc", "A report", "plants", "sentence", position=i)
        for i, t in enumerate(texts)
    ]

    class Sentences:
        @staticmethod
        def sentence_before(unit):
            return units[unit.position - 1] if unit.position else None

    assert referent(Sentences, units[1]) == texts[0]
    assert referent(Sentences, units[2]) == " ".join(texts[:2])  # "Its" -> "It" -> CATL
    assert REFERENT_SENTENCES == 2 and referent(Sentences, units[3]) == " ".join(texts[1:3])
    assert referent(Sentences, units[4]) == ""  # opens with a name: refers to nothing before
    assert referent(object(), units[1]) == ""  # a retriever that cannot say: no referent


class Sentences:
    """The retriever's vocabulary and sentences, over a fixed list."""

    def __init__(self, *texts: str) -> None:
        self.sentences = tuple(unit("doc", t, i) for i, t in enumerate(texts))

    def knows(self, word: str) -> bool:
        return any(word.lower() in s.text.lower().split() for s in self.sentences)


def test_an_acronym_the_corpus_never_uses_is_searched_under_its_spelling():
    from bot.evidence import _spelled_out

    corpus = Sentences(
        "Funding goes to research and development of cells.",
        "More Research and Development money is due next year.",
        "Rare deposits are mined elsewhere.",
    )
    rd, jv, iea = (Name(n, "name", (n,)) for n in ("R&D", "JVs", "IEA"))
    spelled = _spelled_out(corpus, [rd, jv, iea])
    assert spelled[0].forms == ("R&D", "research and development")
    assert spelled[1:] == (jv, iea)  # nothing spells them out: searched as written
    # an acronym the corpus uses as such is not spelled out
    known = Sentences("The IEA report says research and development matters.", "R&D rose.")
    assert _spelled_out(known, [Name("IEA", "name", ("IEA",))])[0].forms == ("IEA",)


def test_a_name_typed_in_a_form_no_sentence_uses_is_searched_under_its_adjective_too():
    from bot.evidence import adjectives_for, search_text

    def searched(question, name, knows):
        return search_text(question, [name], adjectives_for(question, [name], knows))

    corpus = Sentences("China leads.", "Chinese firms such as CATL grew.")
    china = Name("China", "place", ("China", "Chinese", "PRC", "Beijing", "mainland China"))
    assert searched("PRC cell makers?", china, corpus.knows) == "PRC cell makers? (China, Chinese)"
    # typed as the corpus writes it: only the usual name joins, as before
    assert searched("china's makers?", china, corpus.knows) == "china's makers?"
    assert search_text("Beijing's makers?", [china]) == "Beijing's makers? (China)"
    # other forms than the adjective are not added
    china_only = Name("China", "place", ("China", "Chinese", "PRC"))
    assert searched("PRC?", china_only, lambda f: f == "China") == "PRC? (China)"


def test_a_question_calling_a_country_otherwise_finds_the_sentence_on_its_firms(chain):
    answer = chain.answer("names of the PRC cell makers in the doc, bullet list pls")
    assert "CATL" in answer.text


def test_a_question_with_an_acronym_finds_the_sentence_that_spells_it_out(chain):
    answer = chain.answer("what does the doc say about R&D money in china?")
    assert not answer.abstained
    assert "research and development" in answer.text.split(" [")[0]


def test_a_later_part_that_refers_back_is_searched_with_what_the_first_part_says(chain):
    query = chain.understand(
        "trade barriers: who's putting them up, and how are asian firms getting around them?", []
    )
    first, second = chain.gather(query).parts
    assert "trade barriers" in second.query
    assert any("joint ventures" in h.chunk.text for h in second.ranked[:3])
    assert "trade barriers" in first.query  # the first part is searched as asked


def test_a_part_that_names_nothing_is_not_searched_with_another_parts_names(chain):
    # "who's slapping tariffs" is not about Korea because the next part is
    query = chain.understand(
        "who's slapping tariffs on whom, and how are korean firms dodging trade barriers?", []
    )
    first, second = chain.gather(query).parts
    assert "Korea" not in first.query and "Korea" in second.query
    assert "imposed tariffs" in first.ranked[0].chunk.text
    answer = chain.answer(
        "who's slapping tariffs on whom, and how are korean firms dodging trade barriers?"
    )
    assert "United States has imposed tariffs" in answer.text


def test_a_section_about_a_country_inside_the_asked_continent_is_not_elsewhere(chain):
    # the Korea section's sentence on overseas mining answers a question about Asia's countries
    answer = chain.answer("how do the asian countries each secure their lithium? all of them")
    assert "long-term contracts" in answer.text
    assert "overseas investments in mining" in answer.text


KOREA = Name("South Korea", "place", ("South Korea", "Korea", "Korean"))
JAPAN = Name("Japan", "place", ("Japan", "Japanese"))


def test_each_side_of_a_versus_question_is_asked_its_own_clause():
    q = "what does korea focus on product-wise vs what japan's strategy emphasises?"
    assert _own_clauses(q, [KOREA, JAPAN]) == {
        "South Korea": "what does korea focus on product-wise",
        "Japan": "what japan's strategy emphasises?",
    }
    # the same asked of both sides, or a side opposed rather than asked about: no clauses
    assert _own_clauses("korea vs japan - what is each one's specialty?", [KOREA, JAPAN]) == {}
    assert _own_clauses("list the moves korea has made vs japanese cells", [KOREA, JAPAN]) == {}


def test_a_versus_question_answers_each_side_from_its_own_clause(chain):
    answer = chain.answer(
        "what does korea focus on product-wise vs what japan's strategy emphasises?"
    )
    assert "high-energy-density" in answer.text and "quality and reliability" in answer.text
