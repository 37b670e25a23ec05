"""A chat as a team member has it, through the public AnswerChain.answer: small talk, "and
europe?", a refusal followed by a new question, and answers that lead with the answer."""

from __future__ import annotations

from bot import messages
from bot.records import Answer, Turn
from bot.settings import REPO_ROOT


def turns(*pairs: tuple[str, Answer]) -> list[Turn]:
    history: list[Turn] = []
    for question, answer in pairs:
        history += [Turn("user", question), Turn("assistant", answer.text)]
    return history


def test_thanks_gets_a_short_reply_not_a_refusal(chain):
    first = "Which companies lead South Korea's battery industry?"
    answer = chain.answer(first)
    for text in ("thanks!", "ok thanks", "cheers"):
        reply = chain.answer(text, turns((first, answer)))
        assert reply.text == messages.THANKS
        assert not reply.text.startswith(messages.NOT_COVERED)


def test_and_europe_follows_the_subject_of_the_previous_question(chain):
    first = "How is the US responding to Asia's lead?"
    us = chain.answer(first)
    assert "Inflation Reduction Act" in us.text
    europe = chain.answer("and europe?", turns((first, us)))
    assert "Europe" in europe.rewritten_query
    assert "European Battery Alliance" in europe.text
    assert europe.text.split(" [")[0] != us.text.split(" [")[0], "the US answer again"


def test_a_follow_up_naming_one_place_after_a_comparison_is_about_that_place(chain):
    first = "How does government support for batteries differ between South Korea and Japan?"
    compared = chain.answer(first)
    us = chain.answer("and the US?", turns((first, compared)))
    assert us.text.startswith("The United States")
    # the thread's sides are search context, not sides of a new comparison
    assert "Government support includes funding" not in us.text
    assert "These companies benefit" not in us.text


def test_a_refusal_never_feeds_the_next_question(chain):
    refused_q = "What was CATL's revenue in 2023?"
    refused = chain.answer(refused_q)
    assert refused.abstained
    follow = "Which country makes the most batteries?"
    answer = chain.answer(follow, turns((refused_q, refused)))
    assert not answer.abstained
    assert answer.rewritten_query == follow
    assert "China" in answer.text


def test_a_follow_up_that_can_only_mean_the_refused_question_is_read_with_it(chain):
    refused_q = "When was the European Battery Alliance founded?"
    refused = chain.answer(refused_q)
    assert refused.abstained  # the corpus gives no date
    answer = chain.answer("ok and what's it aiming for?", turns((refused_q, refused)))
    assert not answer.abstained
    assert "self-sufficient supply chain" in answer.text


def test_why_after_an_answer_asks_about_the_previous_subject(chain):
    first = "What have South Korean battery firms set up with automakers?"
    answer = chain.answer(first)
    why = chain.answer("why?", turns((first, answer)))
    assert first.rstrip("?") in why.rewritten_query
    assert "trade barriers" in why.text


def test_the_overview_sentence_does_not_lead_a_specific_answer(chain):
    answer = chain.answer("What does Japan's battery strategy emphasize?")
    assert answer.text.startswith("Japan’s strategy emphasizes quality and reliability")
    assert "Asia has established itself" not in answer.text


def test_a_quick_summary_gets_a_bullet_per_section(chain):
    answer = chain.answer("can u give me a quick summary of the whole thing in a few bullet points")
    assert not answer.abstained
    bullets = [line for line in answer.text.splitlines() if line.startswith("• ")]
    assert len(bullets) >= 5
    assert len({c.anchor for c in answer.citations}) >= 5


def test_a_summary_of_one_section_covers_more_than_its_best_line(chain):
    answer = chain.answer("give me the rundown on korea: who the players are and what they do")
    bullets = [line for line in answer.text.splitlines() if line.startswith("• ")]
    assert len(bullets) >= 3
    assert "LG Energy Solution" in answer.text
    assert "joint ventures" in answer.text
    # in the order the document gives them
    document = (REPO_ROOT / "corpus" / "documents" / "asia-battery-dominance.md").read_text(
        encoding="utf-8"
    )
    places = [document.index(line[2:].rsplit(" [", 1)[0]) for line in bullets]
    assert places == sorted(places)


