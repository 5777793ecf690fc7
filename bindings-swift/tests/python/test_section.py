"""The billing section read model: the JSON the engine produces, decoded through the core's serde
definition into uniffi records (what Swift gets as `BillingSection`)."""

import asyncio
import copy
import datetime
import decimal
import enum
import json

import pytest

import billing_ffi as bf
from conftest import SECTION_PATH

D = decimal.Decimal
UTC = datetime.timezone.utc

#: The committed output of the shared scenario (billing-engine/tests/section_fixture.rs).
FIXTURE_TEXT = SECTION_PATH.read_text(encoding="utf-8")
FIXTURE = json.loads(FIXTURE_TEXT)


def decode(data) -> "bf.BillingSection":
    return bf.decode_billing_section(json.dumps(data, ensure_ascii=False))


def instant(text: str) -> datetime.datetime:
    """An RFC 3339 instant as chrono writes it (`2026-03-16T08:00:00Z`)."""
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


def assert_mirrors(value, data, path="section"):
    """Every JSON field has its record field with the same value, and no record field is extra.

    Driven by the record's Python types: `Decimal` compares with the JSON text exactly (scale too),
    `datetime` with the RFC 3339 instant, `date` with `YYYY-MM-DD`, an enum with its snake_case name,
    the `InvoiceNumber` record with the canonical number.
    """
    if data is None:
        assert value is None, path
    elif isinstance(data, dict):
        fields = {k for k in vars(value) if not k.startswith("_")}
        assert fields == set(data), f"{path}: record fields {sorted(fields)} != JSON {sorted(data)}"
        for key, item in data.items():
            assert_mirrors(getattr(value, key), item, f"{path}.{key}")
    elif isinstance(data, list):
        assert isinstance(value, list), path
        assert len(value) == len(data), path
        for i, (v, d) in enumerate(zip(value, data)):
            assert_mirrors(v, d, f"{path}[{i}]")
    elif isinstance(data, bool) or isinstance(data, int):
        assert type(value) is type(data) and value == data, f"{path}: {value!r} != {data!r}"
    elif isinstance(value, D):
        assert str(value) == data, f"{path}: {value!r} != {data!r}"
    elif isinstance(value, datetime.datetime):
        assert value.tzinfo is not None, f"{path}: a naive datetime"
        assert value == instant(data), f"{path}: {value!r} != {data!r}"
    elif isinstance(value, datetime.date):
        assert value == datetime.date.fromisoformat(data), f"{path}: {value!r} != {data!r}"
    elif isinstance(value, enum.Enum):
        assert value.name.lower() == data, f"{path}: {value!r} != {data!r}"
    elif isinstance(value, bf.InvoiceNumber):
        assert value == bf.parse_invoice_number(data), f"{path}: {value!r} != {data!r}"
    else:
        assert isinstance(value, str) and value == data, f"{path}: {value!r} != {data!r}"


def test_the_fixture_is_the_shared_scenario():
    # What billing-engine/tests/section_fixture.rs sets up; the Python and Node suites run the same.
    assert FIXTURE["service_code"] == "11111"
    assert FIXTURE["invoices"][0]["number"] == "HOR-11111-001"


def test_every_field_of_the_fixture_is_decoded():
    assert_mirrors(bf.decode_billing_section(FIXTURE_TEXT), FIXTURE)


