"""Ukrainian billing foundations from the billing-core Rust engine.

Parse at the edge, then pass the value::

    >>> from billing_core import Iban, Money, TaxId
    >>> Iban("ua21 3223 1300 0002 6007 2335 6600 1").bank_name
    'АТ «Укрексімбанк»'
    >>> (Money("1 200,50") + Money("0.50")).to_document_string()
    '1 201,00 грн'
    >>> TaxId("32855961").kind
    'company'

Every failure is a :class:`BillingError`; bad input is an :class:`InvalidInput` (also a
``ValueError``) of the value's area, e.g. :class:`EdrpouError`. Each carries the core's stable dotted
``code`` (``"edrpou.checksum"``) and its ``message``, the same in every language.
"""

from billing_core._native import (
    Edrpou,
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
    "BillingError",
    "EdrpouError",
    "Edrpou",
    "Email",
    "EmailError",
    "Iban",
    "IbanError",
    "InvalidInput",
    "InvoiceNumber",
    "InvoiceNumberError",
    "Money",
    "MoneyError",
    "Phone",
    "PhoneError",
    "Rnokpp",
    "RnokppError",
    "ServiceCode",
    "ServiceCodeError",
    "TaxId",
    "TaxIdError",
    "__version__",
    "is_valid_edrpou",
    "is_valid_iban",
    "is_valid_rnokpp",
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
