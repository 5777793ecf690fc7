"""Validation throughput: billing_core against python-stdnum and schwifty, in one run.

Generates N values per kind (ЄДРПОУ, РНОКПП, IBAN; 90 % valid, the rest with a wrong check digit,
a wrong length or a letter), then times, on the same list:

- ours, one call per value: ``billing_core.is_valid_edrpou`` etc.;
- ours, one call per list: ``billing_core.validate_edrpou_many`` etc. (the GIL released);
- the peer, one call per value: ``stdnum.ua.edrpou.is_valid``, ``stdnum.ua.rntrc.is_valid``, and
  schwifty's ``IBAN(value)`` in try/except (its cheapest full check: characters, length, the
  country's BBAN format and the mod-97 digits; ``validate_bban=True`` adds only national checksums,
  which Ukraine does not have, at twice the cost plus a warning per call).

It prints values per second and our speed-up over the peer, and fails if any verdict differs.
The generators use the peers' own check-digit code or plain arithmetic, never billing_core.

Run with the release build of the binding (from the repository root)::

    python3 -m venv .venv && . .venv/bin/activate
    pip install -r bindings-python/requirements-dev.txt -r benches/python/requirements.txt
    (cd bindings-python && maturin develop --release)
    python benches/python/bench_validate.py            # --count 1000000 by default
"""

from __future__ import annotations

import argparse
import gc
import random
import sys
import time
from collections.abc import Callable, Sequence

import stdnum.ua.edrpou
import stdnum.ua.rntrc
from schwifty import IBAN

import billing_core

VALID_SHARE = 0.9
# Head offices from billing-core's bank table, so valid IBANs look like real Ukrainian ones.
MFOS = ["300001", "300335", "300465", "305299", "322001", "322313", "334851", "351005"]


def spoil(rng: random.Random, value: str) -> str:
    """An invalid variant: a wrong check digit, one character short or long, or a letter inside."""
    kind = rng.randrange(4)
    if kind == 0:
        last = value[-1]
        return value[:-1] + rng.choice([d for d in "0123456789" if d != last])
    if kind == 1:
        return value[:-1]
    if kind == 2:
        return value + rng.choice("0123456789")
    i = rng.randrange(len(value))
    return value[:i] + rng.choice("ABCXYZ") + value[i + 1 :]


def gen_edrpou(rng: random.Random) -> str:
    """A valid ЄДРПОУ, its check digit from python-stdnum."""
    body = f"{rng.randrange(10**7):07d}"
    return body + stdnum.ua.edrpou.calc_check_digit(body)


def gen_rnokpp(rng: random.Random) -> str:
    """A valid РНОКПП, its check digit from python-stdnum."""
    body = f"{rng.randrange(10**9):09d}"
    return body + stdnum.ua.rntrc.calc_check_digit(body)


def gen_iban(rng: random.Random) -> str:
    """A valid Ukrainian IBAN in electronic form."""
    bban = rng.choice(MFOS) + f"{rng.randrange(10**19):019d}"
    # ISO 13616: move "UA00" to the end, letters as numbers (U=30, A=10), check = 98 - n mod 97.
    check = 98 - int(bban + "301000") % 97
    return f"UA{check:02d}{bban}"


def spoil_iban(rng: random.Random, value: str) -> str:
    """An invalid IBAN: wrong check digits, or one of the generic spoils."""
    if rng.random() < 0.5:
        check = int(value[2:4])
        return f"UA{(check + rng.randrange(1, 96) - 2) % 96 + 2:02d}{value[4:]}"
    return spoil(rng, value)


def generate(
    count: int,
    make: Callable[[random.Random], str],
    bad: Callable[[random.Random, str], str],
    seed: int,
) -> list[str]:
    """`count` values from `make`, a tenth of them spoiled by `bad`; the same for the same seed."""
    rng = random.Random(seed)
    return [make(rng) if rng.random() < VALID_SHARE else bad(rng, make(rng)) for _ in range(count)]


def schwifty_is_valid(value: str) -> bool:
    """schwifty's verdict: whether `IBAN(value)` constructs (it validates on construction)."""
    try:
        IBAN(value)
    except ValueError:
        return False
    return True


def timed(run: Callable[[], list[bool]], repeat: int) -> tuple[float, list[bool]]:
    """The best wall time of `repeat` runs, and the verdicts of the last."""
    best = float("inf")
    result: list[bool] = []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - start)
    return best, result


def per_value(check: Callable[[str], bool], values: Sequence[str]) -> Callable[[], list[bool]]:
    """A run that calls `check` once per value."""
    return lambda: list(map(check, values))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=1_000_000, help="values per kind")
    parser.add_argument("--repeat", type=int, default=3, help="best of N runs for ours (peer: 1)")
    args = parser.parse_args(argv)

    # (kind, generator, spoiler, ours per value, ours per list, peer's name, peer)
    kinds = [
        ("ЄДРПОУ", gen_edrpou, spoil,
         billing_core.is_valid_edrpou, billing_core.validate_edrpou_many,
         "stdnum.ua.edrpou.is_valid", stdnum.ua.edrpou.is_valid),
        ("РНОКПП", gen_rnokpp, spoil,
         billing_core.is_valid_rnokpp, billing_core.validate_rnokpp_many,
         "stdnum.ua.rntrc.is_valid", stdnum.ua.rntrc.is_valid),
        ("IBAN", gen_iban, spoil_iban,
         billing_core.is_valid_iban, billing_core.validate_iban_many,
         "schwifty IBAN(value)", schwifty_is_valid),
    ]  # fmt: skip
    version = sys.version.split()[0]
    print(f"billing_core {billing_core.__version__}, Python {version}, {args.count:,} values per kind")
    header = f"{'kind':<8} {'implementation':<30} {'values/s':>14} {'ns/value':>10} {'vs peer':>9}"
    print(header)
    print("-" * len(header))
    failed = False
    for seed, (kind, make, bad, ours, ours_many, peer_name, peer) in enumerate(kinds):
        values = generate(args.count, make, bad, seed)
        peer_time, expected = timed(per_value(peer, values), 1)
        rows = [
            (f"billing_core {ours.__name__}", *timed(per_value(ours, values), args.repeat)),
            (f"billing_core {ours_many.__name__}", *timed(lambda: ours_many(values), args.repeat)),
            (peer_name, peer_time, expected),
        ]
        for name, seconds, verdicts in rows:
            rate = len(values) / seconds
            ns = seconds / len(values) * 1e9
            print(f"{kind:<8} {name:<30} {rate:>14,.0f} {ns:>10.1f} {peer_time / seconds:>8.1f}x")
            mismatches = [v for v, got, want in zip(values, verdicts, expected) if got != want]
            if mismatches:
                failed = True
                print(f"  !! {len(mismatches)} verdicts differ from the peer, e.g. {mismatches[:3]}")
        print(f"{'':<8} (valid: {sum(expected):,} of {len(values):,})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