def test_a_summary_of_a_place_comes_from_its_own_section(chain):
    answer = chain.answer("tl;dr on korea pls")
    assert "Asia has established itself" not in answer.text
    assert {c.anchor for c in answer.citations} == {"south-korea"}
    # a topic across places keeps the sections on the topic
    lithium = chain.answer("summarize what the doc says on lithium across china, korea, japan")
    assert "raw-materials" in {c.anchor for c in lithium.citations}


def test_a_refusal_says_which_check_decided_and_its_value(chain):
    answer = chain.answer("What's the capital of France?")
    assert answer.abstained
    assert answer.reason.startswith(("relevance:", "named_things:"))
    assert any(ch.isdigit() for ch in answer.reason) or "France" in answer.reason
    assert answer.to_json()["reason"] == answer.reason


def test_chatter_in_a_thread_is_not_turned_into_a_question(chain):
    first = "Which companies lead South Korea's battery industry?"
    answer = chain.answer(first)
    reply = chain.answer("lol ok, see you at lunch", turns((first, answer)))
    assert reply.rewritten_query == "lol ok, see you at lunch"
    assert reply.abstained and not reply.citations


def test_a_follow_up_with_its_own_ask_is_answered_with_something_new(chain):
    first = "what does china's 2025 plan do for batteries?"
    answer = chain.answer(first)
    thread = [Turn("user", first), Turn("assistant", answer.text)]
    follow = chain.answer("which chinese cos have grown off the back of that?", thread)
    assert not follow.abstained
    assert "CATL" in follow.citations[0].quote


def test_a_follow_up_asking_past_the_last_answer_leads_with_something_new(chain):
    first = "what is europe's battery alliance for?"
    answer = chain.answer(first)
    assert answer.text.startswith("Europe is pursuing similar strategies")
    follow = chain.answer("any problems with that?", turns((first, answer)))
    assert follow.text.startswith("However, these efforts face hurdles"), follow.text


def test_a_follow_up_naming_its_own_subject_also_leads_with_something_new(chain):
    # it needs no rewrite, and still asks past the last answer
    first = "what is europe's battery alliance for?"
    answer = chain.answer(first)
    assert answer.text.startswith("Europe is pursuing similar strategies")
    follow = chain.answer(
        "realistically, is europe getting there or does the doc see obstacles",
        turns((first, answer)),
    )
    assert follow.text.startswith("However, these efforts face hurdles"), follow.text


def test_a_follow_up_on_a_detail_of_the_last_answer_keeps_its_lead(chain):
    first = "what kind of batteries does korea specialise in?"
    answer = chain.answer(first)
    assert answer.text.lstrip("• ").startswith("South Korea has focused")
    follow = chain.answer("which markets are those aimed at?", turns((first, answer)))
    assert follow.text.startswith("South Korea has focused"), follow.text


def test_the_lead_of_a_bulleted_answer_is_its_first_bullet(chain):
    first = "which korean companies lead the battery industry? bullets pls"
    answer = chain.answer(first)
    assert answer.text.startswith("•") and "\n•" in answer.text
    query = chain.understand("any problems with that?", turns((first, answer)))
    assert query.said == answer.citations[0].quote


def test_why_of_what_the_last_answer_said_is_no_premise_to_check(chain):
    first = "do korean firms team up with automakers?"
    answer = chain.answer(first)
    assert "joint ventures" in answer.text
    reply = chain.answer("why do they bother with that?", turns((first, answer)))
    assert not reply.premise_rejected and not reply.abstained
    assert "mitigating trade barriers" in reply.text
    # a follow-up why-question that states a claim of its own, in the corpus's words, is
    # still checked (one worded wholly otherwise is not: see decide.PREMISE_WORDS_KNOWN)
    own = chain.answer("why did they abandon the joint ventures?", turns((first, answer)))
    assert own.premise_rejected
