"""The document side from Python: requisites prefilled from a Python registry and the project's own
records, Vchasno activation through the in-memory Vchasno, the October act sent once, its PDF, the
statuses followed to "signed by both", and every refusal as the package's exception with its code."""

import asyncio
import dataclasses
import pickle
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import billing_core as bc
from billing_core import (
    Actor,
    Engine,
    FieldError,
    ManualClock,
    MemoryVchasno,
    Owner,
    PrefillSource,
    RequisitesForm,
    VchasnoStatus,
)

CODE = "11111"
BUYER = "14360570"
IBAN = "UA213223130000026007233566001"
KYIV_SUMMER = timezone(timedelta(hours=3))
KYIV_WINTER = timezone(timedelta(hours=2))
SELLER = {
    "requisites": {
        "tax_id": "32855961",
        "iban": IBAN,
        "name": "ТОВ «Хорошоп»",
        "address": "01001, м. Київ, вул. Хрещатик, 1",
        "director": "Коваль Олена Іванівна",
        "vat_number": "328559626541",
        "single_tax_group": None,
    },
    "contract": "Договір публічної оферти",
    "signatory_position": "Директор",
    "signatory_name": "Коваль О. І.",
}
RECORD: dict[str, Any] = {
    "kind": "found",
    "tax_id": BUYER,
    "name": "ТОВ «Приклад»",
    "address": "65000, м. Одеса, вул. Дерибасівська, 1",
    "director": "Петренко Олена Іванівна",
    "vat": {"kind": "payer", "number": "143605715098", "since": None},
    "single_tax_group": None,
    "warnings": [],
}


class Registry:
    """A registry written in Python: answers from a table, counts the lookups."""

    def __init__(self) -> None:
        self.answers: dict[str, dict[str, Any]] = {}
        self.asked: list[str] = []

    def lookup(self, tax_id: str) -> dict[str, Any] | None:
        self.asked.append(tax_id)
        return self.answers.get(tax_id)


class World:
    def __init__(self, tmp_path: Path, *, seller: bool = True) -> None:
        self.clock = ManualClock(datetime(2026, 10, 1, 9, tzinfo=KYIV_SUMMER))
        self.vchasno = MemoryVchasno()
        self.registry = Registry()
        config = {"seller": SELLER} if seller else None
        self.engine = Engine.open(
            tmp_path / "billing.db", config, clock=self.clock, vchasno=self.vchasno, registry=self.registry
        )
        self.engine.open_project(CODE, Owner("Олена Коваль", "olena@shop.ua", "050 123 45 67"), "start")
        invoice = self.engine.billing_section(CODE).invoices[0]
        self.engine.credit_bank_transfer(CODE, "PB-2026-0001", invoice.total, invoice.number)


@pytest.fixture
def world(tmp_path: Path) -> World:
    return World(tmp_path)


def registered_form(w: World) -> RequisitesForm:
    w.registry.answers[BUYER] = RECORD
    prefill = w.engine.requisites_prefill(CODE, BUYER)
    return dataclasses.replace(prefill.form, iban=IBAN)


