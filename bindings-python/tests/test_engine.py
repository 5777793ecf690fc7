"""The engine from Python: the shared scenario against the committed fixture, sync and async calls,
clocks written in Python, typed immutable results, and the exceptions of every kind of failure."""

import asyncio
import dataclasses
import json
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import billing_core as bc
from billing_core import (
    AccessState,
    Actor,
    BillingPeriod,
    BillingSection,
    Engine,
    InvoiceStatus,
    LimitState,
    ManualClock,
    Owner,
)

FIXTURE = Path(__file__).resolve().parents[2] / "billing-core" / "tests" / "data" / "billing_section.json"
#: 2026-03-16 10:00 in Kyiv (UTC+2 until the end of March), 08:00Z: the shared scenario's clock.
KYIV_WINTER = timezone(timedelta(hours=2))
START = datetime(2026, 3, 16, 10, 0, tzinfo=KYIV_WINTER)
OWNER = Owner("Олена Коваль", "olena@shop.ua", "050 123 45 67")
CODE = "11111"
FIRST = "HOR-11111-001"


def fixture_json() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(FIXTURE.read_text(encoding="utf-8"))
    return data


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def engine(tmp_path: Path, clock: ManualClock) -> Engine:
    return Engine.open(tmp_path / "billing.db", clock=clock)


@pytest.fixture
def opened(engine: Engine) -> Engine:
    engine.open_project(CODE, OWNER, "start", BillingPeriod.MONTHLY)
    return engine


def run_scenario(engine: Engine) -> BillingSection:
    """The shared scenario's steps (billing-engine/tests/section_fixture.rs), blocking."""
    engine.open_project(CODE, OWNER, "start", BillingPeriod.MONTHLY)
    engine.record_usage(CODE, 120, 45)
    engine.credit_bank_transfer(CODE, "PB-2026-0001", Decimal("309.68"), FIRST)
    return engine.billing_section(CODE)


# -- the shared scenario -------------------------------------------------------------------------


def test_the_shared_scenario_produces_the_committed_section(engine: Engine) -> None:
    section = run_scenario(engine)
    fixture = fixture_json()
    assert section.to_dict() == fixture
    assert json.loads(engine.billing_section_json(CODE)) == fixture
    assert BillingSection.from_json(FIXTURE.read_text(encoding="utf-8")) == section
    # The values, typed.
    assert section.service_code == bc.ServiceCode(CODE)
    assert section.as_of == datetime(2026, 3, 16, 8, tzinfo=timezone.utc)
    assert section.as_of.tzinfo is timezone.utc
    assert section.access is AccessState.ACTIVE
    assert section.owner == Owner("Олена Коваль", "olena@shop.ua", "+380501234567")
    assert section.tariff is not None
    assert (section.tariff.code, section.tariff.price) == ("start", Decimal("600.00"))
    assert (section.tariff.period_start, section.tariff.period_end) == (date(2026, 3, 16), date(2026, 3, 31))
    assert section.tariff.products == bc.LimitCheck(120, 500, 380, LimitState.WITHIN)
    (invoice,) = section.invoices
    assert invoice.number == bc.InvoiceNumber(FIRST)
    assert (invoice.total, invoice.vat, invoice.owed) == (Decimal("309.68"), Decimal("51.61"), Decimal("0.00"))
    assert invoice.status is InvoiceStatus.PAID
    assert invoice.kind is bc.InvoiceKind.PERIOD
    assert (invoice.issued_on, invoice.due_on) == (date(2026, 3, 16), date(2026, 3, 23))
    assert section.total_owed == Decimal("0.00")


