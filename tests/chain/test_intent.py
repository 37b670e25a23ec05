"""What a question asks for, from its grammar alone (a table of cases, no model)."""

from __future__ import annotations

import pytest

from bot.evidence import coordinated
from bot.intent import DATE, END, PERSON, PLACE, QUANTITY, START, read_intent
from bot.names import Name, asked_names, mentioned, spelled_out


@pytest.mark.parametrize(
    ("question", "asks_for"),
    [
        ("When was the European Battery Alliance founded?", DATE),
        ("what year did the plan start?", DATE),
        ("Toyota's solid-state battery, when is it launching?", DATE),
        ("how many GWh does panasonic produce a year?", QUANTITY),
        ("What was CATL's revenue in 2023?", QUANTITY),
        ("what tariff rate has the US put on chinese batteries? like 25%?", QUANTITY),
        ("What is LG Energy Solution's market share?", QUANTITY),
        ("Which country makes the most batteries?", None),
        ("What does China operate?", None),  # "operate" holds "rate" but asks for no rate
        ("What do you know when it comes to cobalt?", None),
        ("exact number of gigafactories china has rn?", QUANTITY),
        ("a number of firms in japan do what?", None),  # "a number of" is "several"
        ("the opening lines say outsiders face what, exactly, when they try to catch up?", None),
        ("CATL's Debrecen plant - when?", DATE),
        ("when exactly was the IRA signed?", DATE),
        ("whats LG's share of the market?", QUANTITY),  # "whats" is "what's"
        ("what's the fine for firms without a battery passport?", QUANTITY),
        ("what penalties apply under the regulation?", QUANTITY),
        ("What is the total dollar value of Korea's mining deals?", QUANTITY),
        ("whats the avg $/kWh for chinese cells?", QUANTITY),
        ("what's the profit margin on a cell?", QUANTITY),
        ("Which Korean maker had the highest profit margin last year?", QUANTITY),
        ("which nation runs the lion's share of the cell plants?", None),
        ("is that fine?", None),
        ("who replaced Carlsson as Northvolt CEO?", PERSON),
        ("who's the ceo of samsung sdi rn?", PERSON),
        ("who are the leaders in battery manufacturing?", PERSON),
        ("what yr did northvolt file for bankruptcy", DATE),  # "yr" is "year"
        ("anyone know LG's current share price?", QUANTITY),  # no question word: the amount
        ("Northvolt's market value?", QUANTITY),
        ("does korea produce anywhere near china's volume?", None),  # asks yes or no
        ("Northvolt bankruptcy date? month too if it says", DATE),  # no question word
        ("is that up to date?", None),
        ("dollar value of the Debrecen plant, per the text?", QUANTITY),  # a currency word
        ("who won the world cup?", None),
        ("which German state is getting the most new plants?", PLACE),
        ("which state-owned firms lead?", None),
        # parts asking for different kinds: each part is answered by what it asks
        ("who owns the cheap end, and where do the koreans sell premium EV cells?", None),
        ("when did the EBA start, and when did the IRA pass?", DATE),  # every part: a date
        ("tonnes of lithium in japan's stockpile, per the report?", QUANTITY),  # a unit
        ("what's BYD's yearly output in GWh?", QUANTITY),
    ],
)
def test_the_kind_of_answer_asked_for(question, asks_for):
    assert read_intent(question).asks_for == asks_for


@pytest.mark.parametrize(
    ("question", "either"),
    [
        ("who are the leaders in battery manufacturing?", True),
        ("who runs most of the world's cell plants?", True),
        ("who's currently running the european battery alliance?", True),
        ("who is the CEO of Panasonic?", False),
        ("who replaced Carlsson as chief executive?", False),
    ],
)
def test_a_who_question_a_country_or_firm_may_answer(question, either):
    assert read_intent(question).person_or_body is either


