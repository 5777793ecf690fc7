"""Predicates: per value and in batches, agreeing with the classes, the GIL released for batches."""

import random
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest

import billing_core as bc

Kind = tuple[
    Callable[[str], object], Callable[[str], bool], Callable[[list[str]], list[bool]], type[Exception]
]
KINDS: dict[str, Kind] = {
    "edrpou": (bc.Edrpou, bc.is_valid_edrpou, bc.validate_edrpou_many, bc.EdrpouError),
    "rnokpp": (bc.Rnokpp, bc.is_valid_rnokpp, bc.validate_rnokpp_many, bc.RnokppError),
    "iban": (bc.Iban, bc.is_valid_iban, bc.validate_iban_many, bc.IbanError),
}


def candidates(kind: str, count: int, seed: int = 7) -> list[str]:
    """Random digit strings near the valid shape: about one in ten to eleven passes its check digit."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        if kind == "edrpou":
            out.append(f"{rng.randrange(10**8):08d}")
        elif kind == "rnokpp":
            out.append(f"{rng.randrange(10**10):010d}")
        else:
            bank, account = rng.choice(["322313", "305299", "322001"]), f"{rng.randrange(10**19):019d}"
            check = 98 - int(f"{bank}{account}301000") % 97
            if rng.random() < 0.3:
                check = (check + rng.randrange(1, 97)) % 97 + 2
            out.append(f"UA{check:02d}{bank}{account}")
    return out


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_predicate_is_exactly_the_parse_verdict(kind: str) -> None:
    parse, is_valid, many, error = KINDS[kind]
    values = candidates(kind, 3000)
    verdicts = []
    for value in values:
        try:
            parse(value)
            parsed = True
        except error:
            parsed = False
        assert is_valid(value) is parsed, value
        verdicts.append(parsed)
    assert many(values) == verdicts
    # Both verdicts occur, so the agreement means something.
    assert 0 < sum(verdicts) < len(verdicts)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_batch_shapes(kind: str) -> None:
    many = KINDS[kind][2]
    assert many([]) == []
    values = candidates(kind, 10)
    assert many(tuple(values)) == many(values)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        many([*values, 42])  # type: ignore[list-item]
    with pytest.raises(TypeError):
        many("32855961")  # type: ignore[arg-type]


def test_batches_run_concurrently_from_threads() -> None:
    values = candidates("iban", 20_000)
    expected = bc.validate_iban_many(values)
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(bc.validate_iban_many, [values] * 8))
    assert all(result == expected for result in results)


@pytest.mark.parametrize(
    "value", ["\ud800", "3285596\ud800", "３２８５５９６１", " 32855961", "32855961\n"]
)
def test_odd_strings_are_invalid_not_crashes(value: str) -> None:
    assert bc.is_valid_edrpou(value) is False
    assert bc.validate_edrpou_many([value, "32855961"]) == [False, True]
    with pytest.raises(bc.EdrpouError):
        bc.Edrpou(value)
