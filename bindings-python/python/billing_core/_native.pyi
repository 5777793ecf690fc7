"""The native half of ``billing_core`` (pyo3). Import from ``billing_core``, not from here.

Every class is immutable and final: ``__new__`` parses (raising the ``InvalidInput`` subclass of
its area, from ``billing_core``), ``str()`` is the canonical text, ``repr()`` evaluates back to an
equal value, and equal values hash equal. Instances pickle by their canonical text.
"""

import asyncio
import datetime
import decimal
from collections.abc import Callable, Sequence
from typing import Any, Literal, Self, final

__all__ = [
    "_before_exit",
    "Edrpou",
    "MemoryVchasno",
    "NativeEngine",
    "NbuQrFields",
    "PaymentQr",
    "amount_in_words",
    "open_engine",
    "open_engine_async",
    "reconcile_bytes",
    "reconcile_json",
    "Email",
    "Iban",
    "InvoiceNumber",
    "Money",
    "Phone",
    "Rnokpp",
    "ServiceCode",
    "TaxId",
    "__version__",
    "is_valid_edrpou",
    "is_valid_iban",
    "is_valid_rnokpp",
    "validate_edrpou_many",
    "validate_iban_many",
    "validate_rnokpp_many",
]

__version__: str

@final
class Edrpou:
    """A company's ЄДРПОУ: 8 digits with a valid check digit; leading zeros are significant."""

    def __new__(cls, value: str) -> Self: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __reduce__(self) -> tuple[type[Self], tuple[str]]: ...

@final
class Rnokpp:
    """A person's РНОКПП (formerly ІПН): 10 digits with a valid check digit."""

    def __new__(cls, value: str) -> Self: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __reduce__(self) -> tuple[type[Self], tuple[str]]: ...
    @property
    def birth_date(self) -> datetime.date:
        """The birth date encoded in the first five digits."""
    @property
    def sex(self) -> Literal["male", "female"]:
        """``"male"`` or ``"female"``, from the ninth digit."""

@final
class TaxId:
    """The payer's tax id: a company's ЄДРПОУ (8 digits) or a sole proprietor's (ФОП) РНОКПП (10)."""

    def __new__(cls, value: str) -> Self: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __reduce__(self) -> tuple[type[Self], tuple[str]]: ...
    @property
    def kind(self) -> Literal["company", "sole_proprietor"]:
        """``"company"`` (ЄДРПОУ) or ``"sole_proprietor"`` (РНОКПП)."""
    @property
    def edrpou(self) -> Edrpou | None:
        """The ЄДРПОУ, for a company."""
    @property
    def rnokpp(self) -> Rnokpp | None:
        """The РНОКПП, for a sole proprietor."""

@final
class Iban:
    """An IBAN, from its electronic or print form in any case; ``str()`` is the electronic form."""

    def __new__(cls, value: str) -> Self: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __reduce__(self) -> tuple[type[Self], tuple[str]]: ...
    @property
    def electronic(self) -> str:
        """The electronic form: ``UA213223130000026007233566001``."""
    @property
    def print_form(self) -> str:
        """The print form in groups of four: ``UA21 3223 1300 0002 6007 2335 6600 1``."""
    @property
    def country_code(self) -> str:
        """The ISO country code (``UA``)."""
    @property
    def is_ukrainian(self) -> bool:
        """Whether the account is in a Ukrainian bank."""
    @property
    def mfo(self) -> str | None:
        """The bank code (МФО), for a Ukrainian IBAN."""
    @property
    def bank_name(self) -> str | None:
        """The bank's name, for a Ukrainian bank the core knows."""

