"""The prompts the question generator sends; recorded verbatim in the dataset's sidecar."""

from __future__ import annotations

SYSTEM = (
    "You write test questions for a Slack bot that answers questions about a research brief. "
    "You imitate how busy team members type in Slack. You reply with JSON only."
)

# One call per corpus sentence: every register at once, so a sentence costs one model call.
ANSWERABLE = """Research brief section "{section}" of "{title}".
The sentence:
\"\"\"{sentence}\"\"\"

Write {count} different questions that this sentence answers, one per style:
- "casual": relaxed Slack message, lower case, short.
- "typo": like casual but with one or two spelling mistakes.
- "abbrev": uses abbreviations people type (ROK, US, EU, EV, JP, CN, govt, cos, mfg, w/).
- "indirect": asks the same thing in OTHER words; avoid the sentence's own key words.
- "multi": asks two things in one message, both answered by the sentence.
A question must not contain its own answer. Do not copy the sentence.
For each question give "answer": the shortest phrase (1 to 5 words) copied EXACTLY from the
sentence that answers it; for "multi" give "answers": two such phrases.
Reply as JSON: {{"questions": [{{"style": "casual", "question": "...", "answer": "..."}}, ...]}}"""

# One call per section: questions on the section's topic asking for a detail it never gives.
UNANSWERABLE = """Research brief section "{section}" of "{title}":
\"\"\"{paragraph}\"\"\"

Write {count} questions a team member might ask about this topic that the section does NOT
answer, because they ask for a specific detail the text never gives: an exact figure or amount,
a year or date, a person's name, a company's name, a percentage or rate, a count.
Mix styles: some casual lower case, one with a typo, one with an abbreviation (US, EU, ROK, EV).
Reply as JSON: {{"questions": [{{"missing": "year", "question": "..."}}, ...]}}"""

STYLES = ("casual", "typo", "abbrev", "indirect", "multi")