def test_the_fixture_values():
    section = bf.decode_billing_section(FIXTURE_TEXT)
    assert section.service_code == "11111"
    # 2026-03-16 10:00 in Kyiv (UTC+2 in March before the switch) is 08:00 UTC.
    assert section.as_of == datetime.datetime(2026, 3, 16, 8, 0, tzinfo=UTC)
    assert section.access == bf.AccessState.ACTIVE
    assert (section.deleted, section.deletion_pending, section.change_request_pending) == (
        False,
        False,
        False,
    )
    assert section.domains == []
    assert section.owner == bf.SectionOwner(
        full_name="Олена Коваль", email="olena@shop.ua", phone="+380501234567"
    )
    assert section.contracts == bf.SectionContracts(
        offer_version=None,
        offer_link=None,
        offer_accepted_at=None,
        personal_contract=None,
        personal_contract_requested=False,
    )

    tariff = section.tariff
    assert (tariff.code, tariff.name, tariff.period_months) == ("start", "Старт", 1)
    assert tariff.price == D("600.00") and isinstance(tariff.price, D)
    assert (tariff.period_start, tariff.period_end) == (
        datetime.date(2026, 3, 16),
        datetime.date(2026, 3, 31),
    )
    assert tariff.products == bf.LimitCheck(
        used=120, limit=500, remaining=380, state=bf.LimitState.WITHIN
    )
    assert tariff.orders_this_month == bf.LimitCheck(
        used=45, limit=300, remaining=255, state=bf.LimitState.WITHIN
    )
    assert tariff.counters_taken_at == datetime.datetime(2026, 3, 16, 8, 0, tzinfo=UTC)
    assert (tariff.scheduled_tariff, tariff.scheduled_period_months, tariff.features) == (
        None,
        None,
        [],
    )

    assert [(f.feature, f.cheapest_tariff) for f in section.additional_features] == [
        ("api", "business"),
        ("marketplaces", "pro"),
        ("multi_warehouse", "business"),
        ("personal_manager", "pro"),
    ]
    assert section.payment_method == bf.SectionPaymentMethod(
        autopay=False, bank_transfer_only=False, card_masked_pan=None, card_holder=None
    )
    assert (section.total_owed, section.open_credit) == (D("0.00"), D("0.00"))

    [invoice] = section.invoices
    assert invoice.number == bf.InvoiceNumber(
        value="HOR-11111-001", prefix="HOR", service_code="11111", sequence=1
    )
    assert invoice.kind == "period"
    assert (invoice.issued_on, invoice.due_on) == (
        datetime.date(2026, 3, 16),
        datetime.date(2026, 3, 23),
    )
    assert (invoice.total, invoice.vat, invoice.owed) == (D("309.68"), D("51.61"), D("0.00"))
    assert invoice.status == bf.InvoiceStatus.PAID
    assert invoice.overdue is False
    assert invoice.link is None
    assert invoice.lines == [
        bf.SectionLine(
            description="Тариф «Старт», 1 міс., 16.03.2026–31.03.2026: пропорційно, 16 дн. з 31",
            amount=D("309.68"),
        )
    ]
    # The money on the screen, formatted by the core.
    assert bf.format_money_document(invoice.total) == "309,68 грн"
    assert bf.amount_in_words(invoice.total) == "Триста дев'ять гривень 68 копійок"


def a_fuller_section():
    """The fixture with every optional part present: a blocked project with an open, overdue invoice
    and its payment link, a card, a personal contract, domains and scheduled changes."""
    data = copy.deepcopy(FIXTURE)
    data.update(
        access="blocked",
        deletion_pending=True,
        change_request_pending=True,
        total_owed="1200.00",
        open_credit="15.50",
        domains=[
            {"unicode": "магазин.укр", "ascii": "xn--80aaxitdbjk.xn--j1amh", "primary": True},
            {"unicode": "shop.ua", "ascii": "shop.ua", "primary": False},
        ],
    )
    data["contracts"] = {
        "offer_version": "2026-01",
        "offer_link": "https://example.invalid/offer/2026-01",
        "offer_accepted_at": "2026-01-05T12:30:15.250Z",
        "personal_contract": {"number": "ДГ-17", "date": "2026-02-01", "document": "doc-17"},
        "personal_contract_requested": True,
    }
    data["payment_method"] = {
        "autopay": True,
        "bank_transfer_only": False,
        "card_masked_pan": "4149 49** **** 1234",
        "card_holder": "OLENA KOVAL",
    }
    tariff = data["tariff"]
    tariff.update(
        scheduled_tariff="mini",
        scheduled_period_months=12,
        features=["api"],
        price=None,
        products={"used": 500, "limit": 500, "remaining": 0, "state": "reached"},
        orders_this_month={"used": 10, "limit": None, "remaining": None, "state": "within"},
    )
    invoice = copy.deepcopy(data["invoices"][0])
    invoice.update(
        number="HOR-11111-002",
        kind="tariff_change",
        issued_on="2026-04-01",
        due_on="2026-04-08",
        total="1200.00",
        vat=None,
        owed="1200.00",
        status="open",
        overdue=True,
        link={
            "id": "lnk-1",
            "url": "https://pay.example.invalid/lnk-1",
            "expires_at": "2026-04-20T21:59:59Z",
        },
    )
    cancelled = copy.deepcopy(data["invoices"][0])
    cancelled.update(number="HOR-11111-003", status="cancelled")
    data["invoices"] = [cancelled, invoice, *data["invoices"]]
    return data


