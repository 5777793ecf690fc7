"""The billing engine for Python: :class:`Engine` and its typed, immutable results.

Each use case comes twice: a blocking method that releases the GIL while Rust works (threads run
in parallel), and an ``*_async`` coroutine for asyncio code. Both run the engine's async Rust on one
shared tokio runtime. Results are frozen dataclasses decoded from the engine's JSON (the same JSON
the backend serves and the mobile apps decode), with ``decimal.Decimal`` money, ``datetime.date``
dates, aware UTC ``datetime`` instants and :class:`enum.StrEnum` states. No business rule lives here:
the engine decides, this module converts.

    >>> from datetime import datetime, timezone
    >>> from billing_core import Engine, ManualClock, Owner
    >>> engine = Engine.open("memory:", clock=ManualClock(datetime(2026, 3, 16, 8, tzinfo=timezone.utc)))
    >>> _ = engine.open_project("11111", Owner("Олена Коваль", "olena@shop.ua", "050 123 45 67"), "start")
    >>> engine.billing_section("11111").invoices[0].total
    Decimal('309.68')
"""

import asyncio
import atexit
import dataclasses
import json
import os
import threading
import types
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from enum import Enum, StrEnum
from typing import Any, Protocol, Self, Union, get_args, get_origin, get_type_hints

from billing_core._native import (
    InvoiceNumber,
    MemoryVchasno,
    _before_exit,
    Money,
    NativeEngine,
    ServiceCode,
    open_engine,
    open_engine_async,
)

__all__ = [
    "AccessState",
    "Act",
    "Actor",
    "ActorKind",
    "AdditionalFeature",
    "Aggregate",
    "Applied",
    "AuditRecord",
    "BillingPeriod",
    "BillingSection",
    "Clock",
    "Contracts",
    "DailyReport",
    "Domain",
    "Engine",
    "Invoice",
    "InvoiceKind",
    "InvoiceLine",
    "InvoiceStatus",
    "LimitCheck",
    "LimitState",
    "ManualClock",
    "MemoryVchasno",
    "Notification",
    "OutboxItem",
    "Owner",
    "PaymentLink",
    "PaymentMethod",
    "PaymentPage",
    "PersonalContract",
    "PrefillIssue",
    "PrefillSource",
    "ProjectEvent",
    "Registry",
    "Requisites",
    "RequisitesForm",
    "RequisitesPrefill",
    "SupportsLookup",
    "SupportsNow",
    "TariffInfo",
    "VatStatus",
    "Vchasno",
    "VchasnoStatus",
]

# The runtime's threads stop calling Python (clocks, resolving futures) before the interpreter
# finalizes; a thread taking the GIL during finalization would crash the process.
atexit.register(_before_exit)

# ---------------------------------------------------------------------------------------------------
# Enums: the core's snake_case names as values.


class AccessState(StrEnum):
    """Access to the admin panel."""

    ACTIVE = "active"
    """Nothing is owed."""
    PAYMENT_DUE = "payment_due"
    """An invoice is open, not yet past its due date plus grace."""
    BLOCKED = "blocked"
    """An invoice is unpaid past its due date plus grace: the admin panel is blocked."""


class InvoiceStatus(StrEnum):
    """An invoice's status."""

    OPEN = "open"
    PAID = "paid"
    CANCELLED = "cancelled"


class InvoiceKind(StrEnum):
    """What an invoice is for."""

    PERIOD = "period"
    TARIFF_CHANGE = "tariff_change"


class LimitState(StrEnum):
    """Where usage stands against a tariff limit."""

    WITHIN = "within"
    """Below 90 % of the limit (or unlimited)."""
    NEAR = "near"
    """At 90 % of the limit or more, below it."""
    REACHED = "reached"
    """Exactly at the limit."""
    EXCEEDED = "exceeded"
    """Above the limit."""


class BillingPeriod(StrEnum):
    """A billing period: 1, 3, 6 or 12 months, each with its own price."""

    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    HALF_YEARLY = "half_yearly"
    YEARLY = "yearly"


class ActorKind(StrEnum):
    """Who issues a command."""

    OWNER = "owner"
    SUPPORT = "support"
    MANAGER = "manager"
    SYSTEM = "system"


class PrefillSource(StrEnum):
    """Where a prefilled requisites form came from."""

    RECORDS = "records"
    """The project's own records (requisites saved before, e.g. for acts already sent)."""
    REGISTRY = "registry"
    """The registry lookup."""
    NONE = "none"
    """Nothing found, or the lookup failed: the owner fills the fields in (see the notes)."""


class VchasnoStatus(StrEnum):
    """An act's status in Vchasno."""

    UPLOADED = "uploaded"
    SENT = "sent"
    SIGNED_BY_US = "signed_by_us"
    SIGNED_BY_RECIPIENT = "signed_by_recipient"
    SIGNED_BY_BOTH = "signed_by_both"
    REJECTED = "rejected"
    ANNULLED = "annulled"


class Aggregate(StrEnum):
    """The side of a project an event belongs to."""

    ADMIN = "admin"
    ACCOUNT = "account"
    PAPERWORK = "paperwork"
    """Requisites, the Vchasno integration and acts."""
    TAX = "tax"
    """Tax documents."""


# ---------------------------------------------------------------------------------------------------
# JSON <-> records. Each record class decodes strictly: a missing or unknown key is an error, so the
# Python classes cannot drift from the Rust read model unnoticed (the fixture test round-trips).

_Convert = Callable[[Any], Any]


def _instant(value: datetime) -> str:
    """An aware datetime as chrono writes it: UTC, ``Z``, 0, 3 or 6 fraction digits."""
    if value.utcoffset() is None:
        raise ValueError(f"a timezone-aware datetime is required, not {value!r}")
    utc = value.astimezone(timezone.utc)
    micro = utc.microsecond
    fraction = "" if micro == 0 else f".{micro // 1000:03d}" if micro % 1000 == 0 else f".{micro:06d}"
    return utc.strftime("%Y-%m-%dT%H:%M:%S") + fraction + "Z"


def _parse_instant(value: Any) -> datetime:
    parsed = datetime.fromisoformat(_text(value))
    if parsed.utcoffset() is None:
        raise ValueError(f"an instant needs a UTC offset: {value!r}")
    return parsed.astimezone(timezone.utc)


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a JSON string, got {value!r}")
    return value


def _integer(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"expected a JSON integer, got {value!r}")
    return value


def _boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"expected a JSON boolean, got {value!r}")
    return value


