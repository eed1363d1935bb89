"""Where an answer's time goes, in process: POST /api/checkpoint/q1 through the Flask test
client, SQLite in a temporary folder, a new learner per answer (``--returning``: one
learner answering again and again, with their cookie), under cProfile.

    PYTHONPATH=. python -m benchmarks.profile_grading [--answers 300] [--returning]
                                                      [--database-url postgresql://…]

Prints the mean time per answer (unprofiled; wall clock, and this process's CPU, which other
work on a loaded machine disturbs less), then the functions with the most cumulative
time. Not part of ``make bench`` (its name has no ``bench_`` prefix).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import tempfile
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=300)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--returning", action="store_true")
    parser.add_argument("--database-url", default="", help="default: SQLite in a temporary "
                        "folder; a PostgreSQL database given here gets answers added")
    args = parser.parse_args()
    from app import create_app

    with tempfile.TemporaryDirectory(prefix="seeingml-profile-") as tmp:
        app = create_app({"INSTANCE_PATH": tmp, "SECRET_KEY": "p" * 40,
                          "DATABASE_URL": args.database_url or f"sqlite:///{tmp}/profile.sqlite",
                          "ANSWERS_PER_MINUTE_LEARNER": 10**9,
                          "ANSWERS_PER_MINUTE_ADDRESS": 10**9})
        body = json.dumps({"answer": "e4"})
        returning = app.test_client()

        def once() -> None:
            client = returning if args.returning else app.test_client()
            response = client.post("/api/checkpoint/q1", data=body,
                                              content_type="application/json")
            assert response.status_code == 200 and response.json["saved"], response.json

        for _ in range(50):
            once()
        began, cpu = time.perf_counter(), time.process_time()
        for _ in range(args.answers):
            once()
        print(f"{(time.perf_counter() - began) / args.answers * 1000:.2f} ms per answer, "
              f"{(time.process_time() - cpu) / args.answers * 1000:.2f} ms of CPU")
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(args.answers):
            once()
        profile.disable()
        pstats.Stats(profile).sort_stats("cumulative").print_stats(args.top)
        app.extensions["store"].dispose()


if __name__ == "__main__":
    main()