def test_every_optional_part_is_decoded():
    data = a_fuller_section()
    section = decode(data)
    assert_mirrors(section, data)
    assert section.access == bf.AccessState.BLOCKED
    assert [i.status for i in section.invoices] == [
        bf.InvoiceStatus.CANCELLED,
        bf.InvoiceStatus.OPEN,
        bf.InvoiceStatus.PAID,
    ]
    assert section.tariff.products.state == bf.LimitState.REACHED
    assert section.tariff.orders_this_month.limit is None
    assert section.tariff.price is None
    assert section.invoices[1].link.expires_at == datetime.datetime(
        2026, 4, 20, 21, 59, 59, tzinfo=UTC
    )
    # Sub-second instants survive (uniffi carries nanoseconds; Python keeps microseconds).
    assert section.contracts.offer_accepted_at == datetime.datetime(
        2026, 1, 5, 12, 30, 15, 250_000, tzinfo=UTC
    )
    assert section.contracts.personal_contract.date == datetime.date(2026, 2, 1)


@pytest.mark.parametrize(
    ("text", "variant"),
    [
        ("active", "ACTIVE"),
        ("payment_due", "PAYMENT_DUE"),
        ("blocked", "BLOCKED"),
    ],
)
def test_access_states(text, variant):
    data = copy.deepcopy(FIXTURE)
    data["access"] = text
    assert decode(data).access == bf.AccessState[variant]


@pytest.mark.parametrize("state", ["within", "near", "reached", "exceeded"])
def test_limit_states(state):
    data = copy.deepcopy(FIXTURE)
    data["tariff"]["products"]["state"] = state
    assert decode(data).tariff.products.state == bf.LimitState[state.upper()]


def test_the_core_definition_decides_what_is_valid():
    # Values the core's types refuse are refused here too, with the same verdict as the backend's.
    assert bf.decode_billing_section(FIXTURE_TEXT).invoices[0].total == D("309.68")
    for path, bad in [
        (("service_code",), "1111"),  # four digits
        (("invoices", 0, "number"), "HOR-11111-1"),  # not canonical
        (("invoices", 0, "total"), "309.685"),  # three decimals
        (("invoices", 0, "owed"), "-1.00"),  # negative
        (("total_owed",), 0),  # a number, not the decimal text
        (("as_of",), "2026-03-16 08:00"),  # not RFC 3339
        (("access",), "frozen"),  # no such state
        (("invoices", 0, "status"), "Paid"),  # snake_case only
        (("tariff", "products", "state"), "over"),
        (("tariff", "period_start"), "16.03.2026"),
    ]:
        data = copy.deepcopy(FIXTURE)
        target = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = bad
        with pytest.raises(bf.BillingError.InvalidInput) as info:
            decode(data)
        assert info.value.code == "section.schema", path
        assert "cannot be decoded" in info.value.message


#: The section's top-level fields that are `Option`s in the core: serde reads them as absent when
#: missing (an older backend), everything else is required.
OPTIONAL_TOP_LEVEL = {"owner", "tariff", "requisites"}


DEFAULTED_TOP_LEVEL = {"vchasno", "acts"}


def test_missing_fields_are_schema_errors():
    for key in FIXTURE:
        data = {k: v for k, v in FIXTURE.items() if k != key}
        if key in OPTIONAL_TOP_LEVEL:
            assert getattr(decode(data), key) is None, key
            continue
        if key in DEFAULTED_TOP_LEVEL:
            # Added after the first release: an older backend's JSON without them still decodes.
            section = decode(data)
            expected = {
                "acts": [],
                "vchasno": bf.SectionVchasno(activated=False, since=None, vchasno_name=None),
            }
            assert getattr(section, key) == expected[key], key
            continue
        with pytest.raises(bf.BillingError.InvalidInput) as info:
            decode(data)
        assert info.value.code == "section.schema", key
        assert f"`{key}`" in info.value.message


