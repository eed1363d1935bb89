"""An answer's transaction alone (``store.answers.record_answer``, with its read-back and an
answer window), in process: this process's CPU per answer for learners with 10 and with 1,990
stored attempts, alternating, the best rounds kept (a neighbour on a loaded machine only ever
adds time).

    PYTHONPATH=. python -m benchmarks.profile_answer_store [--rounds 6] [--answers 100]
                                                           [--database-url postgresql://…]

SQLite in a temporary folder unless ``--database-url`` names a database (it gets the
learners added). On PostgreSQL it is the client's CPU: the server's is not counted. Not part
of ``make bench`` (its name has no ``bench_`` prefix).
"""

from __future__ import annotations

import argparse
import tempfile
import time

HISTORIES = {"10 attempts": 10, "1,990 attempts": 1990}


def seed(store, learner: str, size: int) -> None:
    from store.schema import attempts

    with store.engine.begin() as conn:
        conn.execute(attempts.insert(), [
            {"learner_id": learner, "question_id": ("q2", "q3", "q4")[i % 3], "variant": None,
             "answer": "x", "score": 0.0, "correct": False, "misconception": "bench",
             "created_at": store.now()} for i in range(size)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--answers", type=int, default=100)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    from store import NewAttempt, Store
    from store import attempts as attempts_module
    from store.answers import Limits, record_answer
    from store.limits import SharedWindows
    from store.summaries import rebuild_summaries

    attempts_module.MAX_ATTEMPTS_PER_LEARNER = 10**6  # the rounds add to each history
    with tempfile.TemporaryDirectory(prefix="seeingml-answer-store-") as tmp:
        store = Store(args.database_url or f"sqlite:///{tmp}/answers.sqlite")
        store.upgrade()
        run = time.time_ns()  # fresh learners in a database used before
        for size in HISTORIES.values():
            for r in range(args.rounds):
                seed(store, f"{run}-{size}-{r}", size)
        rebuild_summaries(store.engine)  # a store whose summaries the trigger does not keep
        limits = Limits(SharedWindows(store), {"bench": 10**9}, 60.0)
        spent: dict[str, list[float]] = {name: [] for name in HISTORIES}
        for r in range(args.rounds):
            for name, size in HISTORIES.items():
                learner = f"{run}-{size}-{r}"
                began = time.process_time()
                for _ in range(args.answers):
                    record_answer(store, NewAttempt(learner, "q1", "e4", 0.0, False), limits,
                                  read_back=True)
                spent[name].append((time.process_time() - began) * 1000 / args.answers)
        store.dispose()
    best = {name: sorted(times)[: max(1, args.rounds // 2)] for name, times in spent.items()}
    for name, times in best.items():
        print(f"{name}: {sum(times) / len(times):.3f} ms of CPU per answer "
              f"(best {len(times)} of {args.rounds} rounds of {args.answers})")


if __name__ == "__main__":
    main()
