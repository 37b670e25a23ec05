"""The refusal checks as plain functions over hand-made evidence (no index, no model)."""

from __future__ import annotations

import pytest

from bot import decide, messages
from bot.evidence import Evidence
from bot.intent import read_intent
from bot.names import Name
from index.records import Chunk, ScoredChunk


def hit(text: str, dense: float, anchor: str = "china", n: int = 0) -> ScoredChunk:
    unit = Chunk(f"s{n}", text, "doc", "A report", anchor, "sentence", position=n)
    return ScoredChunk(unit, dense, dense, 0.0)


def no_paraphrase(word: str, words) -> float:
    return 0.0  # only literal matches count


def evidence(query: str, *hits: ScoredChunk, names=()) -> Evidence:
    return Evidence(query, tuple(names), tuple(hits))


CHINA = Name("China", "place", ("China", "Chinese"))


def test_an_off_topic_question_is_refused_by_similarity_with_its_value():
    q = "What's the capital of France?"
    verdict = decide.after_retrieval(q, read_intent(q), evidence(q, hit("China leads.", 0.05)))
    assert verdict.final and verdict.message == messages.NOT_COVERED
    assert verdict.reason == f"relevance: best similarity 0.05 < {decide.MIN_RELEVANCE}"


def test_relevance_is_the_closest_sentence_found_not_the_best_ranked():
    # the best-ranked sentence leads on shared keywords; a sentence further down is closer
    # in meaning, and that is what says the corpus speaks to the question
    q = "does brussels copy the american playbook?"
    keyword_led = ScoredChunk(hit("The US imposed tariffs.", 0.12).chunk, 0.40, 0.12, 0.7)
    close = hit("Europe is pursuing similar strategies.", 0.19, n=1)
    verdict = decide.after_retrieval(q, read_intent(q), evidence(q, keyword_led, close))
    assert not verdict.final
    assert verdict.reason == "relevance: best similarity 0.19"


def test_a_name_missing_from_the_retrieved_passages_is_refused():
    q = "What is Northvolt doing?"
    northvolt = Name("Northvolt", "name", ("Northvolt",))
    found = evidence(q, hit("China leads battery making.", 0.5), names=[northvolt])
    verdict = decide.after_retrieval(q, read_intent(q), found)
    assert verdict.final and verdict.reason.startswith("named_things:")
    assert "Northvolt" not in verdict.message  # the reply never echoes the question


def test_a_figure_missing_from_the_retrieved_passages_is_refused():
    q = "Is the US tariff 25%?"
    found = evidence(q, hit("The US imposed tariffs.", 0.6))
    verdict = decide.after_retrieval(q, read_intent(q), found)
    assert verdict.final and verdict.message == messages.NO_SUCH_FIGURE


@pytest.mark.parametrize(
    ("question", "refused"),
    [
        ("Is China's share above 50 percent?", False),  # a bar the corpus's figure settles
        ("does China run more than 60% of the plants?", False),
        ("is China's share 50 percent, like I heard?", True),  # a value the corpus must give
        ("how much did China spend over 10 yrs?", True),  # a period, not a bar
        ("1) what share does China run 2) how much is that?", False),  # items, not figures
        ("(1) China's share (2) Korea's?", False),
    ],
)
def test_a_figure_a_question_compares_against_need_not_be_in_the_passages(question, refused):
    found = evidence(question, hit("China alone operates over 70% of the facilities.", 0.6))
    assert decide.after_retrieval(question, read_intent(question), found).final is refused


@pytest.mark.parametrize(
    ("guess", "refused"),
    [("3", False), ("4", True)],
)
def test_a_count_the_passages_give_by_listing_is_a_known_figure(guess, refused):
    q = f"which chinese battery firms get named? think there were {guess}"
    firms = hit("Chinese firms such as CATL, BYD, and SVOLT have expanded rapidly.", 0.6)
    verdict = decide.after_retrieval(q, read_intent(q), evidence(q, firms, names=[CHINA]))
    assert verdict.final is refused


