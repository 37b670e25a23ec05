"""Follow-up rewriting with the real gazetteer: carry the thread's entities, leave the rest alone."""

from __future__ import annotations

import pytest

from bot.records import Turn
from bot.rewrite import rewrite
from corpus.entities import find_entities

KOREA_Q = "Which companies lead South Korea's battery industry?"
KOREA_A = (
    "South Korea’s battery industry is led by giants like LG Energy Solution, Samsung SDI, "
    "and SK Innovation [1]."
)
THREAD = (Turn("user", KOREA_Q), Turn("assistant", KOREA_A))


def exchange(question: str, answer: str) -> tuple[Turn, Turn]:
    """A thread of one question and its answer."""
    return (Turn("user", question), Turn("assistant", answer))


def names(text, entities):
    return {e.name for e in find_entities(text, entities)}


@pytest.mark.parametrize(
    "follow_up",
    ["What do they focus on?", "Which markets do they cater to?", "What is their strategy?"],
)
def test_pronoun_follow_up_carries_the_entity(follow_up, entities):
    query = rewrite(follow_up, THREAD, entities)
    assert "South Korea" in names(query, entities)
    assert query.startswith(follow_up.rstrip("?"))  # the user's words are kept, not replaced


@pytest.mark.parametrize("follow_up", ["And Japan?", "What about Japan?", "how about Japan"])
def test_ellipsis_swaps_the_country(follow_up, entities):
    query = rewrite(follow_up, THREAD, entities)
    found = names(query, entities)
    assert "Japan" in found
    assert "South Korea" not in found
    assert "compan" in query.lower() and "lead" in query.lower()  # the earlier question's ask


def test_ellipsis_after_a_pronoun_follow_up_builds_on_the_standalone_form(entities):
    thread = (*THREAD, Turn("user", "What do they focus on?"), Turn("assistant", "..."))
    query = rewrite("And Japan?", thread, entities)
    assert "Japan" in names(query, entities)
    assert "focus" in query.lower()


@pytest.mark.parametrize(
    "question",
    [
        "How has China secured lithium supplies?",
        "What does the European Battery Alliance aim for?",
        "What is Japan's battery strategy?",
    ],
)
def test_topic_switch_with_its_own_entity_is_left_alone(question, entities):
    assert rewrite(question, THREAD, entities) == question


@pytest.mark.parametrize(
    "question", ["What do they focus on?", "And Japan?", KOREA_Q, "Which companies lead it?"]
)
def test_question_without_history_is_untouched(question, entities):
    assert rewrite(question, (), entities) == question


def test_long_standalone_question_without_entities_is_untouched(entities):
    question = "Which raw materials are the most important for modern battery cathode chemistry?"
    assert rewrite(question, THREAD, entities) == question


@pytest.mark.parametrize("greeting", ["hello", "thanks", "Thanks!"])
def test_greeting_without_history_is_untouched(greeting, entities):
    assert rewrite(greeting, (), entities) == greeting


@pytest.mark.parametrize("greeting", ["hello", "thanks", "Thanks!"])
def test_greeting_in_a_thread_is_untouched(greeting, entities):
    assert rewrite(greeting, THREAD, entities) == greeting


def test_entities_come_from_the_answer_when_the_question_had_none(entities):
    thread = exchange(
        "Who is the undisputed leader in battery manufacturing?",
        "China is the undisputed leader in battery manufacturing [1].",
    )
    query = rewrite("What policies do they use?", thread, entities)
    assert "China" in names(query, entities)


def test_a_typed_reference_takes_the_entity_of_that_type_from_the_answer(entities):
    thread = (
        Turn("user", "Which mines do Chinese firms control a significant share of?"),
        Turn(
            "assistant",
            "…with Chinese firms controlling a significant share of Congolese cobalt mines [1].",
        ),
    )
    query = rewrite("What efforts are underway to reduce reliance on that metal?", thread, entities)
    assert names(query, entities) == {"cobalt"}


def test_a_plural_typed_reference_carries_every_entity_of_that_type(entities):
    query = rewrite("What do these companies focus on?", THREAD, entities)
    assert {"LG Energy Solution", "Samsung SDI", "SK Innovation"} <= names(query, entities)
    assert "South Korea" not in names(query, entities)


def test_and_europe_after_a_country_swaps_the_subject_not_the_object(entities):
    thread = (
        Turn("user", "How has the United States responded to Asia's battery leadership?"),
        Turn("assistant", "The United States has imposed tariffs on Chinese batteries [1]."),
    )
    query = rewrite("And Europe?", thread, entities)
    assert names(query, entities) == {"Europe", "Asia"}


def test_a_follow_up_asking_its_own_thing_takes_the_subject_not_the_earlier_words(entities):
    thread = exchange(
        "what does china's 2025 plan do for batteries?",
        "Initiatives like the Made in China 2025 plan prioritize batteries [1].",
    )
    query = rewrite("which cos have grown rapidly off the back of that?", thread, entities)
    assert "China" in names(query, entities)
    assert "plan" not in query  # the earlier question would find the earlier answer again
    vague = rewrite("what's the point of that?", THREAD, entities)
    assert KOREA_Q in vague  # two words of its own: the earlier question says what "that" is


def test_a_pointer_followed_by_its_own_name_stands_on_its_own(entities):
    """ "that cobalt exposure" says what it points at: the earlier question, which would find
    the earlier answer again, is not added."""
    thread = exchange(
        "who controls the congo cobalt mines?",
        "Chinese firms control a significant share of Congolese cobalt mines [1].",
    )
    question = "so what's the industry doing about that cobalt exposure?"
    assert rewrite(question, thread, entities) == question
    # a pointer to something the question does not name still takes the thread's words
    vague = rewrite("so what's the industry doing about that exposure?", thread, entities)
    assert "cobalt mines" in vague


def test_a_pointer_to_a_thing_the_earlier_question_named_takes_that_question(entities):
    """ "those tie-ups" are the ones the earlier question asked about: its words say what they
    are, though the follow-up has words enough of its own."""
    thread = exchange(
        "seoul-based cell makers - any car-company tie-ups mentioned?",
        "South Korean firms have established joint ventures with automakers [1].",
    )
    query = rewrite("what are those tie-ups meant to achieve?", thread, entities)
    assert "car-company" in query
    # a pointer to a thing the earlier question did not name adds no words of it
    other = rewrite("what are those incentives meant to achieve?", thread, entities)
    assert "car-company" not in other


def test_instead_sets_the_follow_up_against_what_was_asked(entities):
    """ "what do korea and japan do instead?" asks the earlier question of new subjects."""
    thread = exchange(
        "what is china's lithium play according to the doc?",
        "China has secured lithium supplies through investments in Australia [1].",
    )
    query = rewrite("what do korea and japan do instead?", thread, entities)
    assert "lithium" in query
    assert rewrite("what do korea and japan do?", thread, entities) == "what do korea and japan do?"