@pytest.mark.parametrize(
    "text",
    [
        "",
        "<html><body>502 Bad Gateway</body></html>",
        FIXTURE_TEXT[: len(FIXTURE_TEXT) // 2],  # truncated
        FIXTURE_TEXT.replace('"access": "active",', '"access": "active"'),  # a comma lost
        "{'service_code': '11111'}",
    ],
    ids=["empty", "html", "truncated", "comma", "python-repr"],
)
def test_text_that_is_not_json_is_a_json_error(text):
    with pytest.raises(bf.BillingError) as info:
        bf.decode_billing_section(text)
    err = info.value
    assert isinstance(err, bf.BillingError.InvalidInput)
    assert err.code == "section.json"
    assert "line" in err.message and "column" in err.message


def test_json_of_another_shape_is_a_schema_error():
    for text in ["[]", "null", "42", '"section"', "{}"]:
        with pytest.raises(bf.BillingError.InvalidInput) as info:
            bf.decode_billing_section(text)
        assert info.value.code == "section.schema", text


def test_fields_a_newer_backend_adds_are_ignored():
    data = copy.deepcopy(FIXTURE)
    data["loyalty_points"] = 12
    data["invoices"][0]["pdf_url"] = "https://example.invalid/HOR-11111-001.pdf"
    assert decode(data) == bf.decode_billing_section(FIXTURE_TEXT)


def test_decoding_is_deterministic_and_records_compare_by_value():
    first = bf.decode_billing_section(FIXTURE_TEXT)
    second = bf.decode_billing_section(json.dumps(FIXTURE))  # \u escapes instead of UTF-8
    assert first == second
    data = copy.deepcopy(FIXTURE)
    data["invoices"][0]["lines"][0]["amount"] = "309.67"
    assert decode(data) != first


def test_no_float_reaches_an_amount():
    section = decode(a_fuller_section())
    amounts = [section.total_owed, section.open_credit]
    for invoice in section.invoices:
        amounts += [invoice.total, invoice.owed, *(line.amount for line in invoice.lines)]
    assert amounts and all(isinstance(a, D) and a.as_tuple().exponent == -2 for a in amounts)


# --- the async path: the host's own API client supplies the JSON ---------------------------------


class FixtureApi(bf.BillingSectionSource):
    """A Python implementation of the foreign async trait, as the app's URLSession client is."""

    def __init__(self, body=FIXTURE_TEXT, delay=0.0):
        self.body = body
        self.delay = delay
        self.calls = 0

    async def fetch_billing_section_json(self):
        self.calls += 1
        await asyncio.sleep(self.delay)
        if isinstance(self.body, BaseException):
            raise self.body
        return self.body


def test_load_awaits_the_host_and_decodes():
    api = FixtureApi(delay=0.01)
    section = asyncio.run(bf.load_billing_section(api))
    assert section == bf.decode_billing_section(FIXTURE_TEXT)
    assert api.calls == 1


def test_many_loads_run_concurrently():
    async def main():
        apis = [FixtureApi(delay=0.05) for _ in range(40)]
        loop = asyncio.get_running_loop()
        started = loop.time()
        sections = await asyncio.gather(*(bf.load_billing_section(api) for api in apis))
        return sections, loop.time() - started

    sections, elapsed = asyncio.run(main())
    assert len(sections) == 40
    assert all(s.invoices[0].number.value == "HOR-11111-001" for s in sections)
    # 40 sleeps of 50 ms overlap: far less than the 2 s they would take one after another.
    assert elapsed < 1.0


def test_a_bad_body_is_the_decoders_error():
    with pytest.raises(bf.BillingError.InvalidInput) as info:
        asyncio.run(bf.load_billing_section(FixtureApi("<html>")))
    assert info.value.code == "section.json"


def test_a_billing_error_raised_by_the_source_passes_through():
    raised = bf.BillingError.Refused(code="api.unauthorized", message="log in again")
    with pytest.raises(bf.BillingError.Refused) as info:
        asyncio.run(bf.load_billing_section(FixtureApi(raised)))
    assert (info.value.code, info.value.message) == ("api.unauthorized", "log in again")


def test_other_exceptions_of_the_source_arrive_as_unexpected():
    with pytest.raises(bf.BillingError.Unexpected) as info:
        asyncio.run(bf.load_billing_section(FixtureApi(ConnectionError("offline"))))
    assert info.value.code == "ffi.callback_failed"