def test_the_shared_scenario_async(tmp_path: Path, clock: ManualClock) -> None:
    async def scenario() -> BillingSection:
        engine = await Engine.open_async(tmp_path / "billing.db", clock=clock)
        await engine.open_project_async(CODE, OWNER, "start", "monthly")
        await engine.record_usage_async(CODE, 120, 45)
        await engine.credit_bank_transfer_async(CODE, "PB-2026-0001", bc.Money("309,68"), bc.InvoiceNumber(FIRST))
        return await engine.billing_section_async(bc.ServiceCode(CODE))

    section = asyncio.run(scenario())
    assert section.to_dict() == fixture_json()


def test_results_are_immutable_hashable_and_round_trip(engine: Engine) -> None:
    section = run_scenario(engine)
    with pytest.raises(dataclasses.FrozenInstanceError):
        section.total_owed = Decimal(1)  # type: ignore[misc]
    assert hash(section) == hash(BillingSection.from_dict(fixture_json()))
    assert BillingSection.from_json(section.to_json()) == section
    assert isinstance(section.invoices, tuple)


def test_records_decode_strictly() -> None:
    fixture = fixture_json()
    with pytest.raises(ValueError, match="unknown keys"):
        BillingSection.from_dict({**fixture, "surprise": 1})
    missing = {k: v for k, v in fixture.items() if k != "access"}
    with pytest.raises(ValueError, match="missing key 'access'"):
        BillingSection.from_dict(missing)
    with pytest.raises(TypeError):
        BillingSection.from_dict({**fixture, "deleted": "no"})
    with pytest.raises(ValueError):
        BillingSection.from_dict({**fixture, "access": "sleeping"})


# -- use cases -----------------------------------------------------------------------------------


def test_a_bank_transaction_takes_effect_once(opened: Engine) -> None:
    first = opened.credit_bank_transfer(CODE, "PB-1", "309.68", FIRST)
    assert not first.already_applied
    assert [e.type for e in first.events] == ["payment_received", "invoice_paid"]
    assert first.records[0].actor == Actor.system()
    again = opened.credit_bank_transfer(CODE, "PB-1", "309.68", FIRST)
    assert again.already_applied and again.events == ()
    assert opened.billing_section(CODE).invoices[0].owed == Decimal("0.00")


def test_only_support_records_a_partial_payment(opened: Engine) -> None:
    with pytest.raises(bc.Refused) as refused:
        opened.credit_bank_transfer(CODE, "PB-7", "100.00", FIRST)
    assert "support" in refused.value.message
    applied = opened.credit_bank_transfer(CODE, "PB-7", "100.00", FIRST, actor=Actor.support("ann"))
    assert applied.records[0].actor == Actor.support("ann")
    assert opened.billing_section(CODE).invoices[0].owed == Decimal("209.68")
    trail = opened.audit_trail(CODE)
    assert [r.version for r in trail] == list(range(1, len(trail) + 1))
    assert trail[-1].actor.to_dict() == {"kind": "support", "id": "ann"}


def test_payment_link_then_webhook_pays_the_invoice(opened: Engine, clock: ManualClock) -> None:
    page = opened.payment_link(CODE, FIRST)
    assert page.url.startswith("https://")
    assert page.expires_at == START.astimezone(timezone.utc) + timedelta(minutes=30)
    section = opened.billing_section(CODE)
    link = section.invoices[0].link
    assert link is not None and link.url == page.url
    assert opened.payment_link(CODE, FIRST) == page, "a valid link is given again"
    body = json.dumps(
        {
            "provider_ref": "pay-1",
            "attempt": link.id,
            "status": {"status": "succeeded"},
            "amount": "309.68",
            "occurred_at": "2026-03-16T08:05:00Z",
            "saved_card": None,
        }
    ).encode()
    headers = {"x-memory-signature": "trusted"}
    applied = opened.acquirer_webhook(headers, body)
    assert "invoice_paid" in [e.type for e in applied.events]
    assert opened.acquirer_webhook(list(headers.items()), body).already_applied
    with pytest.raises(bc.AcquirerError) as bad:
        opened.acquirer_webhook({}, body)
    assert bad.value.code == "acquirer.bad_signature"
    assert opened.billing_section(CODE).invoices[0].status is InvoiceStatus.PAID