def test_the_help_page_scenario(world: World) -> None:
    e, w = world.engine, world
    # The form: filled from the Python registry, the IBAN typed by the owner.
    w.registry.answers[BUYER] = RECORD
    prefill = e.requisites_prefill(CODE, BUYER)
    assert w.registry.asked == [BUYER]
    assert prefill.source is PrefillSource.REGISTRY
    assert (prefill.form.name, prefill.form.vat_number) == ("ТОВ «Приклад»", "143605715098")
    assert prefill.vat == bc.VatStatus("payer", "143605715098") and prefill.issues == ()
    assert prefill.registry is not None and prefill.registry["name"] == "ТОВ «Приклад»"
    assert bc.RequisitesPrefill.from_json(prefill.to_json()) == prefill
    assert prefill.read_only is False
    form = dataclasses.replace(prefill.form, iban=IBAN)
    assert e.requisites(CODE) is None
    # Save: stored, not activated.
    applied = e.save_requisites(CODE, form)
    assert applied.records[0].actor == Actor.owner()
    saved = e.requisites(CODE)
    assert saved is not None and (saved.tax_id, saved.company, saved.iban) == (BUYER, True, IBAN)
    assert saved.tax_status == "Платник ПДВ, ІПН 143605715098"
    # Save and activate: not registered in Vchasno -> register there first.
    with pytest.raises(bc.Refused) as not_registered:
        e.save_and_activate_vchasno(CODE, form)
    assert not_registered.value.code == "vchasno.not_registered"
    assert "register" in not_registered.value.message
    assert not e.billing_section(CODE).vchasno.activated
    # Register, activate.
    w.vchasno.register(BUYER, "ТОВ «Приклад»")
    e.activate_vchasno(CODE)
    section = e.billing_section(CODE)
    assert section.vchasno.activated and section.vchasno.vchasno_name == "ТОВ «Приклад»"
    # Edit while activated: refused; deactivate, edit, activate again.
    edited = dataclasses.replace(form, address="65000, м. Одеса, вул. Рішельєвська, 2")
    with pytest.raises(bc.Refused) as while_active:
        e.save_requisites(CODE, edited)
    assert while_active.value.code == "vchasno.edit_while_active"
    e.deactivate_vchasno(CODE, actor=Actor.support("ann"))
    e.save_and_activate_vchasno(CODE, edited)
    prefill = e.requisites_prefill(CODE)
    assert prefill.source is PrefillSource.RECORDS and prefill.read_only
    assert "Рішельєвська" in prefill.form.address
    # October is not over yet.
    w.clock.set(datetime(2026, 10, 31, 23, tzinfo=KYIV_WINTER))
    with pytest.raises(bc.Refused) as not_closed:
        e.request_act(CODE, "2026-10")
    assert not_closed.value.code == "act.month_not_closed"
    # The October act on 3 November, sent once.
    w.clock.set(datetime(2026, 11, 3, 10, tzinfo=KYIV_WINTER))
    act = e.request_act(CODE, date(2026, 10, 15))
    assert (act.number, act.month, act.date, act.status) == ("A-11111-2026-10", "2026-10", date(2026, 10, 31), "uploaded")
    assert act.document_id is not None and w.vchasno.document_ids() == [act.document_id]
    assert isinstance(act.total, Decimal) and act.total == section.invoices[0].total
    assert act.total_in_words == bc.amount_in_words(act.total)
    assert e.request_act(CODE, "2026-10") == act
    assert w.vchasno.document_ids() == [act.document_id]
    # The PDF.
    pdf = e.act_pdf(CODE, act.number)
    assert isinstance(pdf, bytes) and pdf.startswith(b"%PDF-")
    # Statuses: signed by us, then by both; a final status is no longer followed.
    w.vchasno.set_status(act.document_id, "signed_by_us")
    assert e.poll_act_statuses(CODE) == ((act.number, VchasnoStatus.SIGNED_BY_US),)
    w.vchasno.set_status(act.document_id, "signed_by_both")
    assert e.poll_act_statuses(CODE) == ((act.number, VchasnoStatus.SIGNED_BY_BOTH),)
    assert e.poll_act_statuses(CODE) == ()
    section = e.billing_section(CODE)
    assert [(a.number, a.status) for a in section.acts] == [(act.number, "signed_by_both")]
    assert section.requisites == e.requisites(CODE)


def test_the_async_twins(world: World) -> None:
    e, w = world.engine, world
    form = registered_form(w)
    w.vchasno.register(BUYER, "ТОВ «Приклад»")

    async def scenario() -> tuple[bc.Act, bytes, tuple[tuple[str, VchasnoStatus], ...]]:
        assert (await e.requisites_prefill_async(CODE, BUYER)).source is PrefillSource.REGISTRY
        await e.save_requisites_async(CODE, form)
        await e.activate_vchasno_async(CODE)
        with pytest.raises(bc.Refused):
            await e.save_and_activate_vchasno_async(CODE, form)
        await e.deactivate_vchasno_async(CODE)
        await e.save_and_activate_vchasno_async(CODE, form)
        assert (await e.requisites_async(CODE)) is not None
        w.clock.set(datetime(2026, 11, 3, 10, tzinfo=KYIV_WINTER))
        act = await e.request_act_async(CODE, "2026-10")
        pdf = await e.act_pdf_async(CODE, act.number)
        assert act.document_id is not None
        w.vchasno.set_status(act.document_id, "sent")
        return act, pdf, await e.poll_act_statuses_async(CODE)

    act, pdf, changed = asyncio.run(scenario())
    assert pdf.startswith(b"%PDF-")
    assert changed == ((act.number, VchasnoStatus.SENT),)