@pytest.mark.parametrize(
    ("question", "measured"),
    [
        ("How many people work in South Korea's battery industry?", "people work"),
        (
            "how much of the global production capacity does China hold?",
            "global production capacity",
        ),
        (
            "What is the average price per kWh of a battery pack?",
            "the average kWh of a battery pack",
        ),
        (
            "What share of the world's facilities does China run?",
            "What the world's facilities does China",
        ),
        # a superlative says which is picked, not what is measured
        ("which country has the largest market share?", "market"),
    ],
)
def test_what_a_quantity_question_measures(question, measured):
    assert read_intent(question).measured == measured


@pytest.mark.parametrize(
    ("question", "exact"),
    [
        ("how much funding does Japan allocate?", True),
        ("how many mines does China control?", True),
        ("what % of factories are in China?", True),
        ("How much of global capacity does China account for?", False),
        ("what share of the mines do Chinese firms control?", False),
        ("tonnes of lithium in japan's stockpile?", True),  # a measure in a unit
        ("subsidy per car, in yuan or $?", True),  # an amount in a currency
    ],
)
def test_counts_and_amounts_need_a_figure_portions_do_not(question, exact):
    assert read_intent(question).exact is exact


def test_parts_of_a_multi_part_question():
    intent = read_intent("Which firms lead Korea's industry, and what batteries do they make?")
    assert intent.parts == ("Which firms lead Korea's industry", "what batteries do they make")
    assert intent.wants_many
    assert read_intent("How big is China's share? Is there a number?").parts == ()
    # a yes/no question joined on is a part of its own
    assert read_intent(
        "whats the doc's main argument, and does it think asia stays on top?"
    ).parts == (
        "what's the doc's main argument",
        "does it think asia stays on top",
    )


def test_a_contracted_pronoun_refers_back():
    from bot.rewrite import refers_back

    assert refers_back("does the doc think it'll work")
    assert refers_back("they're doing what?")
    assert not refers_back("does the doc say so")


@pytest.mark.parametrize(
    "question",
    [
        "What support has China's government given? Bullet list is fine",
        "what role does the govt play in korea and japan? short version",
        "which firms does japan rely on? names too please",
    ],
)
def test_a_note_on_how_to_answer_is_no_part(question):
    assert read_intent(question).parts == ()


def test_a_phrase_a_preposition_opens_scopes_the_question_and_is_no_part():
    intent = read_intent("besides raw materials, what else are the policies aimed at?")
    assert intent.parts == ()
    # a preposition before a question word asks
    intent = read_intent("In what have Japanese firms led, and which segments do they serve?")
    assert intent.parts == ("In what have Japanese firms led", "which segments do they serve")


def test_a_request_after_a_question_is_a_part():
    intent = read_intent("What does the IRA mandate? Also list the firms that gain from it")
    assert intent.parts == ("What does the IRA mandate", "Also list the firms that gain from it")


def test_a_plus_or_ampersand_before_a_question_word_joins_parts():
    intent = read_intent("who holds the congo mines + what's being done to cut cobalt use?")
    assert intent.parts == ("who holds the congo mines", "what's being done to cut cobalt use")
    assert len(read_intent("who puts up tariffs & which firms gain from them?").parts) == 2
    assert read_intent("who runs R&D what for?").parts == ()


@pytest.mark.parametrize(
    "question",
    [
        "number of asian countries the first line credits? which",
        "count of asian countries in the doc?",
    ],
)
def test_number_of_or_count_of_counts_things_as_how_many_does(question):
    intent = read_intent(question)
    assert intent.counts and intent.measured == "asian countries"
    assert intent.listing == ("countries",)
    assert not read_intent("a number of firms in japan do what?").counts


def test_numbered_items_are_parts():
    intent = read_intent("1) what does the IRA mandate 2) which firms gain from it?")
    assert intent.parts == ("what does the IRA mandate", "which firms gain from it")
    # a number and a full stop inside a line is a figure, not an item
    assert read_intent("is it over 70. or less?").parts == ()
    # lettered items, and the "and" that joins the last of them
    lettered = read_intent(
        "two things: (a) which US law does the doc cite, and (b) what is the EU alliance building?"
    )
    assert lettered.parts == ("which US law does the doc cite", "what is the EU alliance building")


