"""Ukrainian billing foundations from the billing-core Rust engine.

Parse at the edge, then pass the value::

    >>> from billing_core import Iban, Money, TaxId
    >>> Iban("ua21 3223 1300 0002 6007 2335 6600 1").bank_name
    'АТ «Укрексімбанк»'
    >>> (Money("1 200,50") + Money("0.50")).to_document_string()
    '1 201,00 грн'
    >>> TaxId("32855961").kind
    'company'

The engine (:class:`Engine`) opens a store and runs the billing use cases, blocking with the GIL
released or as ``*_async`` coroutines; see :mod:`billing_core.engine`.

Every failure is a :class:`BillingError`; bad input is an :class:`InvalidInput` (also a
``ValueError``) of the value's area, e.g. :class:`EdrpouError`; a command the domain refuses is
:class:`Refused`. Each carries the core's stable dotted ``code`` (``"edrpou.checksum"``) and its
``message``, the same in every language.
"""

import dataclasses as _dataclasses
from collections.abc import Iterable as _Iterable

from billing_core._native import (
    Edrpou,
    MemoryVchasno,
    NbuQrFields,
    PaymentQr,
    amount_in_words,
    Email,
    Iban,
    InvoiceNumber,
    Money,
    Phone,
    Rnokpp,
    ServiceCode,
    TaxId,
    __version__,
    is_valid_edrpou,
    is_valid_iban,
    is_valid_rnokpp,
    validate_edrpou_many,
    validate_iban_many,
    validate_rnokpp_many,
)

__all__ = [
    "AccessState",
    "AcquirerError",
    "Act",
    "Actor",
    "ActorKind",
    "AdditionalFeature",
    "Aggregate",
    "Applied",
    "AuditRecord",
    "BillingError",
    "BillingPeriod",
    "BillingSection",
    "Clock",
    "ConfigError",
    "Contracts",
    "DailyReport",
    "DocumentError",
    "Domain",
    "Edrpou",
    "EdrpouError",
    "Email",
    "EmailError",
    "Engine",
    "EngineBusy",
    "FieldError",
    "Iban",
    "IbanError",
    "InvalidInput",
    "Invoice",
    "InvoiceKind",
    "InvoiceLine",
    "InvoiceNumber",
    "InvoiceNumberError",
    "InvoiceStatus",
    "LimitCheck",
    "LimitState",
    "ManualClock",
    "MemoryVchasno",
    "Money",
    "MoneyError",
    "NbuQrError",
    "NbuQrFields",
    "Notification",
    "OutboxItem",
    "Owner",
    "PaymentLink",
    "PaymentMethod",
    "PaymentPage",
    "PaymentQr",
    "PersonalContract",
    "Phone",
    "PhoneError",
    "PrefillIssue",
    "PrefillSource",
    "ProjectEvent",
    "ProjectNotFound",
    "Refused",
    "Registry",
    "Requisites",
    "RequisitesError",
    "RequisitesForm",
    "RequisitesPrefill",
    "Rnokpp",
    "RnokppError",
    "ServiceCode",
    "ServiceCodeError",
    "StatementError",
    "StoreError",
    "SupportsLookup",
    "SupportsNow",
    "TariffInfo",
    "TaxId",
    "TaxIdError",
    "VatStatus",
    "Vchasno",
    "VchasnoError",
    "VchasnoStatus",
    "__version__",
    "amount_in_words",
    "is_valid_edrpou",
    "is_valid_iban",
    "is_valid_rnokpp",
    "reconcile",
    "reconcile_file",
    "validate_edrpou_many",
    "validate_iban_many",
    "validate_rnokpp_many",
]


class BillingError(Exception):
    """Any error of billing-core.

    ``code`` is the core's stable dotted code (``"money.overflow"``) and ``message`` its text;
    ``str(error)`` is the message.
    """

    code: str
    message: str

    def __init__(self, code: str, message: str) -> None:
        super().__init__(code, message)
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return self.message


class InvalidInput(BillingError, ValueError):
    """A value that cannot be parsed or is out of range: the input is wrong, not the system."""


class MoneyError(InvalidInput):
    """A bad amount (``money.*``), or ``+``/``-`` leaving the range.

    The arithmetic codes are ``money.overflow`` and ``money.negative``.
    """


