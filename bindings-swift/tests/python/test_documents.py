"""The document helpers the app shows: money formatting, the amount in words and the NBU payment QR."""

import base64
import decimal
import random

import pytest

import billing_ffi as bf
from conftest import SECTION_PATH, VECTORS

D = decimal.Decimal

#: The verified vectors of shared/reference/ukraine-domain.md, section 6 (the core's own test uses them).
WORDS = [
    ("0.00", "Нуль гривень 00 копійок"),
    ("0.01", "Нуль гривень 01 копійка"),
    ("0.02", "Нуль гривень 02 копійки"),
    ("1.00", "Одна гривня 00 копійок"),
    ("2.00", "Дві гривні 00 копійок"),
    ("5.00", "П'ять гривень 00 копійок"),
    ("11.00", "Одинадцять гривень 00 копійок"),
    ("21.21", "Двадцять одна гривня 21 копійка"),
    ("22.22", "Двадцять дві гривні 22 копійки"),
    ("1200.00", "Одна тисяча двісті гривень 00 копійок"),
    ("2002.02", "Дві тисячі дві гривні 02 копійки"),
    ("21021.21", "Двадцять одна тисяча двадцять одна гривня 21 копійка"),
    ("1000000.00", "Один мільйон гривень 00 копійок"),
    (
        "2345678.91",
        "Два мільйони триста сорок п'ять тисяч шістсот сімдесят вісім гривень 91 копійка",
    ),
]


@pytest.mark.parametrize(("amount", "words"), WORDS, ids=[a for a, _ in WORDS])
def test_amount_in_words(amount, words):
    assert bf.amount_in_words(D(amount)) == words


@pytest.mark.parametrize(
    ("amount", "code"),
    [(D("1.005"), "money.too_many_decimals"), (D("-1"), "money.sign"), (D("1E+9"), "money.out_of_range")],
)
def test_amount_in_words_refuses_what_is_not_an_amount(amount, code):
    with pytest.raises(bf.BillingError.InvalidInput) as info:
        bf.amount_in_words(amount)
    assert info.value.code == code


@pytest.mark.parametrize(
    "vector",
    [pytest.param(v, id=repr(v["input"])) for v in VECTORS["money"] if v["valid"]],
)
def test_grouped_form_is_the_document_form_without_the_currency(vector):
    amount = D(vector["canonical"])
    assert bf.format_money_grouped(amount) + " грн" == vector["document"]


def test_grouped_form_splits_thousands():
    rng = random.Random(11)
    for kopiyky in [0, 5, 100_000, 99_999_999_999, *(rng.randrange(10**11) for _ in range(500))]:
        amount = D(kopiyky).scaleb(-2)
        grouped = bf.format_money_grouped(amount)
        whole, cents = grouped.split(",")
        groups = whole.split(" ")
        assert all(len(g) == 3 for g in groups[1:]) and 1 <= len(groups[0]) <= 3, grouped
        assert D("".join(groups) + "." + cents) == amount


def qr_request(**changes):
    fields = dict(
        format=bf.NbuQrFormat.V002,
        receiver_name='ТОВ "Хорошоп"',
        iban="UA21 3223 1300 0002 6007 2335 6600 1",
        receiver_code="32855961",
        amount=D("309.68"),
        invoice_number="HOR-11111-001",
        purpose_suffix="у т.ч. ПДВ 51,61 грн",
    )
    fields.update(changes)
    return bf.PaymentQrRequest(**fields)


def qr_lines(url: str, prefix: str) -> list:
    assert url.startswith(prefix)
    data = url.removeprefix(prefix)
    assert "=" not in data, "Base64URL without padding"
    return base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)).decode("utf-8").split("\n")


def test_qr_002_carries_the_invoice():
    code = bf.payment_qr(qr_request())
    assert code.purpose == "Оплата за рахунком № HOR-11111-001, у т.ч. ПДВ 51,61 грн"
    assert qr_lines(code.url, "https://bank.gov.ua/qr/") == [
        "BCD",
        "002",
        "1",
        "UCT",
        "",
        'ТОВ "Хорошоп"',
        "UA213223130000026007233566001",
        "UAH309.68",
        "32855961",
        "",
        "",
        code.purpose,
        "",
    ]


def test_qr_003_has_a_purpose_code_and_the_invoice_as_reference():
    code = bf.payment_qr(qr_request(format=bf.NbuQrFormat.V003, purpose_suffix=None))
    lines = qr_lines(code.url, "https://qr.bank.gov.ua/")
    assert len(lines) == 17
    assert lines[1] == "003"
    assert lines[9:12] == ["OTHR/OTHR", "HOR-11111-001", "Оплата за рахунком № HOR-11111-001"]
    custom = bf.payment_qr(qr_request(format=bf.NbuQrFormat.V003, purpose_code="SUPP/SUPP"))
    assert qr_lines(custom.url, "https://qr.bank.gov.ua/")[9] == "SUPP/SUPP"


def test_qr_amount_is_always_two_decimals():
    code = bf.payment_qr(qr_request(amount=D("12")))
    assert qr_lines(code.url, "https://bank.gov.ua/qr/")[7] == "UAH12.00"


def test_qr_of_the_fixture_invoice():
    section = bf.decode_billing_section(SECTION_PATH.read_text(encoding="utf-8"))
    invoice = section.invoices[0]
    code = bf.payment_qr(qr_request(amount=invoice.total, invoice_number=invoice.number.value))
    assert qr_lines(code.url, "https://bank.gov.ua/qr/")[7] == "UAH309.68"


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"iban": "UA21 3223 1300 0002 6007 2335 6600 2"}, "iban.checksum"),
        ({"receiver_code": "32855968"}, "edrpou.checksum"),
        ({"receiver_code": "123"}, "tax_id.length"),
        ({"amount": D("309.685")}, "money.too_many_decimals"),
        ({"amount": D("NaN")}, "money.format"),
        ({"invoice_number": "HOR-11111-1"}, "invoice_number.sequence"),
        ({"receiver_name": "Р" * 71}, "nbu_qr.too_long"),
        ({"receiver_name": " "}, "nbu_qr.missing"),
        ({"format": bf.NbuQrFormat.V003, "purpose_code": "OTHR/OTHR/X"}, "nbu_qr.too_long"),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_qr_inputs_are_checked_by_the_core(changes, code):
    with pytest.raises(bf.BillingError.InvalidInput) as info:
        bf.payment_qr(qr_request(**changes))
    assert info.value.code == code
    assert info.value.message
