"""Follow-up rewriting: turn "and Japan?" or "what do they focus on?" into a standalone query.

A rewrite only ever adds what the thread already established (its entities); a question that
stands on its own is returned unchanged, so a rewrite cannot make a good question worse.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.messages import is_refusal
from bot.question import GREETING_RE, THANKS_RE
from bot.records import Turn
from bot.text import REFERRING_WORDS, content_terms, tokens, without_contraction
from corpus.entities import Entity, find_entities

# Content words that make a follow-up a question of its own; "what's the point of doing
# that?" has two and needs the earlier question to say what "that" is. On the follow-ups of
# field, grounding, generated and held-out sets, 3 and 4 change the same answers.
OWN_TERMS = 3
_ELLIPSIS = re.compile(
    r"^(?:and|but|also|what about|how about|and what about|and how about|what of|same for|"
    r"and for|same question for|now|ok(?:ay)?,? (?:and|what about))\s+(?:for\s+|in\s+|with\s+)?(.+?)[\s?.!]*$",
    re.IGNORECASE,
)
_WH = re.compile(r"(what|which|who|whom|whose|how|why|when|where|is|are|does|do|did)\b", re.I)
_KIND = {"country": "place", "region": "place"}  # "and Europe?" can follow a country
_REFERENCE_KINDS = {
    "metal": ("material",),
    "material": ("material",),
    "mineral": ("material",),
    "resource": ("material",),
    "company": ("company",),
    "compan": ("company",),  # "companies" less its s
    "companie": ("company",),
    "firm": ("company",),
    "maker": ("company",),
    "country": ("country",),
    "countrie": ("country",),
    "nation": ("country",),
    "policy": ("policy",),
    "policie": ("policy",),
    "law": ("policy",),
    "plan": ("policy",),
    "initiative": ("policy",),
    "region": ("region", "country"),
    "technology": ("technology",),
}
_TYPED_REFERENCE = re.compile(
    r"\b(?:that|this|these|those|the same|such)\s+(" + "|".join(_REFERENCE_KINDS) + r")s?\b",
    re.IGNORECASE,
)
_BARE = re.compile(
    r"^(?:and |but |so |ok(?:ay)?,? )?(?:why|how|how so|how come|since when|really|in what way)\s*\??$",
    re.I,
)


def _replace_entity(query: str, old: Entity, new: Entity) -> str:
    names = sorted((old.name, *old.aliases), key=len, reverse=True)
    pattern = r"\b(?i:" + "|".join(re.escape(n) for n in names) + r")(?:'s|’s)?\b"
    if old.case_sensitive:  # "US" the country, never "us"
        exact = "|".join(re.escape(n) for n in old.case_sensitive)
        pattern = rf"(?:{pattern}|\b(?:{exact})(?:'s|’s)?\b)"
    return re.sub(pattern, new.name, query)


def _thread_entities(history: Sequence[Turn], standalone: Sequence[str], known) -> list[Entity]:
    """Entities of the latest standalone user question, else of the latest answer."""
    for query in reversed(standalone):
        found = find_entities(query, known)
        if found:
            return list(found)
    for turn in reversed(history):
        if turn.role == "assistant" and not is_refusal(turn.text):
            found = find_entities(turn.text, known)
            if found:
                return list(found)[:3]
    return []


def _named_kind(question: str) -> tuple[str, ...] | None:
    """The entity types a phrase like "that metal" or "these firms" refers to, if any."""
    match = _TYPED_REFERENCE.search(question)
    return _REFERENCE_KINDS[match.group(1).lower().rstrip("s")] if match else None


def _thread_entities_of(
    types: tuple[str, ...], history: Sequence[Turn], standalone: Sequence[str], known
) -> list[Entity]:
    """The most recent entities of the given types, from the questions and then the answers."""
    answers = [
        t.text for t in reversed(history) if t.role == "assistant" and not is_refusal(t.text)
    ]
    texts = [*reversed(standalone), *answers]
    for text in texts:
        found = [e for e in find_entities(text, known) if e.type in types]
        if found:
            return found
    return []


def refers_back(text: str) -> bool:
    """True when the text has a word that stands for something said before ("them", "that")."""
    # "it'll", "they're", "that's" refer back as "it", "they", "that" do
    return any(without_contraction(w) in REFERRING_WORDS for w in tokens(text))


_POINTING = re.compile(r"\b(?:this|that|these|those)\s+((?:[\w'’&.-]+\s*){1,2})", re.IGNORECASE)


def _points_at_own_names(question: str, own: Sequence[Entity]) -> bool:
    """True when every word that refers back is a determiner naming its own referent: "that
    cobalt exposure" says what it points at, so the thread need not."""
    if not own:
        return False
    pointed = [m.group(1) for m in _POINTING.finditer(question)]
    rest = _POINTING.sub(" ", question)
    return bool(pointed) and all(find_entities(p, own) for p in pointed) and not refers_back(rest)