def test_an_acronym_the_passages_spell_out_is_mentioned():
    q = "korean JVs vs the US IRA, how do they differ?"
    jvs = Name("JVs", "name", ("JVs", "JV"))
    found = evidence(
        q, hit("Korean firms set up joint ventures with automakers.", 0.6), names=[jvs]
    )
    assert not decide.after_retrieval(q, read_intent(q), found).final
    other = evidence(q, hit("Korean firms set up plants with automakers.", 0.6), names=[jvs])
    assert decide.after_retrieval(q, read_intent(q), other).reason.startswith("named_things:")


def test_figures_offered_as_alternatives_need_one_known():
    q = "is the plan the 2030 one or the 2025 one?"
    found = evidence(q, hit("The Made in China 2025 plan prioritizes batteries.", 0.6))
    assert not decide.after_retrieval(q, read_intent(q), found).final
    q = "is the tariff 25% or 50%?"
    found = evidence(q, hit("The US imposed tariffs.", 0.6))
    assert decide.after_retrieval(q, read_intent(q), found).final


def test_a_known_name_and_figure_go_on():
    q = "Does China run 70% of factories?"
    found = evidence(q, hit("China runs over 70% of factories.", 0.7), names=[CHINA])
    assert not decide.after_retrieval(q, read_intent(q), found).final


def test_a_date_question_without_a_dated_sentence_about_its_subject_says_so():
    q = "When was CATL founded?"
    catl = Name("CATL", "company", ("CATL",))
    chosen = [hit("CATL expanded rapidly.", 0.5), hit("The Made in 2025 plan.", 0.4, n=1)]
    verdict = decide.after_selection(q, read_intent(q), chosen, [catl], no_paraphrase)
    assert verdict.final and verdict.lacks == "date" and verdict.message == messages.NO_DATE


@pytest.mark.parametrize(
    ("sentence", "said"),
    [
        ("Chinese firms such as CATL, BYD, and SVOLT have expanded rapidly.", False),
        ("SVOLT operates its largest plant in Changzhou.", True),
    ],
)
def test_a_place_question_is_answered_only_by_a_sentence_that_says_where(sentence, said):
    q = "where's SVOLT's biggest plant located?"
    svolt = Name("SVOLT", "company", ("SVOLT",))
    verdict = decide.after_selection(
        q, read_intent(q), [hit(sentence, 0.6)], [svolt], no_paraphrase
    )
    assert verdict.final is not said
    if not said:
        assert verdict.lacks == "place" and verdict.message == messages.NO_PLACE


@pytest.mark.parametrize(
    ("question", "answered"),
    [
        ("how many gigafactories does china have? exact count pls", False),  # a count of things
        ("how many of the world's battery plants are in china?", True),  # a portion
    ],
)
def test_a_percentage_answers_a_portion_but_is_no_count(question, answered):
    chosen = [
        hit("China alone operates over 70% of the world's battery plants and gigafactories.", 0.8)
    ]
    verdict = decide.after_selection(
        question, read_intent(question), chosen, [CHINA], no_paraphrase
    )
    assert verdict.final is not answered


def test_who_runs_a_named_body_is_answered_by_a_person_not_a_place():
    q = "who's currently running the european battery alliance?"
    eba = Name("European Battery Alliance", "policy", ("European Battery Alliance",))
    chosen = [
        hit("Europe is pursuing similar strategies, with the European Battery Alliance.", 0.6)
    ]
    verdict = decide.after_selection(q, read_intent(q), chosen, [eba], no_paraphrase)
    assert verdict.final and verdict.message == messages.NO_PERSON


def test_a_quantity_question_answers_in_words_when_its_topic_is_met():
    q = "How much of global production capacity does China account for?"
    chosen = [hit("China accounts for the majority of global production capacity.", 0.8)]
    verdict = decide.after_selection(q, read_intent(q), chosen, [CHINA], no_paraphrase)
    assert not verdict.final and verdict.lacks == "figure"