def test_the_alternatives_of_an_either_or_question_are_parts():
    intent = read_intent("is it only about making cells, or does it reach into materials too?")
    assert intent.parts == ("is it only about making cells", "does it reach into materials too")
    # "X or Y" inside one clause is one question
    assert read_intent("Do Korean firms go after the cheap end or the luxury end?").parts == ()


@pytest.mark.parametrize(
    ("question", "bulleted"),
    [
        ("what tools are other regions using? just list em", True),
        ("bullet list of the ways firms hedge supply risk", True),
        ("what are japan's strengths? list", True),
        ("give me the main planks of the strategy, bullet form", True),
        ("which blueprint puts batteries on the priority list?", False),
        ("which firms lead the industry?", False),
    ],
)
def test_asking_for_a_list_by_name(question, bulleted):
    assert read_intent(question).bulleted is bulleted


def test_the_items_of_an_enumeration_are_parts_asked_of_what_precedes_them():
    intent = read_intent("plant history pls - opened, expanded twice, and the fire")
    assert intent.parts == (
        "plant history pls: opened",
        "plant history pls: expanded twice",
        "plant history pls: the fire",
    )
    listed = read_intent("every figure on cobalt (mining, refining, recycling, prices)")
    assert len(listed.parts) == 4 and listed.parts[-1] == "every figure on cobalt: prices"
    # two items, or items that are clauses, are no enumeration
    assert read_intent("costs: labour and power, mostly?").parts == ()
    assert (
        read_intent(
            "the gist: it grew, it stalled when orders were cancelled by buyers, it failed"
        ).parts
        == ()
    )


@pytest.mark.parametrize(
    ("question", "clause"),
    [
        (
            "why did japan end up overtaking china in production capacity?",
            "japan end up overtaking china in production capacity",
        ),
        (
            "Now that the EU is self-sufficient in batteries, is Asia's lead over?",
            "the EU is self-sufficient in batteries",
        ),
        ("What does Japan focus on?", None),
        # the clause ends with its question; what follows is another one
        (
            "why is everyone cutting the cobalt in cathodes? whats the stated reason",
            "everyone cutting the cobalt in cathodes",
        ),
        ("why did the U.S. impose tariffs?", "the U.S. impose tariffs"),
        # a condition a why-question rests on is taken as given too
        (
            "If Japan makes the cheapest cells, why is it stuck in a niche?",
            "Japan makes the cheapest cells",
        ),
        ("if it rains, what happens to output?", None),
        # a label before the question is no part of it
        (
            "for a slide: why are japanese batteries the cheapest ones?",
            "japanese batteries the cheapest ones",
        ),
        ("quick q - why did japan overtake china?", "japan overtake china"),
    ],
)
def test_the_clause_a_question_takes_as_given(question, clause):
    assert read_intent(question).presupposition == clause


@pytest.mark.parametrize(
    ("question", "section", "summary"),
    [
        ("According to the wrap-up, what matters?", END, False),
        ("In the closing section, what three ingredients?", END, False),
        ("what does the intro say?", START, False),
        ("per the opening para, what else reinforces asia's spot on top?", START, False),
        ("what does the opening say holds them back?", START, False),
        ("what does the opening of the plant mean for jobs?", None, False),
        ("in the last para, what does it say?", END, False),
        ("can u give me a quick summary of the whole thing", None, True),
        ("tl;dr?", None, True),
        # "the summary" is a place in the document; "a summary" is asked for
        ("Per the summary, what do the three strengths add up to?", END, False),
        ("summarize the conclusion", END, True),
        ("how pushy are their measures, as the opener puts it?", START, False),
        ("the very first sentence names how many nations?", START, False),
        ("what could shake things up, per the final sentence?", END, False),
        ("the last line says asia remains what?", END, False),
        # a line sits in a section: the section named beside it is the part meant
        ("the intro's last line - how are others competing?", START, False),
        ("what's the first sentence of the conclusion about?", END, False),
    ],
)
def test_questions_about_the_document_itself(question, section, summary):
    intent = read_intent(question)
    assert intent.section == section and intent.wants_summary is summary