def test_a_bad_form_names_every_field_and_saves_nothing(world: World) -> None:
    bad = RequisitesForm(tax_id="32855968", iban="UA21", name="", address="Одеса", director="Петренко")
    with pytest.raises(bc.RequisitesError) as raised:
        world.engine.save_requisites(CODE, bad)
    err = raised.value
    assert isinstance(err, bc.InvalidInput) and isinstance(err, ValueError)
    assert err.code == "requisites.invalid"
    fields = {e.field: e.code for e in err.errors}
    assert fields["tax_id"] == "edrpou.checksum"
    assert fields["iban"].startswith("iban.")
    assert fields["name"] == "requisites.required"
    assert all(isinstance(e, FieldError) and e.message for e in err.errors)
    assert world.engine.requisites(CODE) is None
    copy = pickle.loads(pickle.dumps(err))
    assert type(copy) is bc.RequisitesError and copy.errors == err.errors
    with pytest.raises(TypeError):
        world.engine.save_requisites(CODE, {"tax_id": BUYER})  # type: ignore[arg-type]


def test_refusals_before_anything_is_saved(world: World) -> None:
    e = world.engine
    with pytest.raises(bc.Refused) as no_requisites:
        e.activate_vchasno(CODE)
    assert no_requisites.value.code == "requisites.missing"
    with pytest.raises(bc.Refused) as not_active:
        e.deactivate_vchasno(CODE)
    assert not_active.value.code == "vchasno.not_activated"
    world.clock.set(datetime(2026, 11, 3, 10, tzinfo=KYIV_WINTER))
    with pytest.raises(bc.Refused) as needs_vchasno:
        e.request_act(CODE, "2026-10")
    assert needs_vchasno.value.code == "act.vchasno_not_activated"
    with pytest.raises(bc.Refused) as unknown:
        e.act_pdf(CODE, "A-11111-2026-09")
    assert unknown.value.code == "act.unknown"
    with pytest.raises(bc.InvalidInput) as bad_month:
        e.request_act(CODE, "2026-13")
    assert bad_month.value.code.startswith("calendar.") or bad_month.value.code.startswith("month")
    with pytest.raises(bc.ProjectNotFound):
        e.requisites("22222")
    with pytest.raises(bc.TaxIdError):
        e.requisites_prefill(CODE, "32855968")
    with pytest.raises(bc.TaxIdError):
        world.vchasno.register("123", "x")
    with pytest.raises(bc.ConfigError):
        world.vchasno.set_status("doc-1", "lost")


def test_an_act_without_seller_requisites_is_a_config_error(tmp_path: Path) -> None:
    w = World(tmp_path, seller=False)
    w.vchasno.register(BUYER, "ТОВ «Приклад»")
    w.engine.save_and_activate_vchasno(CODE, registered_form(w))
    w.clock.set(datetime(2026, 11, 3, 10, tzinfo=KYIV_WINTER))
    with pytest.raises(bc.ConfigError) as raised:
        w.engine.request_act(CODE, "2026-10")
    assert raised.value.code == "engine.config"