def test_a_quantity_in_words_must_come_from_a_sentence_about_the_asked_firm():
    q = "whats LG Energy Solution's US market share rn?"
    lg = Name("LG Energy Solution", "company", ("LG Energy Solution",))
    us = Name("United States", "place", ("United States", "US"))
    assert read_intent(q).asks_for == "quantity"
    chosen = [hit("Tariffs shrank the US market share of imported cells.", 0.8, anchor="us")]
    verdict = decide.after_selection(q, read_intent(q), chosen, [lg, us], no_paraphrase)
    assert verdict.final and verdict.message == messages.NO_FIGURE
    about = [hit("LG Energy Solution holds a large US market share.", 0.8, anchor="us")]
    verdict = decide.after_selection(q, read_intent(q), about, [lg, us], no_paraphrase)
    assert not verdict.final and verdict.lacks == "figure"


def test_a_quantity_question_about_something_unmentioned_is_refused():
    q = "How many people work in China's battery industry?"
    chosen = [hit("China leads the battery industry.", 0.8)]
    verdict = decide.after_selection(q, read_intent(q), chosen, [CHINA], no_paraphrase)
    assert verdict.final and verdict.message == messages.NO_FIGURE
    assert "people" not in verdict.message


def test_a_date_in_a_sentence_whose_document_is_about_the_subject_answers():
    q = "When did Indonesia ban nickel ore exports?"
    indonesia = Name("Indonesia", "place", ("Indonesia",))
    unit = Chunk(
        "s0", "The ban took effect in January 2020.", "doc", "Indonesia's Nickel", "ban", "sentence"
    )
    chosen = [ScoredChunk(unit, 0.7, 0.7, 0.0)]
    assert not decide.after_selection(q, read_intent(q), chosen, [indonesia], no_paraphrase).final
    elsewhere = [hit("The ban took effect in January 2020.", 0.7)]  # "A report", section china
    verdict = decide.after_selection(q, read_intent(q), elsewhere, [indonesia], no_paraphrase)
    assert verdict.final and verdict.lacks == "date"


@pytest.mark.parametrize(
    ("q", "name", "lacking", "carrying", "lacks"),
    [
        # a figure about another firm does not answer
        (
            "how many GWh does Panasonic produce a year?",
            Name("Panasonic", "company", ("Panasonic",)),
            "Hyundai and LG opened a plant with 10 GWh a year of capacity.",
            "Panasonic produces 50 GWh a year.",
            "figure",
        ),
        # a year that is part of the asked thing's name dates nothing
        (
            "when was made in china 2025 first rolled out?",
            Name("Made in China 2025", "policy", ("Made in China 2025",)),
            "Initiatives like the Made in China 2025 plan prioritize batteries.",
            "The Made in China 2025 plan was launched in 2015.",
            "date",
        ),
    ],
)
def test_only_a_figure_or_date_of_the_asked_thing_answers(q, name, lacking, carrying, lacks):
    verdict = decide.after_selection(q, read_intent(q), [hit(lacking, 0.6)], [name], no_paraphrase)
    assert verdict.final and verdict.lacks == lacks
    answered = decide.after_selection(
        q, read_intent(q), [hit(carrying, 0.6)], [name], no_paraphrase
    )
    assert not answered.final


def test_a_year_is_not_the_rate_a_question_asks_for():
    q = "What export tax rate does China charge on battery cells?"
    dated = [hit("China banned exports of battery cells in 2020.", 0.8)]
    verdict = decide.after_selection(q, read_intent(q), dated, [CHINA], no_paraphrase)
    assert verdict.final and verdict.lacks == "figure"
    rated = [hit("China charges a 10% export tax rate on battery cells since 2020.", 0.8)]
    assert not decide.after_selection(q, read_intent(q), rated, [CHINA], no_paraphrase).final


KOREA = Name("South Korea", "place", ("South Korea", "Korean"))
GIANTS = "South Korea's industry is led by giants like LG Energy Solution, Samsung SDI, and SK On."


def test_a_listing_counts_the_things_a_question_asks_the_source_to_count():
    q = "how many korean battery giants does the doc name?"
    listed = [hit(GIANTS, 0.8)]
    assert not decide.after_selection(q, read_intent(q), listed, [KOREA], no_paraphrase).final
    # the class word must introduce the items: giants mentioned, but nothing listed after them
    unlisted = [hit("South Korea's giants lead the industry, and exports are growing.", 0.8)]
    verdict = decide.after_selection(q, read_intent(q), unlisted, [KOREA], no_paraphrase)
    assert verdict.final and verdict.lacks == "figure"