def test_bind_card_gives_a_page(opened: Engine) -> None:
    page = opened.bind_card(CODE)
    assert page.url.startswith("https://") and page.expires_at.tzinfo is timezone.utc


def test_execute_runs_raw_commands(opened: Engine) -> None:
    # The core's command JSON, as stored: a domain is both its spellings.
    domain_json = {"unicode": "shop.com.ua", "ascii": "shop.com.ua"}
    command: dict[str, Any] = {"aggregate": "admin", "command": {"command": "add_domain", "domain": domain_json}}
    applied = opened.execute(CODE, command, actor=Actor.owner())
    assert [(e.aggregate, e.type) for e in applied.events] == [(bc.Aggregate.ADMIN, "domain_added")]
    (domain,) = opened.billing_section(CODE).domains
    assert (domain.unicode, domain.ascii, domain.primary) == ("shop.com.ua", "shop.com.ua", True)
    command["command"]["domain"] = {"unicode": "shop.ua", "ascii": "shop.ua"}
    once = opened.execute(CODE, command, actor=Actor.owner(), outside_id=("request", "r-1"))
    assert not once.already_applied
    assert opened.execute(CODE, command, actor=Actor.owner(), outside_id=("request", "r-1")).already_applied
    with pytest.raises(bc.ConfigError) as bad:
        opened.execute(CODE, {"aggregate": "nowhere"}, actor=Actor.owner())
    assert bad.value.code == "engine.config"


def test_notifications_and_acknowledge(opened: Engine) -> None:
    items = opened.next_notifications()
    assert [i.notification.kind for i in items] == ["invoice_issued"]
    (item,) = items
    assert item.project == bc.ServiceCode(CODE) and item.at == START
    assert item.notification.data["invoice"] == FIRST
    opened.acknowledge(i.id for i in items)
    assert opened.next_notifications() == ()


def test_daily_job_blocks_after_grace(opened: Engine, clock: ManualClock) -> None:
    clock.set(datetime(2026, 3, 27, 10, tzinfo=KYIV_WINTER))
    report = opened.run_daily()
    assert (report.projects, report.blocked, report.failures) == (1, 1, ())
    assert opened.billing_section(CODE).access is AccessState.BLOCKED
    assert opened.projects() == (bc.ServiceCode(CODE),)


def test_configuration_overrides_the_defaults(tmp_path: Path, clock: ManualClock) -> None:
    default = Engine.open("memory:", clock=clock)
    policy = dict(default.config["policy"])
    policy["due_days"] = 10
    engine = Engine.open(tmp_path / "b.db", {"policy": policy, "bank_job_every_minutes": 5}, clock)
    assert engine.config["bank_job_every_minutes"] == 5
    assert engine.config["store"] == str(tmp_path / "b.db")
    engine.open_project(CODE, OWNER, "start")
    assert engine.billing_section(CODE).invoices[0].due_on == date(2026, 3, 26)
    with pytest.raises(bc.ConfigError):
        Engine.open("memory:", "[1, 2]")
    with pytest.raises(bc.ConfigError):
        Engine.open("memory:", '{"policy": {"due_days": "soon"}}')


# -- errors --------------------------------------------------------------------------------------


