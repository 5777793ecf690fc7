"""Document helpers from the core: the amount in words and the NBU payment QR payload."""

import base64
from decimal import Decimal

import pytest

import billing_core as bc


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("0", "Нуль гривень 00 копійок"),
        ("1.01", "Одна гривня 01 копійка"),
        ("2.02", "Дві гривні 02 копійки"),
        ("11.11", "Одинадцять гривень 11 копійок"),
        ("1200.50", "Одна тисяча двісті гривень 50 копійок"),
        ("2000000", "Два мільйони гривень 00 копійок"),
    ],
)
def test_amount_in_words(amount: str, words: str) -> None:
    assert bc.amount_in_words(amount) == words
    assert bc.amount_in_words(bc.Money(amount)) == words
    assert bc.amount_in_words(Decimal(amount)) == words


def test_amount_in_words_takes_no_float_or_bad_amount() -> None:
    with pytest.raises(TypeError):
        bc.amount_in_words(1.5)  # type: ignore[arg-type]
    with pytest.raises(bc.MoneyError):
        bc.amount_in_words("1.001")


def qr(**overrides: object) -> bc.PaymentQr:
    args: dict[str, object] = {
        "receiver_name": 'ТОВ "Хорошоп"',
        "iban": "UA213223130000026007233566001",
        "receiver_code": "32855961",
        "amount": "1200",
        "invoice": "HOR-11111-007",
        "purpose_suffix": "без ПДВ",
    }
    args.update(overrides)
    return bc.PaymentQr(**args)  # type: ignore[arg-type]


def test_payment_qr_002() -> None:
    code = qr()
    assert code.format == "002"
    assert (code.iban, code.amount, code.invoice) == (
        bc.Iban("UA213223130000026007233566001"),
        bc.Money("1200.00"),
        bc.InvoiceNumber("HOR-11111-007"),
    )
    assert code.receiver_code.kind == "company"
    assert code.purpose() == "Оплата за рахунком № HOR-11111-007, без ПДВ"
    fields = code.fields()
    assert (fields.amount, fields.purpose_code, fields.reference) == ("UAH1200.00", "", "")
    url = code.url()
    assert url.startswith("https://bank.gov.ua/qr/QkNECjAwMgox")
    data = base64.urlsafe_b64decode(url.removeprefix("https://bank.gov.ua/qr/") + "==").decode()
    assert data == fields.data()
    assert data.split("\n")[:4] == ["BCD", "002", "1", "UCT"]
    assert code == qr() and code != qr(amount="1")


def test_payment_qr_003_takes_value_classes() -> None:
    code = qr(
        format="003",
        iban=bc.Iban("UA21 3223 1300 0002 6007 2335 6600 1"),
        receiver_code=bc.TaxId("32855961"),
        amount=bc.Money("0.5"),
        invoice=bc.InvoiceNumber("HOR-11111-007"),
        purpose_suffix=None,
    )
    fields = code.fields()
    assert (fields.format, fields.amount, fields.purpose_code) == ("003", "UAH0.50", "OTHR/OTHR")
    assert fields.reference == "HOR-11111-007"
    assert code.url().startswith("https://qr.bank.gov.ua/")
    assert len(fields.data().split("\n")) == 17


def test_payment_qr_bad_input() -> None:
    with pytest.raises(bc.IbanError):
        qr(iban="UA213223130000026007233566002")
    with pytest.raises(bc.TaxIdError):
        qr(receiver_code="32855968")
    with pytest.raises(bc.NbuQrError) as bad_format:
        qr(format="004")
    assert bad_format.value.code == "nbu_qr.invalid"
    with pytest.raises(bc.NbuQrError) as too_long:
        qr(receiver_name="Р" * 71).url()
    assert too_long.value.code == "nbu_qr.too_long"
    assert isinstance(too_long.value, ValueError)


def test_nbu_qr_fields_worked_vector_002() -> None:
    """NBU example 1 (format 002), the reference's URL exactly (as the core's own test)."""
    fields = bc.NbuQrFields(
        function="UCT",
        receiver_name="ПрАТ АК “Водопостачання”",
        iban="UA783226690000026005012107132",
        amount="UAH576.45",
        receiver_code="40723825",
        purpose="Оплата за червень 2019, вул. Свободи 1, кв. 24, Петренко С. І. Показання лічильника 23578,3",
    )
    assert len(fields.data().encode()) == 263
    assert fields.encode() == (
        "https://bank.gov.ua/qr/QkNECjAwMgoxClVDVAoK0J_RgNCQ0KIg0JDQmiDigJzQktC-0LTQvtC_0L7RgdGC0LDRh9Cw0L3QvdGP4oCdClVBNzgzMjI2NjkwMDAwMDI2MDA1MDEyMTA3MTMyClVBSDU3Ni40NQo0MDcyMzgyNQoKCtCe0L_Qu9Cw0YLQsCDQt9CwINGH0LXRgNCy0LXQvdGMIDIwMTksINCy0YPQuy4g0KHQstC-0LHQvtC00LggMSwg0LrQsi4gMjQsINCf0LXRgtGA0LXQvdC60L4g0KEuINCGLiDQn9C-0LrQsNC30LDQvdC90Y8g0LvRltGH0LjQu9GM0L3QuNC60LAgMjM1NzgsMwo"
    )
    assert fields.purpose.startswith("Оплата за червень")


def test_nbu_qr_fields_errors() -> None:
    with pytest.raises(bc.NbuQrError) as missing:
        bc.NbuQrFields(receiver_name="x", iban="UA213223130000026007233566001", receiver_code="1").encode()
    assert missing.value.code == "nbu_qr.missing"
    with pytest.raises(bc.NbuQrError):
        bc.NbuQrFields(format="001")  # type: ignore[arg-type]