def test_a_source_count_is_answered_by_a_listing_under_another_class_word():
    q = "how many korean battery players does the doc actually name?"
    listed = [hit("South Korea is a key battery player through companies like A1 and B2.", 0.8)]
    assert not decide.after_selection(q, read_intent(q), listed, [KOREA], no_paraphrase).final
    # ...when the sentence speaks of what is counted: a listing of something else is no count
    other = [hit("South Korea imports metals like lithium and nickel.", 0.8)]
    verdict = decide.after_selection(q, read_intent(q), other, [KOREA], no_paraphrase)
    assert verdict.final and verdict.lacks == "figure"


@pytest.mark.parametrize(
    "q",
    [
        "how many korean battery giants are named?",
        "how many korean battery giants are listed?",
        "how many korean battery giants are cited?",
    ],
)
def test_naming_listing_or_citing_counts_what_the_source_names(q):
    listed = [hit(GIANTS, 0.8)]
    assert not decide.after_selection(q, read_intent(q), listed, [KOREA], no_paraphrase).final


def test_examples_of_a_class_do_not_count_it_in_the_world():
    q = "how many battery giants are there in South Korea?"
    verdict = decide.after_selection(q, read_intent(q), [hit(GIANTS, 0.8)], [KOREA], no_paraphrase)
    assert verdict.final and verdict.lacks == "figure"


FACTORIES = "China alone operates over 70% of the world's factories."


@pytest.mark.parametrize(
    ("answered", "refused"),
    [
        # a figure the question quotes is asked of; one the sentence does not give is not
        (
            "that 70% stat - is it china's share of plants or of something else?",
            "that 60% stat - is it china's share of plants or of something else?",
        ),
        # a generic unit ("numbers") leaves the rest of the question to say what is measured
        (
            "What are China's numbers - its share of the world's factories?",
            "What are China's numbers - its share of lithium refining?",
        ),
    ],
)
def test_a_figure_answers_a_quantity_question_on_what_it_measures(answered, refused):
    def verdict(q):
        chosen = [hit(FACTORIES, 0.7)]
        return decide.after_selection(q, read_intent(q), chosen, [CHINA], no_paraphrase)

    assert not verdict(answered).final
    assert verdict(refused).final and verdict(refused).lacks == "figure"


PLACES = [Name(p, "place", (p,)) for p in ("Australia", "South America", "Africa", "Europe")]
INVESTED = "China has invested in Australia, South America, and Africa."


def test_a_count_of_the_world_is_answered_by_the_things_a_sentence_names():
    q = "how many regions has china put money into?"
    chosen = [hit(INVESTED, 0.8)]
    verdict = decide.after_selection(
        q, read_intent(q), chosen, [CHINA], no_paraphrase, members=PLACES
    )
    assert not verdict.final
    # without the members of the counted kind, the sentence carries no figure
    verdict = decide.after_selection(q, read_intent(q), chosen, [CHINA], no_paraphrase)
    assert verdict.final and verdict.lacks == "figure"


def test_a_presupposed_clause_no_sentence_states_is_a_rejected_premise():
    q = "Why did Japan overtake China in production capacity?"
    japan = Name("Japan", "place", ("Japan",))
    chosen = [hit("Japan faces challenges in scaling production compared to China.", 0.6)]
    verdict = decide.after_selection(q, read_intent(q), chosen, [japan, CHINA], no_paraphrase)
    assert verdict.premise_rejected and verdict.reason.startswith("premise:")


def test_a_clause_in_words_the_corpus_never_writes_is_not_checked():
    # "since tokyo cant match the others on volume" paraphrases; it is not taken as contradicted
    q = "since tokyo cant match the others on volume, what approach does it take?"
    chosen = [hit("Japan faces challenges in scaling production, leading to a niche.", 0.6)]
    corpus = {"japan", "faces", "challenges", "scaling", "production", "capacity", "niche", "china"}
    verdict = decide.after_selection(
        q, read_intent(q), chosen, [], no_paraphrase, knows=lambda w: w.lower() in corpus
    )
    assert not verdict.premise_rejected and verdict.reason.endswith("not checked")
    # a false premise restates the corpus and changes one thing: it is checked
    q = "Why did Japan overtake China in production capacity?"
    japan = Name("Japan", "place", ("Japan",))
    verdict = decide.after_selection(
        q,
        read_intent(q),
        chosen,
        [japan, CHINA],
        no_paraphrase,
        knows=lambda w: w.lower() in corpus,
    )
    assert verdict.premise_rejected