def test_a_document_error_carries_its_code(tmp_path: Path) -> None:
    # The seller is configured as a single-tax payer while the policy bills with VAT included: the
    # act cannot print a VAT line for a seller who is not a VAT payer (`document.vat_not_payer`).
    seller = dict(SELLER, requisites=dict(SELLER["requisites"], vat_number=None, single_tax_group=3))  # type: ignore[arg-type]
    clock = ManualClock(datetime(2026, 10, 1, 9, tzinfo=KYIV_SUMMER))
    vchasno = MemoryVchasno()
    engine = Engine.open(tmp_path / "b.db", {"seller": seller}, clock=clock, vchasno=vchasno)
    engine.open_project(CODE, Owner("Олена Коваль", "olena@shop.ua", "050 123 45 67"), "start")
    invoice = engine.billing_section(CODE).invoices[0]
    engine.credit_bank_transfer(CODE, "PB-1", invoice.total, invoice.number)
    form = RequisitesForm(BUYER, IBAN, "ТОВ «Приклад»", "65000, м. Одеса", director="Петренко О. І.")
    vchasno.register(BUYER, "ТОВ «Приклад»")
    engine.save_and_activate_vchasno(CODE, form)
    clock.set(datetime(2026, 11, 3, 10, tzinfo=KYIV_WINTER))
    with pytest.raises(bc.DocumentError) as raised:
        engine.request_act(CODE, "2026-10")
    assert raised.value.code == "document.vat_not_payer"
    assert not isinstance(raised.value, ValueError)
    assert vchasno.document_ids() == []


def test_registry_answers_pending_failing_and_malformed(world: World) -> None:
    e, w = world.engine, world
    w.registry.answers[BUYER] = {"kind": "pending", "retry_after_secs": 30}
    pending = e.requisites_prefill(CODE, BUYER)
    assert pending.source is PrefillSource.NONE and pending.form.tax_id == BUYER
    assert any("30" in n for n in pending.notes)
    assert [(i.kind, i.data.get("retry_after_secs")) for i in pending.issues] == [("pending", 30)]
    assert pending.vat is None and pending.registry is None
    missing = e.requisites_prefill(CODE, "32855961")
    assert missing.source is PrefillSource.NONE and missing.notes

    def broken(tax_id: str) -> dict[str, Any]:
        raise KeyError(tax_id)

    engine = Engine.open("memory:", registry=broken)
    engine.open_project(CODE, Owner("Олена Коваль", "olena@shop.ua", "050 123 45 67"), "start")
    failed = engine.requisites_prefill(CODE, BUYER)
    assert failed.source is PrefillSource.NONE
    assert any("KeyError" in n for n in failed.notes)
    assert [i.kind for i in failed.issues] == ["failed"] and failed.issues[0].data["code"] == "registry.failed"
    engine = Engine.open("memory:", registry=lambda tax_id: {"kind": "maybe"})
    engine.open_project(CODE, Owner("Олена Коваль", "olena@shop.ua", "050 123 45 67"), "start")
    assert any("not valid" in n for n in engine.requisites_prefill(CODE, BUYER).notes)
    with pytest.raises(TypeError):
        Engine.open("memory:", registry=42)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Engine.open("memory:", vchasno=object())  # type: ignore[arg-type]


def test_error_classes() -> None:
    for cls in (bc.VchasnoError, bc.DocumentError):
        assert issubclass(cls, bc.BillingError) and not issubclass(cls, ValueError)
        assert cls.__module__ == "billing_core"
    assert issubclass(bc.RequisitesError, bc.InvalidInput)
    assert issubclass(bc.StatementError, bc.InvalidInput)


def test_invoice_pdf(world: World) -> None:
    e = world.engine
    number = e.billing_section(CODE).invoices[0].number
    # Before any requisites: addressed to the owner, still a PDF to pay by transfer.
    assert e.invoice_pdf(CODE, number).startswith(b"%PDF-")
    e.save_requisites(CODE, registered_form(world))
    pdf = e.invoice_pdf(CODE, number)
    assert isinstance(pdf, bytes) and pdf.startswith(b"%PDF-")
    assert asyncio.run(e.invoice_pdf_async(bc.ServiceCode(CODE), str(number))).startswith(b"%PDF-")
    with pytest.raises(bc.Refused) as unknown:
        e.invoice_pdf(CODE, "HOR-11111-099")
    assert unknown.value.code == "invoice.unknown"
    with pytest.raises(bc.InvoiceNumberError):
        e.invoice_pdf(CODE, "HOR-1")