def _frozen_json(value: Any) -> Any:
    """JSON data as read-only values: mappings become ``MappingProxyType``, lists tuples."""
    if isinstance(value, dict):
        return types.MappingProxyType({k: _frozen_json(v) for k, v in value.items()})
    if isinstance(value, list):
        return tuple(_frozen_json(v) for v in value)
    return value


def _thawed_json(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _thawed_json(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [_thawed_json(v) for v in value]
    return value


_SCALARS: dict[Any, tuple[_Convert, _Convert]] = {
    str: (_text, str),
    int: (_integer, int),
    bool: (_boolean, bool),
    Decimal: (lambda v: Decimal(_text(v)), str),
    date: (lambda v: date.fromisoformat(_text(v)), date.isoformat),
    datetime: (_parse_instant, _instant),
    ServiceCode: (lambda v: ServiceCode(_text(v)), str),
    InvoiceNumber: (lambda v: InvoiceNumber(_text(v)), str),
}


def _converters(tp: Any) -> tuple[_Convert, _Convert]:
    """The (decode, encode) pair for a field type."""
    if tp in _SCALARS:
        return _SCALARS[tp]
    origin = get_origin(tp)
    if origin is Union or origin is types.UnionType:
        (inner,) = [a for a in get_args(tp) if a is not type(None)]
        dec, enc = _converters(inner)
        return (lambda v: None if v is None else dec(v)), (lambda v: None if v is None else enc(v))
    if origin is tuple:
        args = get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            dec, enc = _converters(args[0])
            return (lambda v: tuple(dec(x) for x in v)), (lambda v: [enc(x) for x in v])
        pairs = [_converters(a) for a in args]
        return (
            lambda v: tuple(d(x) for (d, _), x in zip(pairs, v, strict=True)),
            lambda v: [e(x) for (_, e), x in zip(pairs, v, strict=True)],
        )
    if origin is Mapping or tp is Mapping:
        return _frozen_json, _thawed_json
    if isinstance(tp, type) and issubclass(tp, Enum):
        enum_type = tp
        return (lambda v: enum_type(_text(v))), (lambda v: v.value)
    if isinstance(tp, type) and issubclass(tp, _Record):
        record = tp
        return record.from_dict, (lambda v: v.to_dict())
    raise TypeError(f"no JSON conversion for {tp!r}")


class _Record:
    """A frozen record read from the engine's JSON: ``from_json``/``from_dict`` decode it strictly,
    ``to_dict``/``to_json`` give the same JSON back."""

    __slots__ = ()

    @classmethod
    def _codec(cls) -> tuple[tuple[str, _Convert, _Convert], ...]:
        codec: tuple[tuple[str, _Convert, _Convert], ...] | None = cls.__dict__.get("_codec_cache")
        if codec is None:
            hints = get_type_hints(cls)
            codec = tuple(
                (f.name, *_converters(hints[f.name]))
                for f in dataclasses.fields(cls)  # type: ignore[arg-type]
            )
            type.__setattr__(cls, "_codec_cache", codec)
            type.__setattr__(cls, "_names_cache", frozenset(name for name, _, _ in codec))
        return codec

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        """The record from the engine's JSON as a mapping; ``ValueError`` on a missing or unknown
        key, ``TypeError`` on a value of the wrong JSON type."""
        if not isinstance(data, dict) and not isinstance(data, Mapping):
            raise TypeError(f"{cls.__name__} expects a JSON object, got {data!r}")
        codec = cls._codec()
        names: frozenset[str] = cls.__dict__["_names_cache"]
        if len(data) != len(names) or not names.issuperset(data):
            unknown = data.keys() - names
            if unknown:
                raise ValueError(f"{cls.__name__}: unknown keys {sorted(unknown)}")
            missing = sorted(names - data.keys())
            raise ValueError(f"{cls.__name__}: missing key {missing[0]!r}")
        return cls(**{name: dec(data[name]) for name, dec, _ in codec})

    @classmethod
    def from_json(cls, text: str | bytes) -> Self:
        """The record from the engine's JSON text."""
        return cls.from_dict(json.loads(text))

    def to_dict(self) -> dict[str, Any]:
        """The record as the engine's JSON (a dict of JSON values)."""
        return {name: enc(getattr(self, name)) for name, _, enc in self._codec()}

    def to_json(self) -> str:
        """The record as the engine's JSON text."""
        return json.dumps(self.to_dict(), ensure_ascii=False)


# ---------------------------------------------------------------------------------------------------
# The billing section (the core's `billing_core::section`).


@dataclasses.dataclass(frozen=True, slots=True)
class Domain(_Record):
    """A connected domain."""

    unicode: str
    """The name as people read it (``магазин.укр``)."""
    ascii: str
    """The name in ASCII (``xn--80aaxitdbjk.xn--j1amh``)."""
    primary: bool
    """Whether it is the primary domain."""


@dataclasses.dataclass(frozen=True, slots=True)
class Owner(_Record):
    """The owner contact that gets invoices and reminders; also the owner given to
    :meth:`Engine.open_project` (the core parses and normalises each part)."""

    full_name: str
    """Full name (ПІБ)."""
    email: str
    """Email address."""
    phone: str
    """Phone number; E.164 (``+380501234567``) when read back."""


@dataclasses.dataclass(frozen=True, slots=True)
class PersonalContract(_Record):
    """A personal contract."""

    number: str
    date: date
    document: str
    """The document reference for download."""


@dataclasses.dataclass(frozen=True, slots=True)
class Contracts(_Record):
    """The public offer and the personal contract."""

    offer_version: str | None
    offer_link: str | None
    offer_accepted_at: datetime | None
    personal_contract: PersonalContract | None
    personal_contract_requested: bool
    """Whether the owner asked for a personal contract and support has not answered yet."""


@dataclasses.dataclass(frozen=True, slots=True)
class LimitCheck(_Record):
    """Usage against a limit."""

    used: int
    limit: int | None
    """The limit; ``None`` is unlimited."""
    remaining: int | None
    """What remains (0 when reached or exceeded); ``None`` when unlimited."""
    state: LimitState


@dataclasses.dataclass(frozen=True, slots=True)
class TariffInfo(_Record):
    """The current tariff, its limits with the last daily counters, and scheduled changes."""

    code: str
    name: str
    period_months: int
    """The billing period in months (1, 3, 6, 12)."""
    price: Decimal | None
    """The price of one period (UAH)."""
    period_start: date
    period_end: date
    products: LimitCheck | None
    orders_this_month: LimitCheck | None
    counters_taken_at: datetime | None
    scheduled_tariff: str | None
    """A downgrade scheduled for the end of the paid period: the tariff's code."""
    scheduled_period_months: int | None
    features: tuple[str, ...]


@dataclasses.dataclass(frozen=True, slots=True)
class AdditionalFeature(_Record):
    """A feature another tariff offers, with the cheapest tariff that has it."""

    feature: str
    cheapest_tariff: str


@dataclasses.dataclass(frozen=True, slots=True)
class PaymentMethod(_Record):
    """How the project pays."""

    autopay: bool
    """Whether new invoices are charged to the saved card on the day they are issued."""
    bank_transfer_only: bool
    """Whether support stopped autopay (invoices are then paid by bank transfer only)."""
    card_masked_pan: str | None
    card_holder: str | None


@dataclasses.dataclass(frozen=True, slots=True)
class PaymentLink(_Record):
    """An invoice's current payment link."""

    id: str
    url: str | None
    """The acquirer's page to open."""
    expires_at: datetime


@dataclasses.dataclass(frozen=True, slots=True)
class InvoiceLine(_Record):
    """One invoice line."""

    description: str
    amount: Decimal


@dataclasses.dataclass(frozen=True, slots=True)
class Invoice(_Record):
    """One invoice in the history."""

    number: InvoiceNumber
    kind: InvoiceKind
    issued_on: date
    """The issue date (Kyiv)."""
    due_on: date
    total: Decimal
    """The total, VAT included (UAH)."""
    vat: Decimal | None
    """The VAT included, if any."""
    owed: Decimal
    """What is still owed."""
    status: InvoiceStatus
    overdue: bool
    """Whether the due date has passed and it is unpaid."""
    link: PaymentLink | None
    lines: tuple[InvoiceLine, ...]


@dataclasses.dataclass(frozen=True, slots=True)
class Requisites(_Record):
    """The buyer's saved requisites that acts are addressed to."""

    tax_id: str
    """ЄДРПОУ or РНОКПП."""
    company: bool
    """Whether it is a company (ЄДРПОУ) rather than a sole proprietor."""
    iban: str
    bank_name: str | None
    name: str
    address: str
    director: str | None
    vat_number: str | None
    """The 12-digit VAT payer number, for a VAT payer."""
    single_tax_group: int | None
    tax_status: str
    """The tax status as printed."""


@dataclasses.dataclass(frozen=True, slots=True)
class Vchasno(_Record):
    """The Vchasno integration's state."""

    activated: bool
    """Whether it is activated (requisites are then read-only)."""
    since: datetime | None
    vchasno_name: str | None


@dataclasses.dataclass(frozen=True, slots=True)
class Act(_Record):
    """One act of completed work (акт наданих послуг)."""

    number: str
    month: str
    """The billing month, ``2026-10``."""
    date: date
    total: Decimal
    vat: Decimal | None
    total_in_words: str
    status: str
    """``prepared``, or the Vchasno status (``uploaded`` ... ``signed_by_both``)."""
    document_id: str | None


@dataclasses.dataclass(frozen=True, slots=True)
class BillingSection(_Record):
    """The billing section of one project: everything the help page shows, in one value.

    ``BillingSection.from_json(text)`` reads the JSON the backend serves; ``to_json()`` writes it.
    """

    service_code: ServiceCode
    as_of: datetime
    """The instant the section describes."""
    access: AccessState
    deleted: bool
    deletion_pending: bool
    domains: tuple[Domain, ...]
    """Connected domains, the primary first."""
    owner: Owner | None
    change_request_pending: bool
    contracts: Contracts
    tariff: TariffInfo | None
    additional_features: tuple[AdditionalFeature, ...]
    payment_method: PaymentMethod
    total_owed: Decimal
    """What is owed now on open invoices."""
    open_credit: Decimal
    """Money kept as credit (overpayments) waiting to be applied or refunded."""
    invoices: tuple[Invoice, ...]
    """Invoices, newest first."""
    requisites: Requisites | None
    """The buyer's requisites, when saved."""
    vchasno: Vchasno
    """The Vchasno integration."""
    acts: tuple[Act, ...]
    """Acts of completed work, newest month first."""


# ---------------------------------------------------------------------------------------------------
# The requisites form (the core's `paperwork::RequisitesForm`).


@dataclasses.dataclass(frozen=True, slots=True)
class RequisitesForm(_Record):
    """The requisites form as typed: raw text, checked by the core when saved (a form with any bad
    field raises :class:`~billing_core.RequisitesError` naming every bad field, and saves nothing)."""

    tax_id: str
    """ЄДРПОУ (company, 8 digits) or РНОКПП (sole proprietor, 10 digits)."""
    iban: str
    name: str
    """Company name, or the sole proprietor's full name (ПІБ)."""
    address: str
    director: str | None = None
    """Director: required for a company, ignored for a sole proprietor."""
    vat_number: str | None = None
    """The 12-digit VAT payer number, for a VAT payer."""
    single_tax_group: int | None = None
    """The single-tax group (1..4), for a single-tax payer."""


@dataclasses.dataclass(frozen=True, slots=True)
class PrefillIssue(_Record):
    """Why the registry filled in nothing, or only part of the form: its ``kind`` (``not_found``,
    ``pending``, ``failed``, ``vat_pending``, ``vat_unknown``, ``terminated``, ``bankrupt``) and its
    other fields as the engine's JSON (``retry_after_secs``; ``code``, ``message``, ``retryable``;
    ``reason``), read-only."""

    kind: str
    data: Mapping[str, Any]

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        """From the engine's JSON (``{"kind": "pending", "retry_after_secs": 30}``)."""
        rest = {k: v for k, v in data.items() if k != "kind"}
        return cls(_text(data["kind"]), _frozen_json(rest))

    def to_dict(self) -> dict[str, Any]:
        """As the engine's JSON."""
        return {"kind": self.kind, **_thawed_json(self.data)}


@dataclasses.dataclass(frozen=True, slots=True)
class VatStatus(_Record):
    """A VAT status: ``kind`` ``"payer"`` with its 12-digit ``number`` (and registration date,
    when known), or ``"not_payer"``."""

    kind: str
    number: str | None = None
    since: date | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        """From the core's JSON (``{"kind": "payer", "number": "143605715098", "since": null}``)."""
        unknown = data.keys() - {"kind", "number", "since"}
        if unknown:
            raise ValueError(f"VatStatus: unknown keys {sorted(unknown)}")
        since = data.get("since")
        number = data.get("number")
        return cls(
            _text(data["kind"]),
            None if number is None else _text(number),
            None if since is None else date.fromisoformat(_text(since)),
        )

    def to_dict(self) -> dict[str, Any]:
        """As the core's JSON."""
        if self.kind != "payer":
            return {"kind": self.kind}
        return {"kind": self.kind, "number": self.number, "since": None if self.since is None else self.since.isoformat()}


@dataclasses.dataclass(frozen=True, slots=True)
class RequisitesPrefill(_Record):
    """A requisites form to show, prefilled where possible."""

    form: RequisitesForm
    source: PrefillSource
    notes: tuple[str, ...]
    """The registry's warnings (terminated, bankrupt, ...), or why the lookup gave nothing."""
    read_only: bool
    """Whether the fields are read-only now (Vchasno activated: deactivate first)."""
    issues: tuple[PrefillIssue, ...]
    """The same reasons as ``notes``, typed."""
    vat: VatStatus | None
    """The VAT status from the registry or the saved requisites; ``None`` when not known."""
    registry: Mapping[str, Any] | None
    """The registry's record as found (the core's ``RegistryRecord`` JSON, read-only), when the form
    came from the registry."""


# ---------------------------------------------------------------------------------------------------
# Actors, events, notifications and the other results.


@dataclasses.dataclass(frozen=True, slots=True)
class Actor(_Record):
    """Who issues a command: ``Actor.owner()``, ``Actor.support("ann")``, ``Actor.manager("bob")``
    or ``Actor.system()``."""

    kind: ActorKind
    id: str | None = None
    """The support agent's or manager's id in the platform."""

    def __post_init__(self) -> None:
        needs_id = self.kind in (ActorKind.SUPPORT, ActorKind.MANAGER)
        if needs_id != (self.id is not None):
            raise ValueError(f"an actor of kind {self.kind.value!r} {'needs' if needs_id else 'has no'} id")

    @classmethod
    def owner(cls) -> Self:
        """The project's owner."""
        return cls(ActorKind.OWNER)

    @classmethod
    def support(cls, id: str) -> Self:
        """A support agent."""
        return cls(ActorKind.SUPPORT, id)

    @classmethod
    def manager(cls, id: str) -> Self:
        """A manager."""
        return cls(ActorKind.MANAGER, id)

    @classmethod
    def system(cls) -> Self:
        """The billing engine itself (jobs, bank lines, acquirer callbacks)."""
        return cls(ActorKind.SYSTEM)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        """The actor from the core's JSON (``{"kind": "support", "id": "ann"}``)."""
        unknown = data.keys() - {"kind", "id"}
        if unknown:
            raise ValueError(f"Actor: unknown keys {sorted(unknown)}")
        return cls(ActorKind(_text(data["kind"])), data.get("id"))

    def to_dict(self) -> dict[str, Any]:
        """The actor as the core's JSON."""
        return {"kind": self.kind.value} if self.id is None else {"kind": self.kind.value, "id": self.id}


@dataclasses.dataclass(frozen=True, slots=True)
class ProjectEvent(_Record):
    """What happened to a project: the aggregate, the event's type (``invoice_issued``) and its
    other fields as the core's JSON (read-only)."""

    aggregate: Aggregate
    type: str
    data: Mapping[str, Any]

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        """The event from the core's JSON (``{"aggregate": "account", "event": {"type": ...}}``)."""
        body = dict(data["event"])
        kind = _text(body.pop("type"))
        return cls(Aggregate(_text(data["aggregate"])), kind, _frozen_json(body))

    def to_dict(self) -> dict[str, Any]:
        """The event as the core's JSON."""
        return {"aggregate": self.aggregate.value, "event": {"type": self.type, **_thawed_json(self.data)}}


@dataclasses.dataclass(frozen=True, slots=True)
class AuditRecord(_Record):
    """An audit record: what happened, when, and who did it; ``version`` is the project's stream
    version after the event (``None`` in a command's :class:`Applied`)."""

    at: datetime
    actor: Actor
    event: ProjectEvent
    version: int | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        """A record from the core's JSON: ``{at, actor, event}`` or a stored ``{version, at, actor,
        payload}``."""
        event = data["payload"] if "payload" in data else data["event"]
        version = data.get("version")
        return cls(
            _parse_instant(data["at"]),
            Actor.from_dict(data["actor"]),
            ProjectEvent.from_dict(event),
            None if version is None else _integer(version),
        )

    def to_dict(self) -> dict[str, Any]:
        """The record as the core's JSON."""
        out: dict[str, Any] = {"at": _instant(self.at), "actor": self.actor.to_dict()}
        if self.version is None:
            out["event"] = self.event.to_dict()
        else:
            out["version"] = self.version
            out["payload"] = self.event.to_dict()
        return out


@dataclasses.dataclass(frozen=True, slots=True)
class Applied(_Record):
    """What a command did: its audit records, or ``already_applied`` when its outside id (a bank
    transaction, an acquirer event) was recorded before and nothing changed now."""

    already_applied: bool
    records: tuple[AuditRecord, ...]

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        """From the binding's JSON (``{"already_applied": bool, "events": [...]}``)."""
        return cls(
            _boolean(data["already_applied"]),
            tuple(AuditRecord.from_dict(r) for r in data["events"]),
        )

    def to_dict(self) -> dict[str, Any]:
        """As the binding's JSON."""
        return {"already_applied": self.already_applied, "events": [r.to_dict() for r in self.records]}

    @property
    def events(self) -> tuple[ProjectEvent, ...]:
        """The events of the command."""
        return tuple(r.event for r in self.records)


@dataclasses.dataclass(frozen=True, slots=True)
class PaymentPage(_Record):
    """A payment page to send the owner to."""

    url: str
    expires_at: datetime
    """Until when it works."""


@dataclasses.dataclass(frozen=True, slots=True)
class DailyReport(_Record):
    """The daily job's report."""

    projects: int
    invoices_issued: int
    charges_succeeded: int
    charges_failed: int
    charges_3ds: int
    """Charges that asked for 3-D Secure (the owner got a payment link)."""
    charges_pending: int
    """Charges whose outcome is not known yet (reconciled later)."""
    blocked: int
    unblocked: int
    failures: tuple[tuple[ServiceCode, str], ...]
    """Projects whose run failed, with the error code (the job goes on with the others)."""


@dataclasses.dataclass(frozen=True, slots=True)
class Notification(_Record):
    """A message the platform must send: its ``kind`` (``invoice_issued``, ``payment_due``, ...),
    the project, and the other fields as the core's JSON (read-only)."""

    kind: str
    project: ServiceCode
    data: Mapping[str, Any]

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        """From the core's JSON (``{"kind": ..., "project": ..., ...}``)."""
        rest = {k: v for k, v in data.items() if k not in ("kind", "project")}
        return cls(_text(data["kind"]), ServiceCode(_text(data["project"])), _frozen_json(rest))

    def to_dict(self) -> dict[str, Any]:
        """As the core's JSON."""
        return {"kind": self.kind, "project": str(self.project), **_thawed_json(self.data)}


@dataclasses.dataclass(frozen=True, slots=True)
class OutboxItem(_Record):
    """A notification waiting in the outbox; :meth:`Engine.acknowledge` its ``id`` once sent."""

    id: int
    project: ServiceCode
    at: datetime
    notification: Notification


# ---------------------------------------------------------------------------------------------------
# Clocks.


class SupportsNow(Protocol):
    """An object with ``now()`` returning a timezone-aware ``datetime``."""

    def now(self) -> datetime: ...


#: The clock :meth:`Engine.open` accepts: an object with ``now()`` or a callable, either returning a
#: timezone-aware ``datetime``.
Clock = SupportsNow | Callable[[], datetime]


class ManualClock:
    """A clock that stands still until moved: for tests, replays and backfills.

    >>> clock = ManualClock(datetime(2026, 3, 16, 8, tzinfo=timezone.utc))
    >>> clock.advance(timedelta(days=1)); clock.now().isoformat()
    '2026-03-17T08:00:00+00:00'
    """

    __slots__ = ("_at", "_lock")

    def __init__(self, at: datetime) -> None:
        self._lock = threading.Lock()
        self._at = _aware(at)

    def now(self) -> datetime:
        """The time it shows."""
        with self._lock:
            return self._at

    def set(self, at: datetime) -> None:
        """Sets the time."""
        at = _aware(at)
        with self._lock:
            self._at = at

    def advance(self, by: timedelta) -> None:
        """Moves the time forward (or back, by a negative ``timedelta``)."""
        with self._lock:
            self._at += by

    def __repr__(self) -> str:
        return f"ManualClock({self.now()!r})"


def _aware(value: object) -> datetime:
    if not isinstance(value, datetime) or value.utcoffset() is None:
        raise TypeError(f"a timezone-aware datetime is required, not {value!r}")
    return value


def _utc_clock(clock: Clock) -> Callable[[], datetime]:
    """The user's clock as the callable the native engine calls: an aware UTC datetime, or
    ``TypeError`` (raised from the engine call that asked the time)."""
    now = getattr(clock, "now", None)
    read: Callable[[], object] = now if callable(now) else clock  # type: ignore[assignment]
    if not callable(read):
        raise TypeError(f"a clock is an object with now() or a callable, not {clock!r}")

    def utc_now() -> datetime:
        return _aware(read()).astimezone(timezone.utc)

    return utc_now


class SupportsLookup(Protocol):
    """An object with ``lookup(tax_id)``: see :data:`Registry`."""

    def lookup(self, tax_id: str) -> Mapping[str, Any] | None: ...


#: The registry lookup :meth:`Engine.open` accepts: an object with ``lookup(tax_id)`` or a callable,
#: given the ЄДРПОУ/РНОКПП and returning the core's ``RegistryAnswer`` JSON as a mapping
#: (``{"kind": "found", "tax_id": ..., "name": ..., "address": ..., "director": ..., "vat": {"kind":
#: "payer", "number": ..., "since": None}, "single_tax_group": None, "warnings": []}``,
#: ``{"kind": "pending", "retry_after_secs": 30}``) or ``None`` for not found. An exception is a
#: failed lookup: the form stays for the owner to fill in, and the prefill's notes say why.
Registry = SupportsLookup | Callable[[str], Mapping[str, Any] | None]


def _registry_fn(registry: Registry) -> Callable[[str], str]:
    """The user's registry as the callable the native engine calls: JSON text in the core's shape."""
    lookup = getattr(registry, "lookup", None)
    read: Callable[[str], Mapping[str, Any] | None] = (
        lookup if callable(lookup) else registry  # type: ignore[assignment]
    )
    if not callable(read):
        raise TypeError(f"a registry is an object with lookup() or a callable, not {registry!r}")

    def answer(tax_id: str) -> str:
        found = read(tax_id)
        return json.dumps({"kind": "not_found"} if found is None else dict(found), ensure_ascii=False)

    return answer


def _resolve(future: asyncio.Future[Any], ok: bool, value: Any) -> None:
    """Completes an engine call's future on its loop (called by the native runtime)."""
    if future.done():  # cancelled while the engine worked: the result is dropped
        return
    if ok:
        future.set_result(value)
    else:
        future.set_exception(value)


# ---------------------------------------------------------------------------------------------------
# The engine.

CodeLike = ServiceCode | str
InvoiceLike = InvoiceNumber | str
MoneyLike = Money | Decimal | str
MonthLike = date | str


def _month(month: MonthLike) -> str:
    """A billing month as the core reads it: ``2026-10`` (from a ``date``, its month)."""
    if isinstance(month, date):
        return f"{month.year:04d}-{month.month:02d}"
    return month


def _form(form: RequisitesForm) -> str:
    if not isinstance(form, RequisitesForm):
        raise TypeError(f"form must be a RequisitesForm, not {form!r}")
    return form.to_json()


def _owner_actor(actor: Actor | None) -> str:
    return _actor(Actor.owner() if actor is None else actor)


def _requisites(text: str) -> Requisites | None:
    data = json.loads(text)
    return None if data is None else Requisites.from_dict(data)


def _statuses(text: str) -> tuple[tuple[str, VchasnoStatus], ...]:
    return tuple((_text(n), VchasnoStatus(_text(s))) for n, s in json.loads(text))


def _money(amount: MoneyLike) -> str:
    return str(amount if isinstance(amount, Money) else Money(amount))


def _actor(actor: Actor) -> str:
    if not isinstance(actor, Actor):
        raise TypeError(f"actor must be an Actor, not {actor!r}")
    return json.dumps(actor.to_dict())


def _config(config_json: str | Mapping[str, Any] | None) -> str | None:
    if config_json is None or isinstance(config_json, str):
        return config_json
    return json.dumps(dict(config_json))


def _headers(headers: Mapping[str, str] | Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    items = headers.items() if isinstance(headers, Mapping) else headers
    return [(str(k), str(v)) for k, v in items]


def _events(text: str) -> tuple[ProjectEvent, ...]:
    return tuple(ProjectEvent.from_dict(e) for e in json.loads(text))


def _records(text: str) -> tuple[AuditRecord, ...]:
    return tuple(AuditRecord.from_dict(e) for e in json.loads(text))


def _outbox(text: str) -> tuple[OutboxItem, ...]:
    return tuple(OutboxItem.from_dict(e) for e in json.loads(text))


class Engine:
    """The billing engine over a store: SQLite (a file path, created and migrated on first open),
    PostgreSQL (a ``postgres://`` URL) or ``"memory:"``; in-memory adapters for the acquirer,
    Vchasno and the registry.

    Open it with :meth:`open` (or ``await`` :meth:`open_async`). Every use case has a blocking
    method that releases the GIL while the engine works and an ``*_async`` twin for asyncio code;
    both raise the package's exceptions (:class:`~billing_core.BillingError` and its subclasses, each
    with ``.code``). An engine is safe to share between threads and event loops.
    Cancelling an ``*_async`` call does not stop the engine's work: it completes (or not) as one
    transaction, and its result is dropped.

    The document side: requisites (prefilled from the project's records or the ``registry``
    given to :meth:`open`), the Vchasno integration (``vchasno``: a :class:`MemoryVchasno` for tests
    and demos), acts of completed work and their PDFs. Methods that change something take the actor
    as ``actor=`` (the owner by default).

    Later (not in the engine yet): ``reconcile`` against the store (the dry run over data is
    :func:`billing_core.reconcile`).
    """

    __slots__ = ("_native",)

    def __init__(self, native: NativeEngine) -> None:
        """Wraps a native engine; use :meth:`open` or :meth:`open_async`."""
        if not isinstance(native, NativeEngine):
            raise TypeError("use Engine.open(...) or await Engine.open_async(...)")
        self._native = native

    @classmethod
    def open(
        cls,
        path_or_url: str | os.PathLike[str],
        config_json: str | Mapping[str, Any] | None = None,
        clock: Clock | None = None,
        *,
        vchasno: MemoryVchasno | None = None,
        registry: Registry | None = None,
    ) -> Self:
        """Opens the engine on a store.

        ``config_json`` (JSON text or a mapping) overrides keys of the default configuration
        (``policy``, ``catalog``, ``bank_job_every_minutes``, ``seller``: the seller's requisites
        that acts print); ``clock`` is an object with ``now()`` or a callable returning an aware
        ``datetime`` (default: the system clock); ``vchasno`` is the Vchasno to use (default: an
        empty :class:`MemoryVchasno`); ``registry`` looks requisites up (see :data:`Registry`;
        default: nothing is ever found). Raises ``ConfigError`` for a bad configuration and
        ``StoreError`` when the store cannot be opened.
        """
        args = cls._open_args(path_or_url, config_json, clock, vchasno, registry)
        return cls(open_engine(*args))

    @classmethod
    async def open_async(
        cls,
        path_or_url: str | os.PathLike[str],
        config_json: str | Mapping[str, Any] | None = None,
        clock: Clock | None = None,
        *,
        vchasno: MemoryVchasno | None = None,
        registry: Registry | None = None,
    ) -> Self:
        """:meth:`open`, for asyncio code."""
        args = cls._open_args(path_or_url, config_json, clock, vchasno, registry)
        return cls(await open_engine_async(*args))

    @staticmethod
    def _open_args(
        path_or_url: str | os.PathLike[str],
        config_json: str | Mapping[str, Any] | None,
        clock: Clock | None,
        vchasno: MemoryVchasno | None,
        registry: Registry | None,
    ) -> tuple[str, str | None, Callable[[], datetime] | None, MemoryVchasno | None, Callable[[str], str] | None]:
        if vchasno is not None and not isinstance(vchasno, MemoryVchasno):
            raise TypeError(f"vchasno must be a MemoryVchasno, not {vchasno!r}")
        return (
            os.fspath(path_or_url),
            _config(config_json),
            None if clock is None else _utc_clock(clock),
            vchasno,
            None if registry is None else _registry_fn(registry),
        )

    def __repr__(self) -> str:
        return f"Engine.open({self._native.store!r})"

    @property
    def store(self) -> str:
        """The store the engine was opened on (a path or URL)."""
        return self._native.store

    @property
    def config(self) -> Mapping[str, Any]:
        """The engine's configuration, as its JSON (read-only)."""
        frozen: Mapping[str, Any] = _frozen_json(json.loads(self._native.config_json()))
        return frozen

    def now(self) -> datetime:
        """The current time from the engine's clock (aware, UTC)."""
        return self._native.now()

    # -- projects -------------------------------------------------------------------------------

    def open_project(
        self,
        code: CodeLike,
        owner: Owner,
        tariff: str,
        period: BillingPeriod | str = BillingPeriod.MONTHLY,
    ) -> tuple[ProjectEvent, ...]:
        """Registers a project with its owner and starts billing on a tariff of the catalog; the
        first invoice is issued at once. Returns the events."""
        args = (str(code), owner.full_name, owner.email, owner.phone, tariff, BillingPeriod(period).value)
        return _events(self._native.open_project(*args))

    async def open_project_async(
        self,
        code: CodeLike,
        owner: Owner,
        tariff: str,
        period: BillingPeriod | str = BillingPeriod.MONTHLY,
    ) -> tuple[ProjectEvent, ...]:
        """:meth:`open_project`, for asyncio code."""
        args = (str(code), owner.full_name, owner.email, owner.phone, tariff, BillingPeriod(period).value)
        return _events(await self._native.open_project_async(*args))

    def record_usage(self, code: CodeLike, products: int, orders_this_month: int) -> Applied:
        """Records the daily usage counters that the platform sends."""
        return Applied.from_json(self._native.record_usage(str(code), products, orders_this_month))

    async def record_usage_async(self, code: CodeLike, products: int, orders_this_month: int) -> Applied:
        """:meth:`record_usage`, for asyncio code."""
        return Applied.from_json(await self._native.record_usage_async(str(code), products, orders_this_month))

    def billing_section(self, code: CodeLike) -> BillingSection:
        """The billing section of a project (``ProjectNotFound`` for an unknown project)."""
        return BillingSection.from_json(self._native.billing_section(str(code)))

    async def billing_section_async(self, code: CodeLike) -> BillingSection:
        """:meth:`billing_section`, for asyncio code."""
        return BillingSection.from_json(await self._native.billing_section_async(str(code)))

    def billing_section_json(self, code: CodeLike) -> str:
        """The billing section as the engine's JSON text, to serve as it is."""
        return self._native.billing_section(str(code))

    async def billing_section_json_async(self, code: CodeLike) -> str:
        """:meth:`billing_section_json`, for asyncio code."""
        text: str = await self._native.billing_section_async(str(code))
        return text

    def projects(self) -> tuple[ServiceCode, ...]:
        """All stored projects."""
        return tuple(ServiceCode(c) for c in self._native.projects())

    async def projects_async(self) -> tuple[ServiceCode, ...]:
        """:meth:`projects`, for asyncio code."""
        codes: list[str] = await self._native.projects_async()
        return tuple(ServiceCode(c) for c in codes)

    def audit_trail(self, code: CodeLike) -> tuple[AuditRecord, ...]:
        """A project's audit trail, oldest first."""
        return _records(self._native.audit_trail(str(code)))

    async def audit_trail_async(self, code: CodeLike) -> tuple[AuditRecord, ...]:
        """:meth:`audit_trail`, for asyncio code."""
        return _records(await self._native.audit_trail_async(str(code)))

    def execute(
        self,
        code: CodeLike,
        command: Mapping[str, Any],
        *,
        actor: Actor,
        outside_id: tuple[str, str] | None = None,
    ) -> Applied:
        """Runs a raw project command, the core's ``ProjectCommand`` JSON
        (``{"aggregate": "admin", "command": {"command": "add_domain", ...}}``), as ``actor``. With
        ``outside_id`` (kind, id) it takes effect at most once."""
        return Applied.from_json(
            self._native.execute(str(code), json.dumps(dict(command)), _actor(actor), outside_id)
        )

    async def execute_async(
        self,
        code: CodeLike,
        command: Mapping[str, Any],
        *,
        actor: Actor,
        outside_id: tuple[str, str] | None = None,
    ) -> Applied:
        """:meth:`execute`, for asyncio code."""
        return Applied.from_json(
            await self._native.execute_async(str(code), json.dumps(dict(command)), _actor(actor), outside_id)
        )

    # -- payments -------------------------------------------------------------------------------

    def credit_bank_transfer(
        self,
        code: CodeLike,
        transaction: str,
        amount: MoneyLike,
        invoice: InvoiceLike | None = None,
        *,
        actor: Actor | None = None,
    ) -> Applied:
        """Credits a bank transfer, matched automatically (the default actor, system) or by support
        from the payer's receipt (``actor=Actor.support(id)``). Each bank transaction id takes
        effect at most once (a repeat is ``already_applied``)."""
        args = self._transfer_args(code, transaction, amount, invoice, actor)
        return Applied.from_json(self._native.credit_bank_transfer(*args))

    async def credit_bank_transfer_async(
        self,
        code: CodeLike,
        transaction: str,
        amount: MoneyLike,
        invoice: InvoiceLike | None = None,
        *,
        actor: Actor | None = None,
    ) -> Applied:
        """:meth:`credit_bank_transfer`, for asyncio code."""
        args = self._transfer_args(code, transaction, amount, invoice, actor)
        return Applied.from_json(await self._native.credit_bank_transfer_async(*args))

    @staticmethod
    def _transfer_args(
        code: CodeLike, transaction: str, amount: MoneyLike, invoice: InvoiceLike | None, actor: Actor | None
    ) -> tuple[str, str, str, str, str | None]:
        actor_json = _actor(Actor.system() if actor is None else actor)
        return (str(code), actor_json, transaction, _money(amount), None if invoice is None else str(invoice))

    def payment_link(self, code: CodeLike, invoice: InvoiceLike, *, actor: Actor | None = None) -> PaymentPage:
        """The card payment page of an open invoice: the valid one, or a new one when the last
        expired (the default actor is the owner)."""
        actor_json = _actor(Actor.owner() if actor is None else actor)
        return PaymentPage.from_json(self._native.payment_link(str(code), actor_json, str(invoice)))

    async def payment_link_async(
        self, code: CodeLike, invoice: InvoiceLike, *, actor: Actor | None = None
    ) -> PaymentPage:
        """:meth:`payment_link`, for asyncio code."""
        actor_json = _actor(Actor.owner() if actor is None else actor)
        return PaymentPage.from_json(await self._native.payment_link_async(str(code), actor_json, str(invoice)))

    def bind_card(self, code: CodeLike) -> PaymentPage:
        """The page on which the owner binds (or changes) a card: it pays the open invoice with the
        card saved, or takes a 1 UAH verification that is refunded."""
        return PaymentPage.from_json(self._native.bind_card(str(code)))

    async def bind_card_async(self, code: CodeLike) -> PaymentPage:
        """:meth:`bind_card`, for asyncio code."""
        return PaymentPage.from_json(await self._native.bind_card_async(str(code)))

    def acquirer_webhook(self, headers: Mapping[str, str] | Iterable[tuple[str, str]], body: bytes) -> Applied:
        """Verifies and applies an acquirer webhook (raw headers and body); each acquirer event
        takes effect at most once."""
        return Applied.from_json(self._native.acquirer_webhook(_headers(headers), bytes(body)))

    async def acquirer_webhook_async(
        self, headers: Mapping[str, str] | Iterable[tuple[str, str]], body: bytes
    ) -> Applied:
        """:meth:`acquirer_webhook`, for asyncio code."""
        return Applied.from_json(await self._native.acquirer_webhook_async(_headers(headers), bytes(body)))

    # -- jobs and notifications -------------------------------------------------------------------

    def run_daily(self) -> DailyReport:
        """The daily job over every project: issue due invoices, charge autopay, remind, block or
        unblock. A failing project is reported and the job goes on."""
        return DailyReport.from_json(self._native.run_daily())

    async def run_daily_async(self) -> DailyReport:
        """:meth:`run_daily`, for asyncio code."""
        return DailyReport.from_json(await self._native.run_daily_async())

    def next_notifications(self, limit: int = 100) -> tuple[OutboxItem, ...]:
        """Up to ``limit`` notifications to send, oldest first."""
        return _outbox(self._native.next_notifications(limit))

    async def next_notifications_async(self, limit: int = 100) -> tuple[OutboxItem, ...]:
        """:meth:`next_notifications`, for asyncio code."""
        return _outbox(await self._native.next_notifications_async(limit))

    def acknowledge(self, ids: Iterable[int]) -> None:
        """Marks notifications as sent."""
        self._native.acknowledge(list(ids))

    async def acknowledge_async(self, ids: Iterable[int]) -> None:
        """:meth:`acknowledge`, for asyncio code."""
        await self._native.acknowledge_async(list(ids))

    # -- requisites, Vchasno and acts -------------------------------------------------------------

    def requisites_prefill(self, code: CodeLike, tax_id: str | None = None) -> RequisitesPrefill:
        """The requisites form to show: the project's saved requisites (when ``tax_id`` is omitted or
        the same code), else the registry's record for ``tax_id``; a missing or failing lookup
        leaves the fields for the owner, with the reason in ``notes``."""
        return RequisitesPrefill.from_json(self._native.requisites_prefill(str(code), tax_id))

    async def requisites_prefill_async(self, code: CodeLike, tax_id: str | None = None) -> RequisitesPrefill:
        """:meth:`requisites_prefill`, for asyncio code."""
        return RequisitesPrefill.from_json(await self._native.requisites_prefill_async(str(code), tax_id))

    def save_requisites(self, code: CodeLike, form: RequisitesForm, *, actor: Actor | None = None) -> Applied:
        """"Save": stores the requisites (Vchasno stays not activated). ``RequisitesError`` names
        every bad field; ``Refused`` (``vchasno.edit_while_active``) while Vchasno is activated."""
        return Applied.from_json(self._native.save_requisites(str(code), _owner_actor(actor), _form(form)))

    async def save_requisites_async(
        self, code: CodeLike, form: RequisitesForm, *, actor: Actor | None = None
    ) -> Applied:
        """:meth:`save_requisites`, for asyncio code."""
        return Applied.from_json(
            await self._native.save_requisites_async(str(code), _owner_actor(actor), _form(form))
        )

    def save_and_activate_vchasno(
        self, code: CodeLike, form: RequisitesForm, *, actor: Actor | None = None
    ) -> Applied:
        """"Save and activate": stores the requisites and activates Vchasno if the company is
        registered there (``Refused``: ``vchasno.not_registered``, register in Vchasno first;
        ``vchasno.unreachable``, try again later; the requisites stay saved either way)."""
        args = (str(code), _owner_actor(actor), _form(form))
        return Applied.from_json(self._native.save_and_activate_vchasno(*args))

    async def save_and_activate_vchasno_async(
        self, code: CodeLike, form: RequisitesForm, *, actor: Actor | None = None
    ) -> Applied:
        """:meth:`save_and_activate_vchasno`, for asyncio code."""
        args = (str(code), _owner_actor(actor), _form(form))
        return Applied.from_json(await self._native.save_and_activate_vchasno_async(*args))

    def activate_vchasno(self, code: CodeLike, *, actor: Actor | None = None) -> Applied:
        """Activates Vchasno for the saved requisites (see :meth:`save_and_activate_vchasno`)."""
        return Applied.from_json(self._native.activate_vchasno(str(code), _owner_actor(actor)))

    async def activate_vchasno_async(self, code: CodeLike, *, actor: Actor | None = None) -> Applied:
        """:meth:`activate_vchasno`, for asyncio code."""
        return Applied.from_json(await self._native.activate_vchasno_async(str(code), _owner_actor(actor)))

    def deactivate_vchasno(self, code: CodeLike, *, actor: Actor | None = None) -> Applied:
        """Deactivates Vchasno: the requisites become editable again."""
        return Applied.from_json(self._native.deactivate_vchasno(str(code), _owner_actor(actor)))

    async def deactivate_vchasno_async(self, code: CodeLike, *, actor: Actor | None = None) -> Applied:
        """:meth:`deactivate_vchasno`, for asyncio code."""
        return Applied.from_json(await self._native.deactivate_vchasno_async(str(code), _owner_actor(actor)))

    def request_act(self, code: CodeLike, month: MonthLike, *, actor: Actor | None = None) -> Act:
        """The act of completed work of a closed month (``"2026-10"``, or any ``date`` in it), sent
        through Vchasno once: asking again returns the act already sent. The act is as the billing
        section shows it."""
        return Act.from_json(self._native.request_act(str(code), _owner_actor(actor), _month(month)))

    async def request_act_async(self, code: CodeLike, month: MonthLike, *, actor: Actor | None = None) -> Act:
        """:meth:`request_act`, for asyncio code."""
        return Act.from_json(await self._native.request_act_async(str(code), _owner_actor(actor), _month(month)))

    def act_pdf(self, code: CodeLike, number: str) -> bytes:
        """The PDF of an act (``A-11111-2026-10``), rendered again from the record."""
        return self._native.act_pdf(str(code), number)

    async def act_pdf_async(self, code: CodeLike, number: str) -> bytes:
        """:meth:`act_pdf`, for asyncio code."""
        pdf: bytes = await self._native.act_pdf_async(str(code), number)
        return pdf

    def invoice_pdf(self, code: CodeLike, invoice: InvoiceLike) -> bytes:
        """The PDF of an invoice (рахунок на оплату) with the NBU payment QR code: the seller from
        the configuration (``seller``), the buyer from the saved requisites (before they are
        saved: the owner, by name and email, without a tax id)."""
        return self._native.invoice_pdf(str(code), str(invoice))

    async def invoice_pdf_async(self, code: CodeLike, invoice: InvoiceLike) -> bytes:
        """:meth:`invoice_pdf`, for asyncio code."""
        pdf: bytes = await self._native.invoice_pdf_async(str(code), str(invoice))
        return pdf

    def poll_act_statuses(self, code: CodeLike) -> tuple[tuple[str, VchasnoStatus], ...]:
        """Reads the Vchasno statuses of the project's acts that may still change and records the
        changes; returns the acts whose status changed, with the new status."""
        return _statuses(self._native.poll_act_statuses(str(code)))

    async def poll_act_statuses_async(self, code: CodeLike) -> tuple[tuple[str, VchasnoStatus], ...]:
        """:meth:`poll_act_statuses`, for asyncio code."""
        return _statuses(await self._native.poll_act_statuses_async(str(code)))

    def requisites(self, code: CodeLike) -> Requisites | None:
        """The saved requisites as the billing section shows them (``None`` before the first save)."""
        return _requisites(self._native.requisites(str(code)))

    async def requisites_async(self, code: CodeLike) -> Requisites | None:
        """:meth:`requisites`, for asyncio code."""
        return _requisites(await self._native.requisites_async(str(code)))
