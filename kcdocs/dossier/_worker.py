"""A dossier worker process: ``python -m kcdocs.dossier._worker`` reads one pickled job
``{"fonts": FontChoice, "batches": [[CasePlan, …], …]}`` on stdin, builds each batch and
writes one pickled ``list[DossierInfo]`` per batch to stdout as soon as it is done.

Anything else printed (by us or by a C library) goes to stderr, so stdout carries only
results. The worker's memory (Typst's cache) goes back to the system when it exits.
"""

from __future__ import annotations

import os
import pickle
import sys


def main() -> int:
    results = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # stray output of libraries must not corrupt the result stream
    sys.stdout = sys.stderr
    job = pickle.load(sys.stdin.buffer)
    from kcdocs.dossier.assemble import build_batch
    from kcdocs.dossier.batch import evict_typst_cache
    from kcdocs.render.typst_engine import TypstRenderer

    renderer = TypstRenderer(job["fonts"])
    for batch in job["batches"]:
        pickle.dump(build_batch(batch, renderer), results)
        results.flush()
        evict_typst_cache(renderer)
    return 0


if __name__ == "__main__":
    sys.exit(main())
