"""Runs one index build in its own process, for the kill test (python -m tests.index.build_worker).

Arguments: CHROMA_DIR COLLECTION DOCS [PAUSE_MARKER]. The corpus is DOCS synthetic
documents. With PAUSE_MARKER, the build writes that file after its first batch lands and
then sleeps, so the parent can SIGKILL it midway through writing the new collection.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from corpus.models import Corpus
from index.build import build_index
from index.store import make_client
from tests.index.conftest import make_doc
from tests.index.fakes import HashEmbeddings


def synthetic_corpus(docs: int) -> Corpus:
    """DOCS documents of three paragraphs; document i mentions the word `marker{i}`."""
    documents = tuple(
        make_doc(
            f"doc-{i}",
            *(
                (f"p{j}", f"Document marker{i} paragraph {j} about cells. Plants grow. Costs fall.")
                for j in range(3)
            ),
        )
        for i in range(docs)
    )
    return Corpus(documents=documents, facts=())


def main(chroma_dir: str, collection: str, docs: str, marker: str | None = None) -> None:
    def pause_after_first_batch(written: int) -> None:
        if marker is not None:
            Path(marker).write_text(str(written))
            time.sleep(600)

    build_index(
        synthetic_corpus(int(docs)),
        make_client(Path(chroma_dir), None, 0),
        HashEmbeddings(),
        collection,
        progress=False,
        batch_size=5,
        on_batch=pause_after_first_batch,
    )


if __name__ == "__main__":
    main(*sys.argv[1:])
