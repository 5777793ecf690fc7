"""Money in Python: decimal.Decimal in and out, exact checked arithmetic, the typed error."""

import decimal
from decimal import Decimal

import pytest

from billing_core import BillingError, InvalidInput, Money, MoneyError
from shared_vectors import VECTORS

VALID = [case for case in VECTORS["money"] if case["valid"]]


@pytest.mark.parametrize("case", VALID, ids=[repr(c["input"]) for c in VALID])
def test_decimal_round_trip(case: dict[str, str]) -> None:
    money = Money(case["input"])
    as_decimal = money.to_decimal()
    assert isinstance(as_decimal, Decimal)
    assert str(as_decimal) == case["canonical"]
    assert as_decimal.as_tuple().exponent == -2
    assert money.amount == as_decimal
    assert Money(as_decimal) == money
    assert money.kopiyky == int(as_decimal * 100)
    assert Money.from_kopiyky(money.kopiyky) == money


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("1.5"), "1.50"),
        (Decimal("1.500"), "1.50"),
        (Decimal("1E+3"), "1000.00"),
        (Decimal("0"), "0.00"),
        (Decimal("-0"), "0.00"),
        (Decimal("999999999.99"), "999999999.99"),
    ],
)
def test_from_decimal(value: Decimal, expected: str) -> None:
    assert str(Money(value)) == expected
    assert Money(value) == Money(expected)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (Decimal("1.005"), "money.too_many_decimals"),
        (Decimal("-1"), "money.sign"),
        (Decimal("1000000000"), "money.out_of_range"),
        # Beyond what rust_decimal holds: still the core's typed error, never a bare ValueError.
        (Decimal("NaN"), "money.format"),
        (Decimal("sNaN"), "money.format"),
        (Decimal("Infinity"), "money.format"),
        (Decimal("-Infinity"), "money.sign"),
        (Decimal("1E+40"), "money.exponent"),
        (Decimal(10**40), "money.out_of_range"),
    ],
)
def test_bad_decimals_raise_money_error(value: Decimal, code: str) -> None:
    with pytest.raises(MoneyError) as raised:
        Money(value)
    assert raised.value.code == code


def test_decimal_context_does_not_matter() -> None:
    with decimal.localcontext(prec=3):
        assert Money(Decimal("123456.78")).to_decimal() == Decimal("123456.78")


@pytest.mark.parametrize("value", [1.5, 1, True, None, b"1.00", ["1"]])
def test_only_str_or_decimal(value: object) -> None:
    with pytest.raises(TypeError, match="str or decimal.Decimal"):
        Money(value)  # type: ignore[arg-type]


def test_arithmetic_is_exact() -> None:
    assert Money("0.10") + Money("0.20") == Money("0.30")
    assert Money("1 200,50") - Money("0.51") == Money("1199.99")
    assert Money("5") - Money("5") == Money("0")
    total = Money("0")
    for _ in range(10):
        total += Money("0.10")
    assert total == Money("1.00")


def test_overflow_raises_the_typed_error() -> None:
    with pytest.raises(MoneyError) as raised:
        Money("999 999 999.99") + Money("0.01")
    assert raised.value.code == "money.overflow"
    assert isinstance(raised.value, InvalidInput)


def test_negative_result_raises_the_typed_error() -> None:
    with pytest.raises(MoneyError) as raised:
        Money("1") - Money("2")
    assert raised.value.code == "money.negative"
    assert raised.value.message == str(raised.value)
    assert isinstance(raised.value, BillingError)


@pytest.mark.parametrize("other", [1, Decimal("1"), "1", 1.0])
def test_arithmetic_with_other_types_is_a_type_error(other: object) -> None:
    with pytest.raises(TypeError):
        Money("1") + other  # type: ignore[operator]
    with pytest.raises(TypeError):
        other - Money("1")  # type: ignore[operator]


def test_order_and_sum() -> None:
    amounts = [Money("10"), Money("0.01"), Money("2,50")]
    assert sorted(amounts) == [Money("0.01"), Money("2.50"), Money("10")]
    assert max(amounts) == Money("10")
    assert Money("1") <= Money("1.00") < Money("1.01")
    assert sum(amounts, Money("0")) == Money("12.51")
    with pytest.raises(TypeError):
        assert Money("1") < Decimal("2")  # type: ignore[operator]


def test_from_kopiyky_range() -> None:
    assert str(Money.from_kopiyky(120_050)) == "1200.50"
    assert Money.from_kopiyky(99_999_999_999) == Money("999 999 999.99")
    for bad in (-1, 100_000_000_000):
        with pytest.raises(MoneyError) as raised:
            Money.from_kopiyky(bad)
        assert raised.value.code == "money.out_of_range"


def test_document_string() -> None:
    assert Money("1234567.8").to_document_string() == "1 234 567,80 грн"
