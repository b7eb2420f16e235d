"""Sign-in timing does not tell which accounts exist (issue 9).

Target: a wrong password for an unknown address (and for an account without a password)
takes within ±30 % of a wrong password for a known account. Measured in-process through
the ASGI app on SQLite, alternating the cases, each attempt from a fresh client address
(so the throttle counts but never refuses). Prints the medians and the ratios.

    python bench/bench_signin.py [--rounds 40]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient

from journeyline.store import accounts, open_database
from journeyline.web import Settings, create_app

TOLERANCE = 0.30


def measure_sign_in_timing(rounds: int = 40) -> dict[str, float]:
    """Median milliseconds of a failed sign-in per case, and each case's ratio to the known one."""
    with tempfile.TemporaryDirectory() as folder:
        db = open_database(f"sqlite:///{Path(folder) / 'journeyline.db'}")
        with db.writing() as session:
            known = accounts.actor_of(accounts.create_account(session, "known@example.org", "K"))
            accounts.create_account(session, "nopassword@example.org", "N")
        accounts.set_password(db, known, "the right password", None)
        app = create_app(Settings(data_dir=folder), database=db)
        cases = {
            "known account, wrong password": "known@example.org",
            "unknown address": "nobody@example.org",
            "account without a password": "nopassword@example.org",
        }
        times: dict[str, list[float]] = {case: [] for case in cases}
        for n in range(rounds + 3):
            for case, email in cases.items():
                address = f"10.{n // 250}.{n % 250}.{list(cases).index(case) + 1}"
                with TestClient(app, client=(address, 50000)) as client:
                    started = time.perf_counter()
                    status = client.post(
                        "/api/auth/sign-in", json={"email": email, "password": f"wrong {n}"}
                    ).status_code
                    spent = (time.perf_counter() - started) * 1000
                assert status == 401, (case, status)
                if n >= 3:  # the first rounds warm up (the dummy hash is made once)
                    times[case].append(spent)
        db.close()
    medians = {case: statistics.median(values) for case, values in times.items()}
    base = medians["known account, wrong password"]
    return {
        **{f"{c} ms": m for c, m in medians.items()},
        **{f"{c} ratio": m / base for c, m in medians.items()},
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=40)
    args = parser.parse_args()
    figures = measure_sign_in_timing(args.rounds)
    ok = True
    print(f"Failed sign-ins, median of {args.rounds} each (in-process, SQLite):")
    for name, value in figures.items():
        if name.endswith(" ms"):
            case = name.removesuffix(" ms")
            ratio = figures[f"{case} ratio"]
            within = abs(ratio - 1) <= TOLERANCE
            ok = ok and within
            print(
                f"  {case:32} {value:7.1f} ms   ratio {ratio:4.2f}   {'ok' if within else 'OUT OF ±30 %'}"
            )
    print(
        f"Target: every case within ±{TOLERANCE:.0%} of a wrong password for a known account: {'met' if ok else 'missed'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