def test_errors_carry_codes_and_classes(opened: Engine) -> None:
    with pytest.raises(bc.ProjectNotFound) as missing:
        opened.billing_section("22222")
    assert isinstance(missing.value, LookupError) and missing.value.code == "project.not_found"
    with pytest.raises(bc.ServiceCodeError) as code:
        opened.billing_section("1111")
    assert code.value.code == "service_code.length"
    with pytest.raises(bc.MoneyError):
        opened.credit_bank_transfer(CODE, "PB-9", "-1", FIRST)
    with pytest.raises(TypeError):
        opened.credit_bank_transfer(CODE, "PB-9", 1.5, FIRST)  # type: ignore[arg-type]
    with pytest.raises(bc.InvoiceNumberError):
        opened.credit_bank_transfer(CODE, "PB-9", "1.00", "HOR-1")
    with pytest.raises(bc.EmailError):
        opened.open_project("22222", Owner("Олена Коваль", "not-an-email", "050 123 45 67"), "start")
    with pytest.raises(bc.ConfigError):
        opened.open_project("22222", OWNER, "platinum")
    with pytest.raises(ValueError):
        opened.open_project("22222", OWNER, "start", "weekly")
    opened.credit_bank_transfer(CODE, "PB-full", "309.68", FIRST)
    with pytest.raises(bc.BillingError) as refused:
        opened.payment_link(CODE, FIRST)
    assert isinstance(refused.value, bc.Refused) and not isinstance(refused.value, ValueError)
    assert refused.value.code.startswith("invoice.")
    with pytest.raises(ValueError):
        Actor(bc.ActorKind.SUPPORT)


def test_async_errors_are_the_same_exceptions(opened: Engine) -> None:
    async def call() -> None:
        await opened.billing_section_async("22222")

    with pytest.raises(bc.ProjectNotFound):
        asyncio.run(call())


def test_async_calls_need_a_running_loop(opened: Engine) -> None:
    native = opened._native
    with pytest.raises(RuntimeError):
        native.billing_section_async(CODE)


# -- clocks --------------------------------------------------------------------------------------


class Wall:
    """A clock object with now()."""

    def __init__(self, at: datetime) -> None:
        self.at = at
        self.calls = 0

    def now(self) -> datetime:
        self.calls += 1
        return self.at


def test_clock_objects_callables_and_offsets() -> None:
    wall = Wall(START)
    engine = Engine.open("memory:", clock=wall)
    assert engine.now() == START and engine.now().tzinfo is timezone.utc
    engine.open_project(CODE, OWNER, "start")
    assert wall.calls >= 2
    by_callable = Engine.open("memory:", clock=lambda: datetime(2026, 3, 16, 8, tzinfo=timezone.utc))
    by_callable.open_project(CODE, OWNER, "start")
    assert by_callable.billing_section(CODE) == engine.billing_section(CODE)
    system = Engine.open("memory:")
    assert abs(system.now() - datetime.now(timezone.utc)) < timedelta(minutes=1)


def test_a_failing_clock_raises_its_error_and_writes_nothing() -> None:
    def broken() -> datetime:
        raise KeyError("no time today")

    engine = Engine.open("memory:", clock=broken)
    with pytest.raises(KeyError, match="no time today"):
        engine.open_project(CODE, OWNER, "start")
    assert engine.projects() == ()
    naive = Engine.open("memory:", clock=lambda: datetime(2026, 3, 16, 8))
    with pytest.raises(TypeError, match="timezone-aware"):
        naive.now()

    async def later() -> None:
        await naive.open_project_async(CODE, OWNER, "start")

    with pytest.raises(TypeError, match="timezone-aware"):
        asyncio.run(later())
    assert naive.projects() == ()
    with pytest.raises(TypeError):
        Engine.open("memory:", clock=42)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        ManualClock(datetime(2026, 3, 16))


# -- concurrency ---------------------------------------------------------------------------------


@pytest.fixture
def many_projects(clock: ManualClock) -> Iterator[Engine]:
    engine = Engine.open("memory:", clock=clock)
    for n in range(10000, 10000 + 120):
        engine.open_project(str(n), OWNER, "start")
    yield engine


BLOCKER = """
import sqlite3, sys
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
sys.stdin.readline()
connection.execute("COMMIT")
"""


