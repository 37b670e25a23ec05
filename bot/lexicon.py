"""A small domain thesaurus: everyday words for the corpus's terms.

People ask "which nation runs most of the planet's power-cell plants?" while the corpus says
"China alone operates over 70% of the world's battery manufacturing facilities". Expanding the
question with the corpus's own words lets keyword search and coverage checks meet it halfway.
"""

from __future__ import annotations

from functools import lru_cache

from bot.text import stem, tokens

# everyday word -> corpus words (all lower case)
SYNONYMS: dict[str, tuple[str, ...]] = {
    "nation": ("country", "countries"),
    "nations": ("countries",),
    "state": ("government", "country"),
    "states": ("countries", "government"),
    "planet": ("world", "global"),
    "globe": ("world", "global"),
    "worldwide": ("world", "global"),
    "international": ("global", "international"),
    "earth": ("world",),
    "plant": ("facilities", "gigafactories"),
    "plants": ("facilities", "gigafactories"),
    "factory": ("facilities", "gigafactories"),
    "factories": ("facilities", "gigafactories"),
    "fabs": ("facilities",),
    "sites": ("facilities",),
    "cell": ("battery", "batteries"),
    "cells": ("battery", "batteries"),
    "power-cell": ("battery",),
    "accumulator": ("battery",),
    "accumulators": ("batteries",),
    "bulk": ("majority", "most"),
    "most": ("majority",),
    "lion's": ("majority",),
    "firm": ("companies", "firms"),
    "corporation": ("companies", "firms"),
    "corporations": ("companies", "firms"),
    "businesses": ("companies", "firms"),
    "makers": ("companies", "manufacturers", "producers", "firms"),
    "maker": ("companies", "manufacturers"),
    "producers": ("companies", "manufacturers", "production"),
    "manufacturers": ("companies", "firms", "manufacturing"),
    "players": ("companies", "firms", "giants"),
    "carmakers": ("automakers", "automotive"),
    "carmaker": ("automakers", "automotive"),
    "automaker": ("automakers",),
    "car": ("ev", "vehicle", "automotive"),
    "cars": ("ev", "vehicle", "automotive"),
    "vehicles": ("vehicle", "ev"),
    "minerals": ("raw", "materials", "lithium", "cobalt", "nickel"),
    "metals": ("raw", "materials", "lithium", "cobalt", "nickel"),
    "inputs": ("raw", "materials"),
    "commodities": ("raw", "materials"),
    "ore": ("mining", "mines"),
    "ores": ("mining", "mines"),
    "mine": ("mines", "mining"),
    "digging": ("mining",),
    "extraction": ("mining",),
    "processing": ("refining",),
    "purification": ("refining",),
    "levies": ("tariffs",),
    "levy": ("tariffs",),
    "duties": ("tariffs",),
    "duty": ("tariffs",),
    "taxes": ("tariffs", "tax"),
    "import": ("tariffs",),
    "imports": ("tariffs",),
    "cheap": ("cost-sensitive", "costs"),
    "cheaper": ("cost-sensitive", "costs"),
    "budget": ("cost-sensitive",),
    "low-cost": ("cost-sensitive",),
    "price-sensitive": ("cost-sensitive",),
    "expensive": ("costs", "higher"),
    "pricier": ("costs", "higher"),
    "price": ("costs",),
    "prices": ("costs",),
    "luxury": ("premium",),
    "high-end": ("premium",),
    "upmarket": ("premium",),
    "money": ("subsidies", "investments", "funding"),
    "grants": ("subsidies", "funding"),
    "handouts": ("subsidies",),
    "support": ("support", "subsidies", "incentives"),
    "help": ("support", "subsidies", "incentives"),
    "aid": ("support", "subsidies"),
    "backing": ("support",),
    "funds": ("funding", "investments"),
    "spending": ("investments", "funding"),
    "rules": ("policies",),
    "laws": ("policies",),
    "law": ("act", "policies"),
    "legislation": ("act", "policies"),
    "plan": ("plan", "initiatives", "strategy"),
    "plans": ("initiatives", "strategy", "strategies"),
    "program": ("initiatives", "plan"),
    "programme": ("initiatives", "plan"),
    "strategy": ("strategy", "strategies", "approach"),
    "approach": ("strategy", "approach"),
    "tactics": ("strategies",),
    "goal": ("aiming",),
    "aim": ("aiming",),
    "independent": ("self-sufficient", "reducing", "dependency"),
    "independence": ("self-sufficient", "dependency"),
    "autonomy": ("self-sufficient",),
    "reliance": ("dependency", "reliance"),
    "dependence": ("dependency",),
    "research": ("research", "development", "innovation"),
    "r&d": ("research", "development"),
    "inventor": ("pioneer",),
    "invented": ("pioneer",),
    "trailblazer": ("pioneer",),
    "innovator": ("pioneer", "innovation"),
    "next-gen": ("next-generation",),
    "solid": ("solid-state",),
    "dense": ("high-energy-density",),
    "density": ("high-energy-density",),
    "energy-dense": ("high-energy-density",),
    "shipments": ("exports", "export"),
    "shipping": ("exports",),
    "sell": ("exports", "markets"),
    "sales": ("exports", "markets"),
    "overseas": ("overseas", "international", "exports"),
    "abroad": ("overseas", "international"),
    "partnerships": ("partnerships", "joint", "ventures", "collaboration"),
    "alliances": ("joint", "ventures", "partnerships"),
    "cooperation": ("collaboration", "partnerships"),
    "teamed": ("joint", "ventures"),
    "tie-ups": ("joint", "ventures"),
    "output": ("output", "production"),
    "volume": ("output", "production", "scale"),
    "size": ("scale",),
    "scaling": ("scaling", "scale"),
    "ramp": ("scaling",),
    "expand": ("scaling", "expanding", "expanded"),
    "expansion": ("scaling", "expanding"),
    "capacity": ("capacity",),
    "leader": ("leader", "leadership", "dominance"),
    "lead": ("leader", "leadership", "led"),
    "leads": ("leader", "leadership"),
    "top": ("leader",),
    "biggest": ("leader", "majority", "massive"),
    "largest": ("leader", "majority", "massive"),
    "dominant": ("dominance", "leader"),
    "dominate": ("dominance", "dominating"),
    "control": ("controls", "controlling"),
    "controls": ("controls", "controlling"),
    "owns": ("controlling", "controls"),
    "own": ("controlling",),
    "risks": ("risks", "challenges"),
    "obstacles": ("hurdles", "challenges"),
    "problems": ("hurdles", "challenges"),
    "difficulties": ("hurdles", "challenges"),
    "barriers": ("barriers", "hurdles"),
    "weakness": ("challenges",),
    "weaknesses": ("challenges",),
    "future": ("continued", "shift"),
    "outlook": ("continued", "shift"),
    "reserves": ("stockpiles",),
    "stockpile": ("stockpiles",),
    "stocks": ("stockpiles",),
    "deals": ("contracts",),
    "agreements": ("contracts",),
    "korea": ("korea", "korean"),
    "korean": ("korea", "korean"),
    "chinese": ("china", "chinese"),
    "japanese": ("japan", "japanese"),
    "american": ("united", "states"),
    "america": ("united", "states"),
    "us": ("united", "states"),
    "usa": ("united", "states"),
    "european": ("europe", "european"),
    "eu": ("europe", "european"),
    "congo": ("congolese",),
    "drc": ("congolese",),
    "domestic": ("domestic", "local", "localization"),
    "local": ("local", "localize", "localization"),
    "onshoring": ("localization", "localize", "domestic"),
    "reshoring": ("localization", "localize", "domestic"),
    "homegrown": ("domestic",),
    "quality": ("quality", "reliability"),
    "reliable": ("reliability",),
    "ev": ("ev", "electric", "vehicle"),
    "evs": ("ev", "electric", "vehicle"),
    "electric": ("electric", "ev"),
}


@lru_cache(maxsize=1)
def _stemmed() -> dict[str, tuple[str, ...]]:
    table: dict[str, tuple[str, ...]] = {}
    for word, targets in SYNONYMS.items():
        table.setdefault(stem(word), tuple(stem(t) for t in targets))
    return table


def expansions(text: str) -> list[str]:
    """Corpus words (stemmed) that the text's everyday words stand for."""
    table = _stemmed()
    out: list[str] = []
    for tok in tokens(text):
        for target in table.get(stem(tok), ()):
            if target not in out:
                out.append(target)
    return out


def expansion_words(text: str) -> list[str]:
    """Unstemmed corpus words for query expansion in keyword search."""
    out: list[str] = []
    for tok in tokens(text):
        for target in SYNONYMS.get(tok, ()):
            if target not in out and target != tok:
                out.append(target)
    return out
