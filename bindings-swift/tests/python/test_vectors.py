"""Every vector of billing-core/tests/data/vectors.json, through the uniffi Python module."""

import datetime
import decimal
import random

import pytest

import billing_ffi as bf
from conftest import VECTORS

#: The parser the binding exports for each area of the vectors file.
PARSERS = {
    "edrpou": bf.parse_edrpou,
    "rnokpp": bf.parse_rnokpp,
    "tax_id": bf.parse_tax_id,
    "iban": bf.parse_iban,
    "money": bf.parse_money,
    "service_code": bf.parse_service_code,
    "invoice_number": bf.parse_invoice_number,
    "email": bf.parse_email,
    "phone": bf.parse_phone,
}

#: The predicates, each the verdict of its parser.
PREDICATES = {
    "edrpou": (bf.is_valid_edrpou, bf.parse_edrpou),
    "rnokpp": (bf.is_valid_rnokpp, bf.parse_rnokpp),
    "iban": (bf.is_valid_iban, bf.parse_iban),
}

SEXES = {"male": bf.Sex.MALE, "female": bf.Sex.FEMALE}


def vectors(area: str, valid: bool):
    return [
        pytest.param(v, id=repr(v["input"])) for v in VECTORS[area] if v["valid"] is valid
    ]


def invalid_vectors():
    return [
        pytest.param(area, v, id=f"{area}:{v['input']!r}")
        for area in sorted(VECTORS)
        for v in VECTORS[area]
        if not v["valid"]
    ]


def all_inputs():
    return sorted({v["input"] for cases in VECTORS.values() for v in cases})


def test_every_area_of_the_vectors_is_covered():
    assert set(VECTORS) == set(PARSERS), "a new area in vectors.json needs its parser here"
    assert all(VECTORS[area] for area in PARSERS)


@pytest.mark.parametrize(("area", "vector"), invalid_vectors())
def test_invalid_inputs_raise_the_core_code(area, vector):
    with pytest.raises(bf.BillingError.InvalidInput) as info:
        PARSERS[area](vector["input"])
    assert info.value.code == vector["code"]
    assert info.value.message


@pytest.mark.parametrize("vector", vectors("edrpou", True))
def test_valid_edrpou(vector):
    assert bf.parse_edrpou(vector["input"]) == bf.Edrpou(value=vector["input"])


@pytest.mark.parametrize("vector", vectors("rnokpp", True))
def test_valid_rnokpp(vector):
    person = bf.parse_rnokpp(vector["input"])
    assert person.value == vector["input"]
    assert isinstance(person.birth_date, datetime.date)
    assert person.sex in SEXES.values()
    if "birth_date" in vector:
        assert person.birth_date == datetime.date.fromisoformat(vector["birth_date"])
    if "sex" in vector:
        assert person.sex == SEXES[vector["sex"]]


@pytest.mark.parametrize("vector", vectors("tax_id", True))
def test_valid_tax_id(vector):
    tax_id = bf.parse_tax_id(vector["input"])
    if vector["kind"] == "company":
        assert tax_id.is_company()
        assert tax_id.edrpou == bf.parse_edrpou(vector["input"])
    else:
        assert vector["kind"] == "sole_proprietor"
        assert tax_id.is_sole_proprietor()
        assert tax_id.rnokpp == bf.parse_rnokpp(vector["input"])


@pytest.mark.parametrize("vector", vectors("iban", True))
def test_valid_iban(vector):
    iban = bf.parse_iban(vector["input"])
    assert iban.electronic == vector["electronic"]
    assert iban.is_ukrainian is vector["ukrainian"]
    assert iban.country_code == vector["electronic"][:2]
    assert iban.mfo == vector["mfo"]
    assert iban.bank_name == vector["bank"]
    groups = [iban.electronic[i : i + 4] for i in range(0, len(iban.electronic), 4)]
    assert iban.print_form == " ".join(groups)
    assert bf.parse_iban(iban.print_form) == iban


@pytest.mark.parametrize("vector", vectors("money", True))
def test_valid_money(vector):
    amount = bf.parse_money(vector["input"])
    assert isinstance(amount, decimal.Decimal)
    assert str(amount) == vector["canonical"]
    assert bf.format_money_document(amount) == vector["document"]


@pytest.mark.parametrize("vector", vectors("service_code", True))
def test_valid_service_code(vector):
    assert bf.parse_service_code(vector["input"]) == vector["canonical"]


@pytest.mark.parametrize("vector", vectors("invoice_number", True))
def test_valid_invoice_number(vector):
    number = bf.parse_invoice_number(vector["input"])
    assert (number.prefix, number.service_code, number.sequence) == (
        vector["prefix"],
        vector["service_code"],
        vector["sequence"],
    )
    assert number.value == vector["input"]
    assert bf.parse_invoice_number(number.value) == number


@pytest.mark.parametrize("vector", vectors("email", True))
def test_valid_email(vector):
    assert bf.parse_email(vector["input"]) == vector["canonical"]


@pytest.mark.parametrize("vector", vectors("phone", True))
def test_valid_phone(vector):
    assert bf.parse_phone(vector["input"]) == vector["canonical"]


def mutations(seed: int, count: int):
    """Inputs near the vectors: one digit changed, dropped, doubled or made full-width."""
    rng = random.Random(seed)
    base = [s for s in all_inputs() if s]
    for _ in range(count):
        s = rng.choice(base)
        i = rng.randrange(len(s))
        op = rng.randrange(4)
        if op == 0:
            yield s[:i] + rng.choice("0123456789") + s[i + 1 :]
        elif op == 1:
            yield s[:i] + s[i + 1 :]
        elif op == 2:
            yield s[:i] + s[i] + s[i:]
        else:
            yield s[:i] + chr(0xFF10 + rng.randrange(10)) + s[i + 1 :]


@pytest.mark.parametrize("area", sorted(PREDICATES))
def test_predicates_agree_with_parsers(area):
    is_valid, parse = PREDICATES[area]
    checked = 0
    for text in [*all_inputs(), *mutations(seed=20261125, count=3000)]:
        try:
            parse(text)
            parsed = True
        except bf.BillingError.InvalidInput:
            parsed = False
        assert is_valid(text) is parsed, text
        checked += 1
    assert checked > 3000


@pytest.mark.parametrize("area", sorted(PREDICATES))
def test_predicates_match_the_vectors(area):
    is_valid, _ = PREDICATES[area]
    for vector in VECTORS[area]:
        assert is_valid(vector["input"]) is vector["valid"], vector["input"]
