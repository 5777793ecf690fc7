"""Value classes: equality and hashing by value, immutability, repr/pickle round trips, properties."""

import copy
import datetime
import pickle
from typing import Any

import pytest

import billing_core as bc
from shared_vectors import VECTORS

CLASSES: dict[str, Any] = {
    "edrpou": bc.Edrpou,
    "rnokpp": bc.Rnokpp,
    "tax_id": bc.TaxId,
    "iban": bc.Iban,
    "money": bc.Money,
    "service_code": bc.ServiceCode,
    "invoice_number": bc.InvoiceNumber,
    "email": bc.Email,
    "phone": bc.Phone,
}

VALUES = [
    pytest.param(CLASSES[area](case["input"]), id=f"{area}-{case['input']!r}")
    for area, cases in VECTORS.items()
    for case in cases
    if case["valid"]
]


@pytest.mark.parametrize("cls", CLASSES.values())
def test_class_identity(cls: type) -> None:
    assert cls.__module__ == "billing_core"
    assert getattr(bc, cls.__name__) is cls
    assert cls.__doc__


@pytest.mark.parametrize("value", VALUES)
def test_round_trips(value: Any) -> None:
    cls = type(value)
    assert cls(str(value)) == value
    assert eval(repr(value), {cls.__name__: cls}) == value
    assert pickle.loads(pickle.dumps(value)) == value
    assert copy.deepcopy(value) == value
    assert hash(cls(str(value))) == hash(value)


@pytest.mark.parametrize("value", VALUES)
def test_immutable(value: Any) -> None:
    with pytest.raises(AttributeError):
        value.anything = 1
    with pytest.raises(AttributeError):
        del value.anything
    assert not hasattr(value, "__dict__")


@pytest.mark.parametrize("cls", CLASSES.values())
def test_final(cls: type) -> None:
    with pytest.raises(TypeError):
        type("Sub", (cls,), {})


@pytest.mark.parametrize("cls", CLASSES.values())
def test_constructor_wants_str(cls: type) -> None:
    with pytest.raises(TypeError):
        cls(12345678)


@pytest.mark.parametrize(
    ("cls", "forms"),
    [
        (bc.Iban, ["UA213223130000026007233566001", "ua21 3223 1300 0002 6007 2335 6600 1"]),
        (bc.Money, ["1200.5", "1 200,50", "1200.50"]),
        (bc.Email, ["owner@SHOP.ua", " owner@shop.UA "]),
        (bc.Phone, ["050 123 45 67", "+380501234567", "(050) 123-45-67"]),
    ],
)
def test_equal_by_value_across_written_forms(cls: Any, forms: list[str]) -> None:
    values = [cls(form) for form in forms]
    assert len(set(values)) == 1
    assert len({hash(v) for v in values}) == 1
    assert {values[0]: "x"}[values[-1]] == "x"


def test_not_equal_to_other_types() -> None:
    code = "32855961"
    assert bc.Edrpou(code) != code
    assert bc.Edrpou(code) != bc.TaxId(code)
    assert bc.Edrpou(code) != bc.Edrpou("14360570")
    assert bc.ServiceCode("00042") != 42


def test_read_only_properties() -> None:
    iban = bc.Iban("UA213223130000026007233566001")
    with pytest.raises(AttributeError):
        iban.mfo = "305299"  # type: ignore[misc]
    assert iban.mfo == "322313"


def test_rnokpp() -> None:
    person = bc.Rnokpp("3068208400")
    assert person.birth_date == datetime.date(1984, 1, 2)
    assert type(person.birth_date) is datetime.date
    assert person.sex == "female"


def test_tax_id_kinds() -> None:
    company = bc.TaxId("32855961")
    assert (company.kind, company.edrpou, company.rnokpp) == ("company", bc.Edrpou("32855961"), None)
    person = bc.TaxId("3652504575")
    assert (person.kind, person.edrpou) == ("sole_proprietor", None)
    assert person.rnokpp == bc.Rnokpp("3652504575")


def test_iban_forms() -> None:
    iban = bc.Iban("de89 3704 0044 0532 0130 00")
    assert iban.electronic == "DE89370400440532013000"
    assert iban.print_form == "DE89 3704 0044 0532 0130 00"
    assert (iban.country_code, iban.is_ukrainian, iban.mfo, iban.bank_name) == ("DE", False, None, None)


def test_invoice_number_parts() -> None:
    number = bc.InvoiceNumber("AB-00042-001")
    assert number.service_code == bc.ServiceCode("00042")
    assert number.service_code.value == 42
    assert (number.prefix, number.sequence) == ("AB", 1)


def test_email_same_mailbox() -> None:
    assert bc.Email("Owner@shop.ua").same_mailbox(bc.Email("owner@SHOP.UA"))
    assert bc.Email("Owner@shop.ua") != bc.Email("owner@shop.ua")
    assert not bc.Email("a@shop.ua").same_mailbox(bc.Email("b@shop.ua"))


def test_version() -> None:
    assert bc.__version__.count(".") == 2
