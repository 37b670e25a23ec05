"""The prompts the question generator sends; recorded verbatim in the dataset's sidecar.

Replies are one question per line, fields separated by " | ": a small model keeps this format
more reliably than JSON, and it costs about half the tokens. The worked example is about a
subject outside the corpus, so no example question can leak into the generated set.
"""

from __future__ import annotations

SYSTEM = (
    "You write test questions for a Slack bot that answers questions about a research brief. "
    "You imitate how busy team members type in Slack. Follow the reply format exactly."
)

STYLES = ("casual", "typo", "abbrev", "indirect", "multi")

# One call per corpus sentence: every register at once, so a sentence costs one model call.
ANSWERABLE = """Write 5 questions that the SENTENCE answers, one per line, in this format:
style | question | answer
The answer is a short phrase (1 to 5 words) copied exactly from the SENTENCE.
For "multi", ask two things and give two answers separated by " ; ".
Styles: casual (short, lower case), typo (one or two misspellings), abbrev (uses abbreviations
such as US, EU, ROK, EV, govt, cos, mfg, w/), indirect (other words, avoids the sentence's words),
multi (two questions in one message). Never copy the sentence. Never put the answer in the question.

Example SENTENCE: Norway's ferry operators have switched half of their fleet to electric drives, cutting diesel use on coastal routes.
casual | how far along are norway's ferries on going electric? | half of their fleet
typo | wat have norweigan ferry operators done to their fleet? | switched half of their fleet to electric drives
abbrev | NO ferry cos - what did going EV save on? | diesel use
indirect | what fuel are the boats up north burning less of? | diesel
multi | how much of the fleet went electric and where did it cut fuel use? | half of their fleet ; coastal routes

SENTENCE (from "{title}", section {section}): {sentence}
"""

# One call per section: questions on the section's topic asking for a detail it never gives.
UNANSWERABLE = """Write 5 questions about the topic of the TEXT that the TEXT does NOT answer,
because each asks for a specific detail the TEXT never gives. One per line, in this format:
detail | question
where detail is one of: year, figure, percentage, person, company.
Mix styles: casual lower case, one typo, one abbreviation (US, EU, ROK, EV).

Example TEXT: Norway's ferry operators have switched half of their fleet to electric drives.
year | when did norway's ferries start going electric?
figure | how many ferries does norway run in total?
person | who runs norway's biggest ferry operator?
percentage | what % of ferry trips are now fully electric?
company | which shipyard builds the electric ferries?

TEXT (from "{title}", section {section}): {paragraph}
"""

# A second call per section, asking for other kinds of absent detail than the first.
UNANSWERABLE_MORE = """Write 5 questions about the topic of the TEXT that the TEXT does NOT answer,
because each asks for an exact detail the TEXT never gives: a sum of money, a capacity in GWh,
the year of a specific event, the name of an executive, a growth rate. One per line, in this format:
detail | question
where detail is one of: year, figure, percentage, person.
Write like a busy team member in Slack: lower case, short, maybe a typo or US/EU/EV.

Example TEXT: Norway's ferry operators have switched half of their fleet to electric drives.
figure | how much did the electric ferry switch cost?
year | what year will the last diesel ferry retire?
person | who's the ceo of norway's largest ferry line?
percentage | by what % did ferry fuel costs drop?

TEXT (from "{title}", section {section}): {paragraph}
"""
