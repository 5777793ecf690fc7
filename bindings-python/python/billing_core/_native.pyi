"""The native half of ``billing_core`` (pyo3). Import from ``billing_core``, not from here.

Every class is immutable and final: ``__new__`` parses (raising the ``InvalidInput`` subclass of
its area, from ``billing_core``), ``str()`` is the canonical text, ``repr()`` evaluates back to an
equal value, and equal values hash equal. Instances pickle by their canonical text.
"""

import datetime
import decimal
from collections.abc import Sequence
from typing import Literal, Self, final

__all__ = [
    "Edrpou",
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