def test_names_come_from_the_gazetteer_and_from_capitals(entities):
    found = asked_names("What is Brussels doing, and what is Tsingshan?", entities)
    assert [(n.name, n.kind) for n in found] == [("Europe", "place"), ("Tsingshan", "name")]
    assert asked_names("Quick one - what has the US done?", entities)[0].name == "United States"
    assert asked_names("Which Chinese firms are named?", entities)[0].name == "China"
    # "EU-level" is Europe, qualified, not a name of its own
    assert [n.name for n in asked_names("Which EU-level body answers Asia?", entities)] == [
        "Europe",
        "Asia",
    ]
    # a sentence's end ends a name: "Names" opens the next sentence
    roster = asked_names("List the firms, Korean and Japanese. Names only", entities)
    assert [n.name for n in roster] == ["South Korea", "Japan"]
    asked = asked_names("Tariffs came from the US. How did Korea respond?", entities)
    assert [n.name for n in asked] == ["United States", "South Korea"]
    assert [n.name for n in asked_names("What did U.S. Steel say?", entities)][-1] == "U.S. Steel"
    # a possessive typed without its apostrophe is the name found, not a name of its own
    assert [n.name for n in asked_names("What are Japans main firms?", entities)] == ["Japan"]
    (tsingshans,) = asked_names("What does Tsingshans park make?", entities)
    assert mentioned(tsingshans, "Tsingshan runs smelters.")


def test_a_name_is_mentioned_under_any_of_its_forms(entities):
    seoul = asked_names("What is Seoul doing?", entities)[0]
    assert mentioned(seoul, "South Korean firms have established joint ventures")
    assert not mentioned(seoul, "Japanese firms")
    tsingshan = asked_names("What is Tsingshan?", entities)[0]
    assert mentioned(tsingshan, "Tsingshan runs smelters.")
    assert not mentioned(tsingshan, "Tsingshanese")


@pytest.mark.parametrize(
    ("question", "joined"),
    [
        ("What part do car companies play in Korea's and Japan's battery plans?", True),
        ("How are South Korean firms and the United States each trying?", True),
        ("what hurdles are the US/EU efforts running into?", True),
        ("one line each: how does the govt help in china, in korea, and in japan?", True),
        ("How is the US responding to Asia's lead?", False),
        ("Does Korea depend on China for raw materials?", False),
    ],
)
def test_names_joined_as_equals_are_compared(entities, question, joined):
    assert coordinated(question, asked_names(question, entities)) is joined


def test_an_acronyms_plural_is_mentioned_by_its_singular(entities):
    evs = asked_names("How much does the US subsidize EVs?", entities)[-1]
    assert evs.name == "EVs"
    assert mentioned(evs, "The IRA mandates local sourcing for EV subsidies.")
    assert not mentioned(evs, "Electric cars get subsidies.")


def test_a_name_ending_a_longer_name_is_another_thing(entities):
    us = asked_names("What has the US done?", entities)[0]
    assert "America" in us.forms
    assert mentioned(us, "America leads. In America, too.")
    assert not mentioned(us, "premium EV markets in North America and Europe")
    assert not mentioned(us, "investments in Australia, South America, and Africa")
    weda = asked_names("Who built Weda Bay?", entities)[-1]
    # a name followed by more capitals, after a possessive, or after a full stop is a mention
    assert mentioned(weda, "They co-developed the Indonesia Weda Bay Industrial Park.")
    huayue = asked_names("When did Huayue start?", entities)[-1]
    assert mentioned(huayue, "and Huayou Cobalt's Huayue project")
    hyundai = asked_names("What did Hyundai build?", entities)[-1]
    assert mentioned(hyundai, "with the utility PLN. Hyundai Motor Group followed.")