@final
class Money:
    """A non-negative UAH amount with exactly two decimal places (0.00 to 999 999 999.99).

    Built from text as people write it (``"1 200,50"``) or from a ``decimal.Decimal`` with at most
    two places; never from a float. ``str()`` is the machine form ``1200.50``. ``+`` and ``-`` are
    exact and raise ``MoneyError`` (``money.overflow``, ``money.negative``) outside the range.
    """

    def __new__(cls, value: str | decimal.Decimal) -> Self: ...
    @staticmethod
    def from_kopiyky(kopiyky: int) -> Money:
        """An amount from whole kopiyky (``120050`` is 1 200.50)."""
    def to_decimal(self) -> decimal.Decimal:
        """The amount as a ``decimal.Decimal`` with two places (``Decimal('1200.50')``)."""
    @property
    def amount(self) -> decimal.Decimal:
        """The amount as a ``decimal.Decimal`` with two places; the same as ``to_decimal()``."""
    @property
    def kopiyky(self) -> int:
        """The amount in kopiyky (1 200.50 is 120050)."""
    def to_document_string(self) -> str:
        """The amount as Ukrainian documents print it: ``1 200,50 грн``."""
    def __add__(self, other: Money, /) -> Money: ...
    def __sub__(self, other: Money, /) -> Money: ...
    def __radd__(self, other: Money, /) -> Money: ...
    def __rsub__(self, other: Money, /) -> Money: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __lt__(self, other: Money, /) -> bool: ...
    def __le__(self, other: Money, /) -> bool: ...
    def __gt__(self, other: Money, /) -> bool: ...
    def __ge__(self, other: Money, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __reduce__(self) -> tuple[type[Self], tuple[str]]: ...

@final
class ServiceCode:
    """A project's service code: exactly five digits, leading zeros kept (``00042``)."""

    def __new__(cls, value: str) -> Self: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __reduce__(self) -> tuple[type[Self], tuple[str]]: ...
    @property
    def value(self) -> int:
        """The numeric value (``00042`` is 42)."""

@final
class InvoiceNumber:
    """An invoice number, ``HOR-11111-007``: prefix, the project's service code, sequence from 1."""

    def __new__(cls, value: str) -> Self: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __reduce__(self) -> tuple[type[Self], tuple[str]]: ...
    @property
    def prefix(self) -> str:
        """The prefix: 2 to 5 Latin capitals (``HOR``)."""
    @property
    def service_code(self) -> ServiceCode:
        """The project's service code."""
    @property
    def sequence(self) -> int:
        """The per-project sequence, from 1."""

@final
class Email:
    """An email address, ``local@domain``: surrounding spaces trimmed, the domain lower-cased."""

    def __new__(cls, value: str) -> Self: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __reduce__(self) -> tuple[type[Self], tuple[str]]: ...
    def same_mailbox(self, other: Email) -> bool:
        """Whether both addresses name the same mailbox (compared without regard to case)."""

@final
class Phone:
    """A phone number, normalised to E.164 (``+380501234567``) from the forms people write."""

    def __new__(cls, value: str) -> Self: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __reduce__(self) -> tuple[type[Self], tuple[str]]: ...

def is_valid_edrpou(value: str) -> bool:
    """Whether ``value`` is a valid ЄДРПОУ (exactly when ``Edrpou(value)`` succeeds)."""

def is_valid_rnokpp(value: str) -> bool:
    """Whether ``value`` is a valid РНОКПП (exactly when ``Rnokpp(value)`` succeeds)."""

def is_valid_iban(value: str) -> bool:
    """Whether ``value`` is a valid IBAN (exactly when ``Iban(value)`` succeeds)."""

def validate_edrpou_many(values: Sequence[str]) -> list[bool]:
    """``is_valid_edrpou`` over a sequence of str, without the GIL while Rust checks."""

def validate_rnokpp_many(values: Sequence[str]) -> list[bool]:
    """``is_valid_rnokpp`` over a sequence of str, without the GIL while Rust checks."""

def validate_iban_many(values: Sequence[str]) -> list[bool]:
    """``is_valid_iban`` over a sequence of str, without the GIL while Rust checks."""

def amount_in_words(amount: Money | decimal.Decimal | str) -> str:
    """The amount in words, as Ukrainian accounting documents write it:
    ``Одна тисяча двісті гривень 50 копійок``. Takes a ``Money``, a str or a ``decimal.Decimal``."""

@final
class PaymentQr:
    """An invoice's NBU payment QR code (QR-код для кредитових переказів), built from validated values:
    the payer's banking app fills in our IBAN, the exact amount and a purpose holding the exact
    invoice number."""

    def __new__(
        cls,
        receiver_name: str,
        iban: Iban | str,
        receiver_code: TaxId | str,
        amount: Money | decimal.Decimal | str,
        invoice: InvoiceNumber | str,
        *,
        purpose_suffix: str | None = None,
        purpose_code: str | None = None,
        format: Literal["002", "003"] = "002",
    ) -> Self: ...
    def __eq__(self, other: object, /) -> bool: ...
    __hash__: None  # type: ignore[assignment]
    @property
    def format(self) -> Literal["002", "003"]:
        """The format: ``"002"`` (``https://bank.gov.ua/qr/``) or ``"003"`` (``https://qr.bank.gov.ua/``)."""
    @property
    def receiver_name(self) -> str:
        """Our (the receiver's) name."""
    @property
    def iban(self) -> Iban:
        """Our IBAN."""
    @property
    def receiver_code(self) -> TaxId:
        """Our ЄДРПОУ or РНОКПП."""
    @property
    def amount(self) -> Money:
        """What is owed."""
    @property
    def invoice(self) -> InvoiceNumber:
        """The invoice being paid."""
    @property
    def purpose_suffix(self) -> str | None:
        """Text after the invoice number in the purpose (``без ПДВ``), if any."""
    @property
    def purpose_code(self) -> str | None:
        """The format 003 purpose code (``OTHR/OTHR`` when not set), if set."""
    def purpose(self) -> str:
        """The purpose of payment: ``Оплата за рахунком № HOR-11111-007[, suffix]``."""
    def fields(self) -> NbuQrFields:
        """The raw fields of the payload."""
    def url(self) -> str:
        """The URL the QR code carries; ``NbuQrError`` when a field breaks the format's limits."""

@final
class NbuQrFields:
    """The raw fields of an NBU payment QR code, as strings, for payloads that ``PaymentQr`` does not
    cover. Reserved fields stay empty unless set."""

    def __new__(
        cls,
        *,
        format: Literal["002", "003"] = "002",
        function: str = "",
        bic: str = "",
        receiver_name: str = "",
        iban: str = "",
        amount: str = "",
        receiver_code: str = "",
        purpose_code: str = "",
        reference: str = "",
        purpose: str = "",
        display: str = "",
        field_lock: str = "",
        valid_until: str = "",
        created_at: str = "",
        signature: str = "",
    ) -> Self: ...
    def __eq__(self, other: object, /) -> bool: ...
    __hash__: None  # type: ignore[assignment]
    @property
    def format(self) -> Literal["002", "003"]: ...
    @property
    def function(self) -> str: ...
    @property
    def bic(self) -> str: ...
    @property
    def receiver_name(self) -> str: ...
    @property
    def iban(self) -> str: ...
    @property
    def amount(self) -> str: ...
    @property
    def receiver_code(self) -> str: ...
    @property
    def purpose_code(self) -> str: ...
    @property
    def reference(self) -> str: ...
    @property
    def purpose(self) -> str: ...
    @property
    def display(self) -> str: ...
    @property
    def field_lock(self) -> str: ...
    @property
    def valid_until(self) -> str: ...
    @property
    def created_at(self) -> str: ...
    @property
    def signature(self) -> str: ...
    def data(self) -> str:
        """The data lines in the format's order (joined by LF), cleaned and checked."""
    def encode(self) -> str:
        """The URL the QR code carries: the format's prefix and the data in Base64URL."""

def _before_exit() -> None:
    """Called by ``atexit``: the runtime's threads stop calling Python before it finalizes."""

def reconcile_json(invoices: str, lines: str) -> list[dict[str, Any]]:
    """Decides statement lines (JSON text: an array or JSON Lines) against invoices (the same): one
    dict per line, ``billing reconcile --json``'s objects."""

def reconcile_bytes(invoices: bytes, statement: bytes, format: str = "auto") -> list[dict[str, Any]]:
    """Decides a statement file's bytes in ``format`` against an invoices file's bytes."""

@final
class MemoryVchasno:
    """An in-memory Vchasno for tests and demos: a company is registered once you ``register`` it,
    uploaded acts get ids ``doc-1``, ``doc-2``, ..., and their statuses change on ``set_status``."""

    def __new__(cls) -> Self: ...
    def register(self, tax_id: str, name: str) -> None:
        """Registers a company (or sole proprietor) by its ЄДРПОУ/РНОКПП, with its name in Vchasno."""
    def set_status(self, document_id: str, status: str) -> None:
        """Sets an uploaded document's status (``sent``, ``signed_by_us``, ``signed_by_both``, ...)."""
    def document_ids(self) -> list[str]:
        """The uploaded documents' ids."""

def open_engine(
    store: str,
    config_json: str | None = None,
    clock: Callable[[], datetime.datetime] | None = None,
    vchasno: MemoryVchasno | None = None,
    registry: Callable[[str], str] | None = None,
) -> NativeEngine:
    """Opens an engine, blocking (the GIL released); ``billing_core.Engine.open`` calls this."""

def open_engine_async(
    store: str,
    config_json: str | None = None,
    clock: Callable[[], datetime.datetime] | None = None,
    vchasno: MemoryVchasno | None = None,
    registry: Callable[[str], str] | None = None,
) -> asyncio.Future[NativeEngine]:
    """Opens an engine, as an ``asyncio.Future``; ``billing_core.Engine.open_async`` awaits this."""

@final
class NativeEngine:
    """An open engine. Python code uses ``billing_core.Engine``, which wraps this with typed results.

    Each use case is a blocking method (the GIL released) and an ``_async`` twin returning an
    ``asyncio.Future`` of the running loop; results are the core's JSON text.
    """

    @property
    def store(self) -> str:
        """The store this engine was opened on (a path or URL)."""
    def now(self) -> datetime.datetime:
        """The current time from the engine's clock (aware, UTC)."""
    def config_json(self) -> str:
        """The engine's configuration as JSON."""
    def open_project(
        self, code: str, full_name: str, email: str, phone: str, tariff: str, period: str
    ) -> str: ...
    def open_project_async(
        self, code: str, full_name: str, email: str, phone: str, tariff: str, period: str
    ) -> asyncio.Future[str]: ...
    def record_usage(self, code: str, products: int, orders_this_month: int) -> str: ...
    def record_usage_async(self, code: str, products: int, orders_this_month: int) -> asyncio.Future[str]: ...
    def billing_section(self, code: str) -> str: ...
    def billing_section_async(self, code: str) -> asyncio.Future[str]: ...
    def credit_bank_transfer(
        self, code: str, actor_json: str, transaction: str, amount: str, invoice: str | None
    ) -> str: ...
    def credit_bank_transfer_async(
        self, code: str, actor_json: str, transaction: str, amount: str, invoice: str | None
    ) -> asyncio.Future[str]: ...
    def payment_link(self, code: str, actor_json: str, invoice: str) -> str: ...
    def payment_link_async(self, code: str, actor_json: str, invoice: str) -> asyncio.Future[str]: ...
    def bind_card(self, code: str) -> str: ...
    def bind_card_async(self, code: str) -> asyncio.Future[str]: ...
    def acquirer_webhook(self, headers: Sequence[tuple[str, str]], body: bytes) -> str: ...
    def acquirer_webhook_async(self, headers: Sequence[tuple[str, str]], body: bytes) -> asyncio.Future[str]: ...
    def execute(
        self, code: str, command_json: str, actor_json: str, outside_id: tuple[str, str] | None
    ) -> str: ...
    def execute_async(
        self, code: str, command_json: str, actor_json: str, outside_id: tuple[str, str] | None
    ) -> asyncio.Future[str]: ...
    def run_daily(self) -> str: ...
    def run_daily_async(self) -> asyncio.Future[str]: ...
    def next_notifications(self, limit: int) -> str: ...
    def next_notifications_async(self, limit: int) -> asyncio.Future[str]: ...
    def acknowledge(self, ids: Sequence[int]) -> None: ...
    def acknowledge_async(self, ids: Sequence[int]) -> asyncio.Future[Any]: ...
    def audit_trail(self, code: str) -> str: ...
    def audit_trail_async(self, code: str) -> asyncio.Future[str]: ...
    def projects(self) -> list[str]: ...
    def projects_async(self) -> asyncio.Future[list[str]]: ...
    def requisites_prefill(self, code: str, tax_id: str | None) -> str: ...
    def requisites_prefill_async(self, code: str, tax_id: str | None) -> asyncio.Future[str]: ...
    def save_requisites(self, code: str, actor_json: str, form_json: str) -> str: ...
    def save_requisites_async(self, code: str, actor_json: str, form_json: str) -> asyncio.Future[str]: ...
    def save_and_activate_vchasno(self, code: str, actor_json: str, form_json: str) -> str: ...
    def save_and_activate_vchasno_async(self, code: str, actor_json: str, form_json: str) -> asyncio.Future[str]: ...
    def activate_vchasno(self, code: str, actor_json: str) -> str: ...
    def activate_vchasno_async(self, code: str, actor_json: str) -> asyncio.Future[str]: ...
    def deactivate_vchasno(self, code: str, actor_json: str) -> str: ...
    def deactivate_vchasno_async(self, code: str, actor_json: str) -> asyncio.Future[str]: ...
    def request_act(self, code: str, actor_json: str, month: str) -> str: ...
    def request_act_async(self, code: str, actor_json: str, month: str) -> asyncio.Future[str]: ...
    def act_pdf(self, code: str, number: str) -> bytes: ...
    def act_pdf_async(self, code: str, number: str) -> asyncio.Future[bytes]: ...
    def invoice_pdf(self, code: str, number: str) -> bytes: ...
    def invoice_pdf_async(self, code: str, number: str) -> asyncio.Future[bytes]: ...
    def poll_act_statuses(self, code: str) -> str: ...
    def poll_act_statuses_async(self, code: str) -> asyncio.Future[str]: ...
    def requisites(self, code: str) -> str: ...
    def requisites_async(self, code: str) -> asyncio.Future[str]: ...