def rewrite_one(question: str, previous: Sequence[str], history: Sequence[Turn], known) -> str:
    """Rewrite one question given the standalone forms of the user's earlier questions."""
    if not previous and not any(t.role == "assistant" for t in history):
        return question
    if GREETING_RE.match(question.strip()) or THANKS_RE.match(question.strip()):
        return question
    if previous and _BARE.match(question.strip()):
        return f"{previous[-1].rstrip('?. ')}? {question.strip()}"  # "why?", "how so?"
    own = find_entities(question, known)
    ellipsis = _ELLIPSIS.match(question.strip())
    if ellipsis and (_WH.match(ellipsis.group(1)) or len(tokens(ellipsis.group(1))) > 4):
        ellipsis = None  # "and what research does it fund?" is a question of its own
    if ellipsis and previous:
        subject = ellipsis.group(1)
        new = find_entities(subject, known)
        base = previous[-1]
        if new:
            old_entities = find_entities(base, known)
            kind = _KIND.get(new[0].type, new[0].type)
            same_type = [
                e for e in old_entities if _KIND.get(e.type, e.type) == kind and e != new[0]
            ]
            if same_type:
                return _replace_entity(base, same_type[0], new[0])
        return f"{base.rstrip('?. ')} {subject}?"
    referring = refers_back(question) and not _points_at_own_names(question, own)
    if not referring:
        return question  # it stands on its own ("lol ok, see you at lunch" too)
    wanted = _named_kind(question)
    if wanted:
        typed = _thread_entities_of(wanted, history, previous, known)
        plural = bool(re.search(r"\b(these|those)\b", question, re.IGNORECASE))
        carried = [e for e in typed[: 3 if plural else 1] if e not in own]
    else:
        carried = [e for e in _thread_entities(history, previous, known) if e not in own]
    rewritten = question.rstrip()
    if carried:
        rewritten = f"{rewritten} ({', '.join(e.name for e in carried)})"
    if (
        referring
        and previous
        and not wanted
        and (not _asks_its_own(question, own) or _points_at(question, previous[-1]))
    ):
        # "what's the point of doing that?": the earlier question says what "that" is
        rewritten = f"{rewritten} {previous[-1].strip()}"
    return rewritten


def _points_at(question: str, earlier: str) -> bool:
    """True when "those tie-ups" or "that plan" points at a thing the earlier question named:
    it asks of that thing, which the earlier question's words then say."""
    named = set(content_terms(earlier))
    return any(set(content_terms(m.group(1))) & named for m in _POINTING.finditer(question))


def _asks_its_own(question: str, own: Sequence[Entity]) -> bool:
    """A follow-up with OWN_TERMS content words besides the names it gives asks its own thing
    ("which chinese cos have grown off the back of that?"): the thread gives it a subject, not
    the earlier question's words, which would find the earlier answer again."""
    named = {t for e in own for t in content_terms(e.name)}
    return len([t for t in content_terms(question) if t not in named]) >= OWN_TERMS


def rewrite(question: str, history: Sequence[Turn], known: Sequence[Entity]) -> str:
    """The standalone retrieval query for `question`, given the thread so far."""
    standalone: list[str] = []
    seen: list[Turn] = []
    refused = ""  # the last question, when it was refused
    for i, turn in enumerate(history):
        if turn.role == "user":
            reply = history[i + 1] if i + 1 < len(history) else None
            refused = ""
            if reply is not None and reply.role == "assistant" and is_refusal(reply.text):
                # a refused question is not the thread's subject, unless the next question
                # can only mean it ("ok and what's it aiming for?")
                refused = rewrite_one(turn.text, standalone, seen, known)
                continue
            standalone.append(rewrite_one(turn.text, standalone, seen, known))
        seen.append(turn)
    if refused and (refers_back(question) or _BARE.match(question.strip())):
        standalone.append(refused)
    return rewrite_one(question, standalone, history, known)