def test_blocking_calls_release_the_gil(tmp_path: Path, clock: ManualClock) -> None:
    """While a blocking call waits in Rust, other Python threads run: here the only thread that can
    let the call finish. Another process holds SQLite's write lock, so the engine's write waits (its
    busy timeout is 30 s); a Python thread tells that process to commit after 0.2 s. Were the GIL
    held during the call, that thread could not run, and the call would fail after 30 s."""
    import subprocess
    import sys

    db = tmp_path / "billing.db"
    engine = Engine.open(db, clock=clock)
    engine.open_project(CODE, OWNER, "start")
    blocker = subprocess.Popen(
        [sys.executable, "-c", BLOCKER, str(db)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert blocker.stdin is not None and blocker.stdout is not None
    assert blocker.stdout.readline().strip() == "locked"
    released_at: list[float] = []

    def release() -> None:
        time.sleep(0.2)
        released_at.append(time.perf_counter())
        assert blocker.stdin is not None
        blocker.stdin.write("commit\n")
        blocker.stdin.flush()

    thread = threading.Thread(target=release)
    started = time.perf_counter()
    thread.start()
    try:
        applied = engine.record_usage(CODE, 120, 45)
        returned = time.perf_counter()
    finally:
        thread.join()
        blocker.communicate(timeout=30)
    assert not applied.already_applied
    # The call waited for the lock, which only the other Python thread could have released.
    assert released_at and started + 0.2 <= released_at[0] <= returned
    assert returned - started < 10


def test_threads_share_one_engine(opened: Engine) -> None:
    with ThreadPoolExecutor(max_workers=4) as pool:
        sections = list(pool.map(lambda _: opened.billing_section(CODE), range(40)))
    assert all(s == sections[0] for s in sections)


def test_async_calls_run_concurrently(many_projects: Engine) -> None:
    codes = [str(n) for n in range(10000, 10000 + 120)]

    async def all_sections() -> list[BillingSection]:
        return await asyncio.gather(*(many_projects.billing_section_async(c) for c in codes))

    sections = asyncio.run(all_sections())
    assert [str(s.service_code) for s in sections] == codes
    assert all(s.invoices[0].total == Decimal("309.68") for s in sections)


def test_a_cancelled_call_still_completes_once(opened: Engine) -> None:
    async def cancel_it() -> None:
        task = asyncio.ensure_future(opened.credit_bank_transfer_async(CODE, "PB-c", "309.68", FIRST))
        await asyncio.sleep(0)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        for _ in range(500):
            if (await opened.billing_section_async(CODE)).invoices[0].status is InvoiceStatus.PAID:
                return
            await asyncio.sleep(0.01)
        raise AssertionError("the cancelled transfer never completed")

    asyncio.run(cancel_it())
    assert opened.credit_bank_transfer(CODE, "PB-c", "309.68", FIRST).already_applied


EXIT_SCRIPT = """
import asyncio
from datetime import datetime, timezone
import billing_core as bc

clock = bc.ManualClock(datetime(2026, 3, 16, 8, tzinfo=timezone.utc))
engine = bc.Engine.open("memory:", clock=clock)
engine.open_project("11111", bc.Owner("Олена Коваль", "olena@shop.ua", "050 123 45 67"), "start")

async def main() -> None:
    await asyncio.gather(*(engine.billing_section_async("11111") for _ in range(64)))
    # Left running when the loop closes: they finish on the runtime without reporting back.
    for _ in range(64):
        asyncio.ensure_future(engine.billing_section_async("11111"))

asyncio.run(main())
print("done")
"""


def test_the_interpreter_exits_cleanly_with_runtime_threads_busy() -> None:
    """Runtime threads calling the Python clock or resolving futures must not take the GIL while
    the interpreter finalizes (that aborts the process)."""
    import subprocess
    import sys

    for _ in range(6):
        run = subprocess.run([sys.executable, "-c", EXIT_SCRIPT], capture_output=True, text=True, timeout=60)
        assert (run.returncode, run.stdout.strip()) == (0, "done"), run.stderr[-2000:]