def test_a_presupposed_clause_a_sentence_states_is_accepted():
    q = "Why is China the undisputed leader in battery manufacturing?"
    chosen = [hit("China is the undisputed leader in battery manufacturing.", 0.9)]
    verdict = decide.after_selection(q, read_intent(q), chosen, [CHINA], no_paraphrase)
    assert not verdict.premise_rejected and not verdict.final


def test_a_close_word_counts_as_met():
    def close(word, words):
        return 0.9 if word.startswith("carmak") and "automakers" in words else 0.0

    met = decide.topic_met(
        "firms partner with carmakers", ["joint ventures with automakers"], [], close
    )
    assert met > 0


def test_a_word_is_compared_as_typed_not_as_its_stem():
    # "cutt", the stem of "cutting", is no word the embedding model knows
    def close(word, words):
        return 0.9 if word == "cutting" and "reducing" in words else 0.0

    assert decide.topic_met("cutting cobalt", ["reducing cobalt content"], [], close) == 1.0


def test_a_compound_meets_each_of_its_parts():
    met = decide.topic_met("niche approach", ["a niche-focused approach"], [], no_paraphrase)
    assert met == 1.0


def test_a_percentage_figure_meets_the_word_percentage():
    # "as a percentage?" names only its unit, which a "%" figure is given in
    q = "PRC slice of the world's cell plants as a percentage?"
    chosen = [hit(FACTORIES, 0.7)]
    assert not decide.after_selection(q, read_intent(q), chosen, [CHINA], no_paraphrase).final
    assert decide.topic_met("percentage", ["a 25 percent tariff"], [], no_paraphrase) == 1.0
    assert decide.topic_met("percentage", ["tariffs of 25"], [], no_paraphrase) == 0.0


def test_an_agent_noun_meets_its_verb():
    # "how many people work at IMIP?" is answered by "...employs more than 80,000 workers"
    q = "How many people work at IMIP?"
    imip = Name("IMIP", "name", ("IMIP",))
    chosen = [hit("IMIP alone employs more than 80,000 workers and runs its own ports.", 0.8)]
    assert not decide.after_selection(q, read_intent(q), chosen, [imip], no_paraphrase).final
    assert decide.topic_met("who invest", ["investors arrived"], [], no_paraphrase) == 1.0
    assert decide.topic_met("who bank", ["bankruptcy arrived"], [], no_paraphrase) == 0.0


def test_a_pronoun_led_sentence_is_about_what_the_sentence_before_it_names():
    q = "how many GWh is CATL planning for the Debrecen plant?"
    catl = Name("CATL", "company", ("CATL",))
    chosen = [
        hit("It is now building a plant in Debrecen with a planned capacity of 100 GWh.", 0.6)
    ]
    alone = decide.after_selection(q, read_intent(q), chosen, [catl], no_paraphrase)
    assert alone.final and alone.lacks == "figure"  # on its own, the figure is about "It"
    before = {"s0": "CATL began producing cells in 2022 at its plant in Arnstadt."}
    verdict = decide.after_selection(
        q, read_intent(q), chosen, [catl], no_paraphrase, referent=lambda u: before[u.id]
    )
    assert not verdict.final


def test_a_who_question_a_country_may_answer_is_answered_by_one():
    q = "who are the leaders in battery manufacturing?"
    lead = [hit("China is the undisputed leader in battery manufacturing.", 0.7)]
    is_entity = lambda span: span == "China"  # noqa: E731 - the gazetteer, in one line
    assert not decide.after_selection(q, read_intent(q), lead, [], no_paraphrase, is_entity).final
    q = "who is the CEO of CATL?"  # a role only a person fills
    catl = Name("CATL", "company", ("CATL",))
    ceo = decide.after_selection(q, read_intent(q), lead, [catl], no_paraphrase, is_entity)
    assert ceo.final and ceo.lacks == "person"
