"""The exception hierarchy: one BillingError, InvalidInput also a ValueError, one class per area."""

import pickle

import pytest

import billing_core as bc

AREA_ERRORS = [
    bc.MoneyError,
    bc.ServiceCodeError,
    bc.InvoiceNumberError,
    bc.EdrpouError,
    bc.RnokppError,
    bc.TaxIdError,
    bc.IbanError,
    bc.EmailError,
    bc.PhoneError,
]


def test_roots() -> None:
    assert issubclass(bc.BillingError, Exception)
    assert not issubclass(bc.BillingError, ValueError)
    assert issubclass(bc.InvalidInput, bc.BillingError)
    assert issubclass(bc.InvalidInput, ValueError)


@pytest.mark.parametrize("error", AREA_ERRORS)
def test_area_errors_are_invalid_input(error: type[bc.InvalidInput]) -> None:
    assert error.__bases__ == (bc.InvalidInput,)
    assert issubclass(error, ValueError)
    assert issubclass(error, bc.BillingError)


@pytest.mark.parametrize("cls", [bc.BillingError, bc.InvalidInput, *AREA_ERRORS])
def test_module_is_the_package(cls: type) -> None:
    assert cls.__module__ == "billing_core"
    assert getattr(bc, cls.__name__) is cls


def test_a_caught_error_carries_code_and_message() -> None:
    try:
        bc.Edrpou("32855968")
    except ValueError as error:
        assert isinstance(error, bc.EdrpouError)
        assert error.code == "edrpou.checksum"
        # The core's Display text, unchanged (the core's own doc test asserts the same text).
        assert error.message == 'ЄДРПОУ check digit does not match: "32855968"'
        assert str(error) == error.message
        assert repr(error) == f"EdrpouError('edrpou.checksum', {error.message!r})"
    else:
        pytest.fail("no error raised")


def test_the_class_follows_the_area_of_the_call() -> None:
    with pytest.raises(bc.TaxIdError) as tax_id:
        bc.TaxId("32855968")
    assert tax_id.value.code == "edrpou.checksum"
    with pytest.raises(bc.InvoiceNumberError) as invoice:
        bc.InvoiceNumber("HOR-1111-007")
    assert invoice.value.code == "service_code.length"


def test_errors_pickle() -> None:
    with pytest.raises(bc.IbanError) as raised:
        bc.Iban("UA213223130000026007233566002")
    copy = pickle.loads(pickle.dumps(raised.value))
    assert type(copy) is bc.IbanError
    assert (copy.code, copy.message) == (raised.value.code, raised.value.message)


def test_errors_can_be_raised_from_python() -> None:
    with pytest.raises(bc.BillingError, match="custom text"):
        raise bc.InvalidInput("custom.code", "custom text")
