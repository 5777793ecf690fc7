"""Every shared vector, checked against the binding: the same verdicts, codes and fields as the core."""

import datetime
from collections.abc import Callable
from typing import Any

import pytest

import billing_core as bc
from shared_vectors import VECTORS

# Per area: the class that parses it, the exception its failures raise, and how its extra fields read.
Check = Callable[[Any, dict[str, Any]], None]


def check_rnokpp(value: bc.Rnokpp, case: dict[str, Any]) -> None:
    assert str(value) == case["input"]
    if "birth_date" in case:
        assert value.birth_date == datetime.date.fromisoformat(case["birth_date"])
    if "sex" in case:
        assert value.sex == case["sex"]


def check_iban(value: bc.Iban, case: dict[str, Any]) -> None:
    assert str(value) == value.electronic == case["electronic"]
    assert value.is_ukrainian is case["ukrainian"]
    assert value.mfo == case["mfo"]
    assert value.bank_name == case["bank"]
    assert bc.Iban(value.print_form) == value


def check_money(value: bc.Money, case: dict[str, Any]) -> None:
    assert str(value) == case["canonical"]
    assert value.to_document_string() == case["document"]


def check_invoice_number(value: bc.InvoiceNumber, case: dict[str, Any]) -> None:
    assert str(value) == case["input"]
    assert value.prefix == case["prefix"]
    assert str(value.service_code) == case["service_code"]
    assert value.sequence == case["sequence"]


def check_tax_id(value: bc.TaxId, case: dict[str, Any]) -> None:
    assert str(value) == case["input"]
    assert value.kind == case["kind"]


def check_same_text(value: object, case: dict[str, Any]) -> None:
    assert str(value) == case["input"]


def check_canonical(value: object, case: dict[str, Any]) -> None:
    assert str(value) == case["canonical"]


AREAS: dict[str, tuple[type, type[bc.InvalidInput], Check, set[str]]] = {
    "edrpou": (bc.Edrpou, bc.EdrpouError, check_same_text, set()),
    "rnokpp": (bc.Rnokpp, bc.RnokppError, check_rnokpp, {"birth_date", "sex"}),
    "iban": (bc.Iban, bc.IbanError, check_iban, {"electronic", "ukrainian", "mfo", "bank"}),
    "money": (bc.Money, bc.MoneyError, check_money, {"canonical", "document"}),
    "service_code": (bc.ServiceCode, bc.ServiceCodeError, check_canonical, {"canonical"}),
    "invoice_number": (
        bc.InvoiceNumber,
        bc.InvoiceNumberError,
        check_invoice_number,
        {"prefix", "service_code", "sequence"},
    ),
    "tax_id": (bc.TaxId, bc.TaxIdError, check_tax_id, {"kind"}),
    "email": (bc.Email, bc.EmailError, check_canonical, {"canonical"}),
    "phone": (bc.Phone, bc.PhoneError, check_canonical, {"canonical"}),
}

PREDICATES: dict[str, Callable[[str], bool]] = {
    "edrpou": bc.is_valid_edrpou,
    "rnokpp": bc.is_valid_rnokpp,
    "iban": bc.is_valid_iban,
}

BATCHES: dict[str, Callable[[list[str]], list[bool]]] = {
    "edrpou": bc.validate_edrpou_many,
    "rnokpp": bc.validate_rnokpp_many,
    "iban": bc.validate_iban_many,
}

CASES = [
    pytest.param(area, case, id=f"{area}-{i}-{case['input']!r}")
    for area, cases in VECTORS.items()
    for i, case in enumerate(cases)
]


def test_every_area_of_the_vectors_is_covered() -> None:
    assert set(VECTORS) == set(AREAS)
    assert len(CASES) > 100


@pytest.mark.parametrize(("area", "case"), CASES)
def test_vector(area: str, case: dict[str, Any]) -> None:
    cls, error, check, fields = AREAS[area]
    if case["valid"]:
        # A field the binding does not check would pass silently: fail instead.
        assert set(case) - {"input", "valid"} <= fields
        check(cls(case["input"]), case)
    else:
        assert set(case) == {"input", "valid", "code"}
        with pytest.raises(error) as raised:
            cls(case["input"])
        assert type(raised.value) is error
        assert raised.value.code == case["code"]
        assert raised.value.message
        assert str(raised.value) == raised.value.message


@pytest.mark.parametrize(("area", "case"), [c for c in CASES if c.values[0] in PREDICATES])
def test_predicate_agrees_with_the_vector(area: str, case: dict[str, Any]) -> None:
    assert PREDICATES[area](case["input"]) is case["valid"]


@pytest.mark.parametrize("area", sorted(PREDICATES))
def test_batch_agrees_with_the_vectors(area: str) -> None:
    inputs = [case["input"] for case in VECTORS[area]]
    assert BATCHES[area](inputs) == [case["valid"] for case in VECTORS[area]]
