"""The requisites form as the app checks it (`check_requisites`): the core's field-by-field verdict,
the same one the backend gives on "Save" (`requisites.invalid` naming these fields)."""

import billing_ffi as bf

GOOD = dict(
    tax_id="14360570",
    iban="UA21 3223 1300 0002 6007 2335 6600 1",
    name="ТОВ «Приклад»",
    address="65000, м. Одеса, вул. Дерибасівська, 1",
    director="Петренко Олена Іванівна",
    vat_number="143605715098",
)


def fields(form: bf.RequisitesForm) -> list[tuple[str, str]]:
    return [(e.field, e.code) for e in bf.check_requisites(form)]


def test_a_good_form_has_no_errors():
    assert bf.check_requisites(bf.RequisitesForm(**GOOD)) == []
    # A sole proprietor: РНОКПП, no director, a single-tax group.
    fop = dict(GOOD, tax_id="3652504575", name="Іваненко Іван Іванович", director=None, vat_number=None)
    assert bf.check_requisites(bf.RequisitesForm(**fop, single_tax_group=3)) == []


def test_optional_fields_default_to_none():
    form = bf.RequisitesForm(tax_id="", iban="", name="", address="")
    assert (form.director, form.vat_number, form.single_tax_group) == (None, None, None)
    assert fields(form) == [
        ("tax_id", "requisites.required"),
        ("iban", "requisites.required"),
        ("name", "requisites.required"),
        ("address", "requisites.required"),
    ]


def test_every_bad_field_is_named_with_the_cores_code():
    bad = bf.RequisitesForm(**dict(GOOD, tax_id="32855968", iban="UA213223130000026007233566002", name=" "))
    errors = bf.check_requisites(bad)
    assert [(e.field, e.code) for e in errors] == [
        ("tax_id", "edrpou.checksum"),
        ("iban", "iban.checksum"),
        ("name", "requisites.required"),
    ]
    assert all(isinstance(e, bf.RequisitesFieldError) and e.message for e in errors)
    # The message is the core's, as parsing the value alone says it.
    try:
        bf.parse_edrpou("32855968")
    except bf.BillingError.InvalidInput as err:
        assert errors[0].message == err.message


def test_vat_number_and_single_tax_group_are_checked():
    codes = dict(fields(bf.RequisitesForm(**dict(GOOD, vat_number="12345"))))
    assert "vat_number" in codes
    codes = dict(fields(bf.RequisitesForm(**dict(GOOD, vat_number=None), single_tax_group=7)))
    assert "single_tax_group" in codes
