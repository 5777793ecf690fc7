"""Money crosses the FFI as `decimal.Decimal`, exactly: no float, no rounding."""

import decimal
import random

import pytest

import billing_ffi as bf
from conftest import VECTORS

D = decimal.Decimal


def test_parsed_amounts_have_two_places():
    amount = bf.parse_money("12")
    assert isinstance(amount, D)
    assert amount == D(12)
    assert amount.as_tuple().exponent == -2


@pytest.mark.parametrize(
    "vector",
    [pytest.param(v, id=repr(v["input"])) for v in VECTORS["money"] if v["valid"]],
)
def test_round_trip_through_the_document_form(vector):
    amount = bf.parse_money(vector["input"])
    document = bf.format_money_document(amount)
    assert document.endswith(" грн")
    assert bf.parse_money(document.removesuffix(" грн")) == amount
    assert bf.format_money_document(D(vector["canonical"])) == document


def test_random_amounts_round_trip():
    rng = random.Random(7)
    for kopiyky in [0, 1, 99, 100, 99_999_999_999, *(rng.randrange(100_000_000_000) for _ in range(2000))]:
        amount = D(kopiyky).scaleb(-2)
        document = bf.format_money_document(amount)
        back = bf.parse_money(document.removesuffix(" грн"))
        assert back == amount, document
        assert back.as_tuple().exponent == -2


@pytest.mark.parametrize(
    ("amount", "document"),
    [
        (D("1.5"), "1,50 грн"),
        (D("1.500"), "1,50 грн"),  # trailing zeros are not decimals
        (D("1E+3"), "1 000,00 грн"),  # Python's str() gives the exponent form
        (D("0.1E-1"), "0,01 грн"),
        (D("-0"), "0,00 грн"),
        (D("999999999.99"), "999 999 999,99 грн"),
    ],
)
def test_any_exact_form_of_a_valid_amount_formats(amount, document):
    assert bf.format_money_document(amount) == document


@pytest.mark.parametrize(
    ("amount", "code"),
    [
        (D("1.005"), "money.too_many_decimals"),
        (D("0.1000000000000000000000000000001"), "money.too_many_decimals"),  # beyond 28 digits
        (D("-0.01"), "money.sign"),
        (D("1000000000"), "money.out_of_range"),
        (D("NaN"), "money.format"),
        (D("Infinity"), "money.format"),
        (D("-Infinity"), "money.sign"),  # the core reads the sign first
    ],
)
def test_invalid_amounts_are_billing_errors_not_internal_errors(amount, code):
    with pytest.raises(bf.BillingError.InvalidInput) as info:
        bf.format_money_document(amount)
    assert info.value.code == code


@pytest.mark.parametrize("not_a_decimal", [1.5, 0.1, 12, "12.00"])
def test_only_decimals_are_amounts(not_a_decimal):
    with pytest.raises(TypeError):
        bf.format_money_document(not_a_decimal)