def test_a_modal_why_asks_for_reasons_without_asserting_anything():
    assert (
        read_intent("Why can't steel-grade nickel go straight into batteries?").presupposition
        is None
    )
    assert read_intent("why might these batteries miss out on credits?").presupposition is None


def test_possessives_separate_two_names(entities):
    found = asked_names(
        "which came first, Harita's HPAL plant or Huayou's Huayue project?", entities
    )
    assert [n.name for n in found] == ["Harita", "HPAL", "Huayou", "Huayue"]


@pytest.mark.parametrize(
    ("question", "term"),
    [
        ("what's HPAL?", "HPAL"),
        ("What is the IRA?", "IRA"),
        ("what does IMIP stand for?", "IMIP"),
        ("What is Tsingshan?", "Tsingshan"),
        ("What is Japan's battery strategy?", ""),
        ("What's the name of the US law that gives incentives?", ""),
    ],
)
def test_a_what_is_question_names_the_term_it_defines(question, term):
    assert read_intent(question).defines == term


@pytest.mark.parametrize(
    ("question", "classes", "every"),
    [
        ("Which Japanese companies does the doc name as key players?", ("companies",), True),
        ("what are the leading firms in battery manufacturing?", ("firms",), False),
        ("gimme every company the doc names, grouped by country", ("company",), True),
        (
            "what countries and companies are involved in making batteries?",
            ("countries", "companies"),
            False,
        ),
        # a later "all three countries" says where to look, not what to list
        ("tl;dr every battery company, across all three countries", ("company",), True),
        ("how many diff regions has china put money into for lithium?", ("regions",), False),
        # what follows the counted noun ("abroad") qualifies it
        ("how many regions abroad get china's money for lithium?", ("regions",), False),
        ("Which country has the most battery factories?", (), False),  # one thing, not a list
        ("What type of batteries has South Korea focused on?", (), False),
        # a possessive is no plural: "which country's firms" asks for one country, "what are
        # japan's strengths" for what the possessive qualifies
        ("which country's firms chase energy density?", (), False),
        ("which asian country's cell makers sell on reliability?", (), False),
        ("what are japan's strengths in batteries?", ("strengths",), False),
    ],
)
def test_the_kind_of_thing_a_list_question_asks_for(question, classes, every):
    intent = read_intent(question)
    assert intent.listing == classes
    assert intent.lists_all == every


def test_an_ampersand_acronym_is_spelled_out_with_and():
    rd = Name("R&D", "name", ("R&D",))
    assert spelled_out(rd, "direct investments in research and development")
    assert not spelled_out(rd, "research into development")


def test_countries_are_named_by_their_codes_in_capitals_only():
    from bot.settings import REPO_ROOT
    from corpus.entities import entities_path, load_entities, with_world, world_path

    corpus_dir = REPO_ROOT / "corpus"
    gazetteer = with_world(
        load_entities(entities_path(corpus_dir)), load_entities(world_path(corpus_dir))
    )
    found = asked_names("for a slide: CN / ROK / JP, one strength each", gazetteer)
    assert [n.name for n in found] == ["China", "South Korea", "Japan"]
    assert [n.name for n in asked_names("what about DEU and the UK?", gazetteer)] == [
        "Germany",
        "United Kingdom",
    ]
    # a code that is an English word names nothing, and a code in lower case is a word
    assert [n.name for n in asked_names("WHAT CAN CHINA DO?", gazetteer)] == ["China"]
    assert asked_names("is jp morgan in it?", gazetteer) == ()


@pytest.mark.parametrize(
    ("question", "place"),
    [
        ("where's SVOLT's biggest plant located?", True),
        ("in which country is CATL headquartered?", True),
        ("which US state is LG's biggest JV plant in?", True),
        ("where has china invested for lithium?", False),  # answered by how, not only where
        ("where do chinese batteries dominate?", False),  # "cost-sensitive markets"
        ("which country leads?", False),
    ],
)
def test_a_question_asking_where_a_thing_is_asks_for_a_place(question, place):
    assert (read_intent(question).asks_for == PLACE) is place
