"""The error surface: one `BillingError` with the core's dotted code and message, unchanged."""

import pytest

import billing_ffi as bf


def test_variants_are_billing_errors_and_exceptions():
    for variant in (bf.BillingError.InvalidInput, bf.BillingError.Refused, bf.BillingError.Unexpected):
        assert issubclass(variant, bf.BillingError)
        assert issubclass(variant, Exception)


def test_code_and_message_are_the_cores():
    with pytest.raises(bf.BillingError) as info:
        bf.parse_edrpou("32855968")
    err = info.value
    assert isinstance(err, bf.BillingError.InvalidInput)
    assert err.code == "edrpou.checksum"
    # The core's Display text, as its doc test states it.
    assert err.message == 'ЄДРПОУ check digit does not match: "32855968"'


def test_nested_core_errors_keep_the_inner_code():
    with pytest.raises(bf.BillingError.InvalidInput) as info:
        bf.parse_invoice_number("HOR-1111-007")
    assert info.value.code == "service_code.length"
    with pytest.raises(bf.BillingError.InvalidInput) as info:
        bf.parse_tax_id("1759013770")
    assert info.value.code == "rnokpp.checksum"


def test_the_generated_module_is_not_named_like_the_pyo3_package():
    # `billing_core` is the pyo3 package's name; the uniffi test module must not shadow it.
    assert bf.__name__ == "billing_ffi"
