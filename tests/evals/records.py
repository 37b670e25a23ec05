"""Hand-made Answer records for the metric, report and export tests."""

from __future__ import annotations

from bot.records import Answer, Citation, Retrieved
from evals.dataset import EvalCase

DOC = "asia-battery-dominance"
P2 = (
    "China alone operates over 70% of the world’s battery manufacturing facilities, with massive "
    "gigafactories supplying both domestic and international markets."
)
C4 = (
    "Chinese firms such as CATL, BYD, and SVOLT have expanded rapidly, leveraging domestic supply "
    "chains for raw materials like lithium, cobalt, and nickel."
)
K1 = "South Korea’s battery industry is led by giants like LG Energy Solution, Samsung SDI, and SK Innovation."
J4 = (
    "Japan’s strategy emphasizes quality and reliability, positioning its products as high-value "
    "solutions despite higher costs."
)
CHUNKS = {
    "c-prod": (
        "production-and-exports",
        f"Production capacity in Asia far exceeds other regions. {P2}",
    ),
    "c-china": ("china", C4),
    "c-korea": ("south-korea", K1),
    "c-japan": ("japan", J4),
}


def retrieved(*ids: str) -> tuple[Retrieved, ...]:
    return tuple(
        Retrieved(cid, DOC, CHUNKS[cid][1], 0.9 - i / 10, CHUNKS[cid][0])
        for i, cid in enumerate(ids)
    )


def citation(n: int, chunk_id: str, quote: str = "") -> Citation:
    anchor, text = CHUNKS[chunk_id]
    return Citation(n, chunk_id, DOC, "Asia's Dominance", anchor, quote or text)


def answer(
    text: str,
    citations: tuple[Citation, ...] = (),
    ids: tuple[str, ...] = ("c-prod", "c-china", "c-korea", "c-japan"),
    abstained: bool = False,
    premise_rejected: bool = False,
) -> Answer:
    return Answer(
        question="q",
        rewritten_query="q",
        text=text,
        abstained=abstained,
        citations=citations,
        retrieved=retrieved(*ids),
        premise_rejected=premise_rejected,
        timings_ms={"total": 12.0},
    )


def case(kind: str = "fact", **fields) -> EvalCase:
    defaults = dict(id=f"{kind}-x", kind=kind, turns=("Which firms lead?",), answer_keys=())
    defaults.update(fields)
    return EvalCase(**defaults)
