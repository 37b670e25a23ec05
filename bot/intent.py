"""What a question asks for, read from its grammar rather than its topic.

These are properties of English questions, not of the corpus: "when" asks for a date, "how
many" for a figure, "which ... and what ..." has two parts, "why X?" presupposes X. Nothing
here names a country, company or battery term, so it holds for any document the corpus gains.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.text import ENUMERATOR, STOPWORDS, content_terms, stem, tokens

# The kinds of answer a question can demand that a sentence either carries or does not.
DATE, QUANTITY, PERSON, PLACE = "date", "quantity", "person", "place"

# "the number of X", "count of X" count things; "a number of X" is "several X"
_COUNT_OF = r"(?<![Aa] )\b(?:number|count) of\b"
# Units of measure and currencies: a question in one asks for a figure in it.
_CURRENCY = r"[$€£¥]|\b(?:dollar|euro|yuan)s?\b(?!-)"
_PERCENT = r"%|\bpercent(?:age)?\b"
_MEASURE_UNITS = (
    r"tonnes?|tons?|kilo(?:gram)?s?|kgs?|(?:giga|mega|kilo)watt(?:[- ]hours?)?s?|[kmgt]?wh|[kmg]w"
)
# A count, an amount or a percentage can only be answered with a figure; a portion ("how much
# of", "what share") can be answered in words ("a majority", "a significant share").
_EXACT = re.compile(
    rf"\bhow many\b|\bhow much\b(?!\s+of\b)|{_PERCENT}|\bnumber of\b|\bexact\b"
    r"|\brates?\b"
    # a measure in a unit ("tonnes of lithium") or a currency is a figure, not a word like
    # "majority"
    rf"|\b(?:{_MEASURE_UNITS})\b|{_CURRENCY}",
    re.IGNORECASE,
)
# "who is the CEO of ...", "who replaced X as CEO?" ask for a person: the role names one.
_PERSON = re.compile(
    r"\bwho\b(?:[\s'’]+[\w'’-]+){0,5}?\s+(?:president|ceo|co-?founder|founder|"
    r"chair(?:man|woman|person)?|minister|director|chief executive|boss|executive|chancellor|"
    r"premier)s?\b"
    r"|\bwho (?:founded|started)\b|\bname of the (?:ceo|founder|minister|president)\b",
    re.IGNORECASE,
)
# "who leads the industry?", "who runs most of the plants?", "who is the head of..." may be
# answered by a country or a firm as well as by a person
_PERSON_OR_BODY = re.compile(
    r"\bwho(?:'s|’s| is| was| are| were)\b(?: the)?(?: [\w'’-]+){0,3} (?:head|chief|owner|leader)s?\b"
    r"|\bwho (?:runs|heads|owns|leads|manages|chairs)\b"
    r"|\bwho(?:'s|’s| is| was)(?: \w+ly)? (?:running|heading|leading|managing|chairing)\b",
    re.IGNORECASE,
)

# "where is X located?", "in which city...": a location, which "where has China invested?"
# (answered by "through investments in mining") need not be
_PLACE = re.compile(
    r"\bwhere(?:'s|’s|s| is| are| was| were| will)\b[^?]*?\b(?:located|based|headquartered|"
    r"situated|sited)\b"
    r"|\bin (?:which|what) (?:city|country|state|province|region|town)\b"
    r"|\b(?:which|what) (?:[\w'’-]+ )?(?:city|state|province|town)\b[^?]*\bin\s*\??\s*$"
    # "which US state is getting the most plants?": the place is what the question is about
    r"|\b(?:which|what) (?:[\w'’-]+ )?(?:city|cities|state|states|province|provinces|town|"
    r"towns) (?:is|are|was|were|has|have|had|gets?|got|will|hosts?|leads?)\b",
    re.IGNORECASE,
)
# "when" asks for a date where a question's auxiliary follows it ("when did...", "when exactly
# was...") or nothing does ("...and when?"); ", when they try to catch up" says under what
# circumstances and asks for none.
_AUXILIARY = r"(?:is|was|are|were|will|would|did|does|do|has|have|had|can|could|should|may|might)"
# "whats the share", "wheres it made": a contraction typed without its apostrophe ("its" is
# left alone: it is a word of its own)
_UNMARKED_CONTRACTION = re.compile(r"\b(what|who|where|how|when|that|there)s\b", re.IGNORECASE)
# A question asked with no question word ("EBA founding date?", "anyone know LG's share
# price?") opens with no auxiliary ("does korea come near...?" asks yes or no) and holds none of
# these words; what it ends on is what it asks for.
_NO_ASKING_OPENER = r"^(?!\W*(?:is|are|was|were|does|do|did|can|could|will|would|has|have|had)\b)"
_QUESTION_WORD = r"(?:what|which|who|whom|whose|where|when|why|how)"
_DATE = re.compile(
    r"(?:^|[,;:\-–—]\s*|\b(?:and|so|but|or)\s+)(?:since |until |by )?when"
    r"(?:['’]s\b|(?:\s+\w+ly)?\s+" + _AUXILIARY + r"\b|\s*(?:[?!.]|$))"
    r"|\b(?:what|which)\s+(?:year|yr|date|month|decade)s?\b|\bhow long ago\b"
    r"|\bin what (?:year|yr)\b"
    # "EBA founding date? month + year if it says": no question word, so it asks for the date
    # its first clause ends on
    rf"|{_NO_ASKING_OPENER}(?![^?]*\b{_QUESTION_WORD}\b)[^?]*\b(?:date|year|yr)\s*\?",
    re.IGNORECASE,
)
# The nouns of an amount ("what's LG's market share?", "the fine for..."), singular less "s"
_AMOUNTS = (
    r"share|percentage|percent|proportion|fraction|rate|amount|revenue|sales|price|fine|"
    r"penalt(?:y|ie)|fee|valuation|value|cost|margin|profit|budget|figure|number|"
    r"volume|tonnage|gwh|twh"
)
_SUPERLATIVES = r"highest|lowest|largest|biggest|smallest|greatest"
_QUANTITY = re.compile(
    r"\bhow (?:many|much)\b"
    rf"|\bwhat(?:'s| is| was| are| were)?(?: the)?(?: [\w'’-]+){{0,6}} (?:{_AMOUNTS})s?\b"
    # "which maker had the highest profit margin?" picks by an amount
    rf"|\bwhich\b(?: [\w'’-]+){{0,6}} (?:{_SUPERLATIVES})(?: [\w'’-]+)? (?:{_AMOUNTS})s?\b"
    rf"|{_PERCENT}|{_CURRENCY}"
    # "anyone know CATL's share price?": a question with no question word of its own asks
    # for the amount it ends on ("does korea come near china's volume?" asks yes or no)
    rf"|{_NO_ASKING_OPENER}(?!.*\b{_QUESTION_WORD}\b)"
    rf".*\b[A-Z][\w&.-]*['’]s(?: [\w'’-]+){{0,2}} (?:{_AMOUNTS})s?\s*[?.!]*\s*$"
    rf"|{_COUNT_OF}"
    # a unit of measure asks for a measure in it: "tonnes of lithium in japan's stockpile?"
    rf"|\b(?:{_MEASURE_UNITS})\b",
    re.IGNORECASE,
)
_LIST = re.compile(
    r"\b(?:which|what)\s+(?:[\w-]+\s+){0,3}?(?!(?:does|has|was|its|yes)\b)\w*[^\Wsui]s\b|\blist\b|\bname (?:the|some|all|a few)\b"
    r"|\bbullets?\b|\b(?:two|three|four|five|several|main|key)\s+"
    r"(?:[\w-]+\s+)?\w+s\b",
    re.IGNORECASE,
)
# "list" as a request ("just list em", "a list pls"), not a noun a word qualifies ("the
# priority list")
_BULLETED = re.compile(
    r"\b(?:bullets?|bullet[- ](?:points?|form|list)|bulleted|(?:a|the|full|short|quick) list)\b"
    r"|(?:^|[,.?!;:(-]\s*|\b(?:just|pls|please|you|u|to|and)\s+)list\b",
    re.IGNORECASE,
)
# "Everything the doc says about cobalt": every sentence on the thing, not the best one.
_ALL = re.compile(
    r"\beverything\b|\bfull picture\b|\ball (?:of )?(?:the|that|it)\b|\banything\b|\bin detail\b",
    re.IGNORECASE,
)
_SUMMARY = re.compile(
    r"\b(?:summar(?:y|ise|ize|ising|izing)|tl;?dr|overview|gist|recap|rundown|key points|"
    r"main points|the whole thing|big picture|in a nutshell)\b",
    re.IGNORECASE,
)
_COMPARE = re.compile(
    r"\b(?:compare[sd]?|comparison|differ(?:s|ent|ence|ences)?|versus|vs\.?|contrast|"
    r"each (?:one|of)|both|stack up|against)\b",
    re.IGNORECASE,
)
# "why X?" / "now that X, ..." take X as given; the corpus must say X before X is explained.
# "why can't / might X?" asks for reasons without asserting X, so it presupposes nothing.
_PRESUPPOSING = re.compile(
    r"^(?:why(?!\s+(?:can|could|might|may|would|should|must|will|won't|can't|couldn't|wouldn't|"
    r"shouldn't)\b)|how come|how did|now that|given that|since|seeing as)\b\s*"
    r"(?:(?:did|does|do|is|are|was|"
    r"were|has|have|had)\s+)?([^?!]+?)(?:,\s*(?:is|are|does|do|will|what|how|why|which)\b.*)?"
    r"(?:[?!].*|\.*)$",
    re.IGNORECASE,
)
# A few words and a colon or dash before the question itself label it ("for a slide: why...").
_LABEL = re.compile(
    r"^[^:?!.\n]{1,30}?(?::|\s[-–—])\s+(?=(?:why|how come|how did|now that|given that|since|if)\b)",
    re.IGNORECASE,
)
# "If Japan makes the cheapest cells, why is it stuck in a niche?" takes its condition as given.
_IF_WHY = re.compile(r"^if\s+([^?!,]+?),\s*(?:then\s+)?(?:why|how come)\b", re.IGNORECASE)
# Parts of a multi-part question: "X? And Y", "X, and which Y", "X; Y", "X and also Y", and
# the alternatives of "is it X, or does it Y?" (each is answered on its own).
_PARTS = re.compile(
    r"\?\s+|;\s+|,?\s+(?:and|\+|&)\s+(?=(?:also\s+)?(?:which|what|how|where|who|why|when)\b)|,\s+(?=(?:"
    r"which|what|how|where|who|why|when)\b)|,\s+or\s+(?=(?:is|are|was|were|does|do|did|has|have|"
    r"can|will|would)\b)"
    # "what's the US doing, and does the doc think it'll work?": a yes/no question of its own
    r"|,\s+and\s+(?=(?:does|do|did|is|are|will|would|can|could|has|have)\s+(?:the|it|they|this|"
    r"that|these|those|anyone|any)\b)",
    re.IGNORECASE,
)
# A question may point at a part of the document rather than a topic ("per the conclusion").
_DOCUMENT_END = re.compile(
    r"\b(?:conclu(?:sion|ding|des)|closing|wrap[- ]?up|"
    r"(?:final|last) (?:section|part|para(?:graph)?|sentences?|lines?)|final (?:thoughts|words)|"
    r"last bit|(?:at|in|towards?) the end|"
    r"bottom line|the summ(?:ary|ing[- ]up)|final summ(?:ary|ing[- ]up))\b",
    re.IGNORECASE,
)
_DOCUMENT_START = re.compile(
    r"\b(?:intro(?:duction)?|opening (?:section|part|para(?:graph)?|lines?)|the opening\b(?! of)|"
    r"first (?:section|"
    r"part|para(?:graph)?|sentences?|lines?)|at the (?:start|top|beginning)|the opener)\b",
    re.IGNORECASE,
)
END, START = "end", "start"
_LINE = re.compile(r"\b(?:sentences?|lines?)$")
# A phrase opening with a preposition: it says where, about what or apart from what ("in what
# have..." asks, though).
_SCOPING = re.compile(
    r"^\W*(?:about|across|after|among|apart from|aside from|before|beside|besides|beyond|"
    r"despite|except(?: for)?|excluding|for|from|in|including|other than|outside|per|"
    r"regarding|since|unlike|with|within|without)\b(?!\W+(?:what|which|who|whom|whose|how)\b)",
    re.IGNORECASE,
)
_HOW_MANY = re.compile(
    rf"(?:\bhow (?:many|much)|{_COUNT_OF})\s+(?:of\s+(?:the\s+)?)?"
    r"((?:[\w'’-]+\s*){1,4})",
    re.I,
)
_HOW_MANY_THINGS = re.compile(rf"\bhow many\b|{_COUNT_OF}", re.IGNORECASE)
_PORTION = re.compile(r"\bhow many\s+(?:of\b|percent\b|%)", re.IGNORECASE)
_QUANTITY_NOUN = re.compile(
    rf"(?P<pre>(?:[\w'’-]+\s+){{0,2}})\b(?P<unit>{_AMOUNTS})s?\b"
    r"(?:\s+(?:of|per|for|on)\s+(?P<post>(?:[\w'’-]+\s*){1,5}))?",
    re.IGNORECASE,
)
# "What is HPAL?", "what's the IRA", "what does IMIP stand for": a question that asks what a
# term is, and nothing else; the term is what it asks about.
_DEFINITION = re.compile(
    r"^\s*(?:what(?:'s|’s| is| are)|define|what does)\s+(?:an?\s+|the\s+)?"
    r"(?P<term>[\w&.-]+(?:\s+[\w&.-]+){0,3}?)(?:\s+(?:stand\s+for|mean))?\s*[?.!]*\s*$",
    re.IGNORECASE,
)
# What opens the phrase naming the class a list question asks for the members of ("which
# three Japanese companies", "what are the leading firms", "every battery company").
_CLASS_OPENER = re.compile(
    r"\b(?:(?:which|what)(?:\s+(?:are|were)(?:\s+(?:the|some(?:\s+of\s+the)?))?)?"
    rf"|(?P<every>every|each|all(?:\s+of)?(?:\s+the)?)|(?P<many>how\s+many|{_COUNT_OF})"
    r"|list(?:\s+(?:all\s+)?the)?"
    r"|name(?:\s+(?:all\s+)?the))\s+",
    re.IGNORECASE,
)
_WORD = re.compile(r"[A-Za-z][\w’'-]*")
# Words that frame a question about a source rather than say what it is about: "which
# companies does the doc name?" asks for all that the source names.
SOURCE_WORDS = frozenset(
    stem(w)
    for w in [
        "doc",
        "document",
        "corpus",
        "text",
        "report",
        "say",
        "says",
        "mention",
        "name",
        "list",
        "cite",
    ]
)
CLASS_WORDS = 3  # the class noun comes within this many words of its opener
MIN_PART_TERMS = 2  # a fragment with fewer content words ("is there a number?") is no part
# How an English question or request opens: a question word, an auxiliary put first, or a verb
# of asking ("list", "tell me", "compare").
_ASKING = re.compile(
    r"^\W*(?:(?:and|also|so|but|or|then|plus|ok(?:ay)?)\W+)*(?:what|which|who|whom|whose|when|"
    r"where|why|how|is|are|was|were|do|does|did|has|have|had|can|could|will|would|should|"
    r"list|name|tell|give|explain|describe|compare|summari[sz]e|show)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Intent:
    """The shape of answer a question wants."""

    asks_for: str | None  # DATE, PERSON, PLACE, QUANTITY, or None for anything else
    wants_list: bool  # laid out as bullets when several sentences answer
    wants_all: bool
    wants_summary: bool
    wants_comparison: bool
    presupposition: str | None  # the clause a why/now-that question takes as given
    parts: tuple[str, ...]  # sub-questions of a multi-part question (empty when only one)
    section: str | None = None  # END or START when the question points at that part
    measured: str = ""  # what a quantity question measures ("people" in "how many people")
    unit: str = ""  # the quantity it asks for ("revenue", "share"), when it names one
    exact: bool = False  # a count or percentage: only a figure answers it
    counts: bool = False  # "how many X": a listing of the Xs answers it as well as a figure
    portion: bool = False  # "how many of the X", "how many percent": a share answers the count
    defines: str = ""  # the term a "what is X?" question asks about
    listing: tuple[str, ...] = ()  # the classes a list question asks for ("companies")
    # every member of them ("every company", "which firms does the doc name"), not only those
    # the question's other words pick out ("which countries dominate...")
    lists_all: bool = False
    # a "who" question a country or a firm may answer as well as a person ("who leads...")
    person_or_body: bool = False
    # asks for a list by name ("bullet list", "list em"): a list of points, not one sentence
    bulleted: bool = False

    @property
    def wants_many(self) -> bool:
        """Comparisons, multi-part questions and "everything about X" need several sentences (a
        list is usually one sentence that enumerates)."""
        return self.wants_all or self.wants_summary or self.wants_comparison or bool(self.parts)


def _measured(text: str) -> str:
    """The words naming what a quantity question measures ("how many people work..." ->
    "people work"): the words after "how many", up to the first function word."""
    match = _HOW_MANY.search(text)
    if match:
        words = []
        for word in match.group(1).split():
            if word.lower() in STOPWORDS:
                break
            words.append(word)
        return " ".join(words)
    match = _QUANTITY_NOUN.search(text)
    if not match:
        return ""
    # the unit ("share", "rate") is met by any figure; what it is a share of is the topic, and
    # "the highest" says which, not what
    words = f"{match.group('pre') or ''} {match.group('post') or ''}".split()
    return " ".join(w for w in words if not re.fullmatch(_SUPERLATIVES, w, re.IGNORECASE))


def _lists_all(text: str) -> bool:
    every = any(m.group("every") for m in _CLASS_OPENER.finditer(text))
    return every or bool(SOURCE_WORDS & set(content_terms(text)))


def _classes(text: str) -> tuple[str, ...]:
    """The nouns naming what a list question asks for the members of: after "which" or
    "what", the first plural among the next few words (a singular asks for one thing: "which
    country operates..."); after "every" or "all", the last word before a function word; and a
    plural joined to either by "and" ("what countries and companies"). Only the first such
    phrase: a later one ("every company..., across all three countries") says where."""
    found = []
    for opener in _CLASS_OPENER.finditer(text):
        words: list[re.Match] = []
        end = opener.end()
        for match in _WORD.finditer(text, opener.end()):
            between = text[end : match.start()]
            if match.group(0).lower() in STOPWORDS or len(words) == CLASS_WORDS or between.strip():
                break  # a function word or a comma ends the phrase
            end = match.end()
            if re.search(r"['’]s$", match.group(0)):
                # "which country's firms...?" asks for a country (one: no list); "what are
                # japan's strengths?" for what the possessive qualifies
                if re.fullmatch(r"(?:which|what)\s+", opener.group(0), re.IGNORECASE):
                    break
                continue
            words.append(match)
        if opener.group("every") or opener.group("many"):
            # the counted noun is the phrase's last plural ("how many regions abroad"), else
            # its last word ("every company")
            nouns = [w for w in words if _plural(w.group(0))][-1:] or words[-1:]
        else:
            nouns = [w for w in words if _plural(w.group(0))][:1]
        if not nouns:
            continue
        found.append(nouns[0].group(0))
        joined = re.match(r"\s+(?:and|or|&)\s+([A-Za-z][\w’'-]*)", text[nouns[0].end() :])
        if joined and _plural(joined.group(1)):
            found.append(joined.group(1))
        break  # the first is what is asked for: "..., across all three countries" is scope
    return tuple(dict.fromkeys(w.lower() for w in found))


def _plural(word: str) -> bool:
    return (
        len(word) > 3
        and word.lower().endswith("s")
        and not word.lower().endswith(("ss", "us", "is"))
    )


def _defined(text: str) -> str:
    match = _DEFINITION.match(text)
    return match.group("term") if match else ""


def _unit(text: str) -> str:
    match = _QUANTITY_NOUN.search(text)
    return match.group("unit") if match else ""


def _unpointed(text: str) -> str:
    """The text without the words that point at a part of the document."""
    return _DOCUMENT_START.sub(" ", _DOCUMENT_END.sub(" ", text))


# "the northvolt story in dates - founded, the bmw order, ch 11, the bankruptcy": after a colon,
# dash or bracket, three or more short items separated by commas, each asked of what precedes
_ENUMERATION = re.compile(
    r"^(?P<head>.+?)(?::|\s[-–—]\s|\()\s*(?P<items>[^,:;()?!]+(?:,\s*(?:and\s+|or\s+|&\s+)?"
    r"[^,:;()?!]+){2,})\)?\s*[?.!]*\s*$",
    re.IGNORECASE,
)
ITEM_WORDS = 5  # an item longer than this is a clause, not an item of a list


def _enumerated(text: str) -> tuple[str, ...]:
    """The items of a listed enumeration, each with what it is asked of (see _ENUMERATION)."""
    match = _ENUMERATION.match(text)
    if not match:
        return ()
    items = [re.sub(r"^(?:and|or|&)\s+", "", i.strip()) for i in match.group("items").split(",")]
    if any(not i or len(i.split()) > ITEM_WORDS for i in items):
        return ()
    head = match.group("head").strip(" -–—")
    return tuple(f"{head}: {i}" for i in items)


def _asks_for(text: str) -> str | None:
    """What kind of thing a question (or one part of it) asks for, if a particular kind."""
    return (
        DATE
        if _DATE.search(text)
        else PERSON
        if _PERSON.search(text) or _PERSON_OR_BODY.search(text)
        else PLACE
        if _PLACE.search(text)
        else QUANTITY
        if _QUANTITY.search(text)
        else None
    )


def read_intent(question: str) -> Intent:
    """Classify a cleaned question by what it asks for."""
    text = _UNMARKED_CONTRACTION.sub(r"\1's", question.strip())
    # "1) what has the US done 2) what snags...": each numbered item is a part
    itemised = ENUMERATOR.sub("; ", text).strip(" ;")
    # "(a) which law..., and (b) what...": the "and" before an item joins it, asks nothing
    itemised = re.sub(r"[\s,]+(?:and|or|&)\s*;", ";", itemised, flags=re.IGNORECASE)
    parts = tuple(p.strip(" ,?") for p in _PARTS.split(itemised) if p and p.strip(" ,?"))
    # "In the closing section, what three...": a part that only says where to look is no part
    parts = tuple(p for p in parts if len(content_terms(_unpointed(p))) >= MIN_PART_TERMS)
    # after the first, a part must ask something: "short version", "bullet list is fine" and
    # "names too" say how to answer, not what
    parts = parts[:1] + tuple(p for p in parts[1:] if _ASKING.match(p))
    # "besides raw production, what...": a phrase a preposition opens sets the scope of the
    # question after it and asks nothing of its own
    if parts and _SCOPING.match(parts[0]):
        parts = parts[1:]
    if len(parts) < 2:
        parts = _enumerated(text)
    presupposition = None
    # "for a slide: why are...?", "quick q - why did...?": a label before the question
    asked = _LABEL.sub("", text, count=1)
    match = _PRESUPPOSING.match(asked) or _IF_WHY.match(asked)
    if match and len(tokens(match.group(1))) >= 3:
        presupposition = match.group(1).strip()
    # a question of several parts asks for a date, a person... only when each part does: its
    # other parts are answered by what they ask ("who owns the cheap end, and where...")
    kinds = {_asks_for(p) for p in parts} if len(parts) > 1 else {_asks_for(text)}
    asks_for = kinds.pop() if len(kinds) == 1 else None
    return Intent(
        asks_for=asks_for,
        wants_list=bool(_LIST.search(text)),
        wants_all=bool(_ALL.search(text)),
        # "per the summary, what..." points at the document's end; it asks for no summary
        wants_summary=bool(_SUMMARY.search(_unpointed(text))),
        wants_comparison=bool(_COMPARE.search(text)),
        presupposition=presupposition,
        parts=parts if len(parts) > 1 else (),
        measured=_measured(text) if asks_for == QUANTITY else "",
        unit=_unit(text) if asks_for == QUANTITY else "",
        exact=asks_for == QUANTITY and bool(_EXACT.search(text)),
        counts=asks_for == QUANTITY and bool(_HOW_MANY_THINGS.search(text)),
        portion=bool(_PORTION.search(text)),
        defines=_defined(text),
        listing=_classes(text),
        person_or_body=bool(_PERSON_OR_BODY.search(text)) and not _PERSON.search(text),
        bulleted=bool(_BULLETED.search(text)),
        lists_all=_lists_all(text),
        section=_section(text),
    )


def _section(text: str) -> str | None:
    """The part of the document a question points at. A line sits in a section, so a section
    named beside one is the part meant: "the intro's last line" is in the intro."""
    pointers = [(END, m) for m in _DOCUMENT_END.finditer(text)]
    pointers += [(START, m) for m in _DOCUMENT_START.finditer(text)]
    sections = [p for p, m in pointers if not _LINE.search(m.group(0))]
    found = sections or [p for p, _ in pointers]
    return END if END in found else START if found else None