class ServiceCodeError(InvalidInput):
    """A bad service code (``service_code.*``)."""


class InvoiceNumberError(InvalidInput):
    """A bad invoice number (``invoice_number.*``, or ``service_code.*`` for its middle part)."""


class EdrpouError(InvalidInput):
    """A bad ЄДРПОУ (``edrpou.*``)."""


class RnokppError(InvalidInput):
    """A bad РНОКПП (``rnokpp.*``)."""


class TaxIdError(InvalidInput):
    """A bad tax id (``tax_id.length``, or the ``edrpou.*``/``rnokpp.*`` code of its kind)."""


class IbanError(InvalidInput):
    """A bad IBAN (``iban.*``)."""


class EmailError(InvalidInput):
    """A bad email address (``email.*``)."""


class PhoneError(InvalidInput):
    """A bad phone number (``phone.*``)."""


class NbuQrError(InvalidInput):
    """A QR payload that breaks the NBU format's rules (``nbu_qr.*``)."""


@_dataclasses.dataclass(frozen=True, slots=True)
class FieldError:
    """One bad field of a requisites form: the field (``tax_id``, ``iban``, ``name``, ``address``,
    ``director``, ``vat_number``, ``single_tax_group``), the core's code and its message."""

    field: str
    code: str
    message: str


class RequisitesError(InvalidInput):
    """A requisites form with bad fields (``requisites.invalid``); ``errors`` names every one, each
    with its own code (``edrpou.checksum``, ``requisites.required``, ...). Nothing was saved."""

    errors: tuple[FieldError, ...]

    def __init__(self, code: str, message: str, errors: _Iterable[FieldError | tuple[str, str, str]] = ()) -> None:
        super().__init__(code, message)
        self.errors = tuple(e if isinstance(e, FieldError) else FieldError(*e) for e in errors)
        self.args = (code, message, self.errors)


class StatementError(InvalidInput):
    """A bank statement or invoices file that cannot be read (``statement.*``, ``invoices.*``); the
    message names the format and the place (``jsonl: line 12: ...``)."""


class Refused(BillingError):
    """The domain refused a command (``invoice.not_open``, ``project.deleted``, ...): nothing changed."""


class ProjectNotFound(BillingError, LookupError):
    """No project has this service code (``project.not_found``)."""


class StoreError(BillingError):
    """The store failed or holds unreadable data (``store.*``); a retry may succeed for
    ``store.unavailable``."""


class AcquirerError(BillingError):
    """The card acquirer failed or refused (``acquirer.*``)."""


class EngineBusy(BillingError):
    """Too many concurrent changes to one project (``engine.busy``); try again."""


class VchasnoError(BillingError):
    """Vchasno itself failed (``vchasno.unauthorized``, ``vchasno.rejected``, ``vchasno.unreachable``
    on an upload, ...). A company not registered in Vchasno is a :class:`Refused`
    (``vchasno.not_registered``)."""


class DocumentError(BillingError):
    """A document that cannot be drawn up or rendered (``document.*``, ``render.*``)."""


class ConfigError(BillingError):
    """The engine's configuration, or a structured argument (a command, an actor), is not valid
    (``engine.config``)."""


# The engine imports the value classes and is imported by the native code for its futures; it comes
# after the exceptions, which the native code looks up on first use.
from billing_core.engine import (  # noqa: E402
    AccessState,
    Act,
    Actor,
    ActorKind,
    AdditionalFeature,
    Aggregate,
    Applied,
    AuditRecord,
    BillingPeriod,
    BillingSection,
    Clock,
    Contracts,
    DailyReport,
    Domain,
    Engine,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceStatus,
    LimitCheck,
    LimitState,
    ManualClock,
    Notification,
    OutboxItem,
    Owner,
    PaymentLink,
    PaymentMethod,
    PaymentPage,
    PersonalContract,
    PrefillIssue,
    PrefillSource,
    ProjectEvent,
    Registry,
    Requisites,
    RequisitesForm,
    RequisitesPrefill,
    SupportsLookup,
    SupportsNow,
    TariffInfo,
    VatStatus,
    Vchasno,
    VchasnoStatus,
)
from billing_core.statements import reconcile, reconcile_file  # noqa: E402
