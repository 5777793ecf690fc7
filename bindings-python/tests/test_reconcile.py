"""Reconcile from Python: the dry run over the statements crate's test data gives exactly the CLI's
``--json`` lines (billing-statements/tests/data/expected.jsonl, which billing-cli's tests check),
from texts, bytes, records and files of every format; unreadable data is a StatementError."""

import json
from pathlib import Path
from typing import Any

import pytest

import billing_core as bc

DATA = Path(__file__).resolve().parents[2] / "billing-statements" / "tests" / "data"
INVOICES = DATA / "invoices.jsonl"
STATEMENT = DATA / "statement.jsonl"


def expected() -> list[dict[str, Any]]:
    return [json.loads(line) for line in (DATA / "expected.jsonl").read_text(encoding="utf-8").splitlines()]


def records(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_same_results_as_the_cli_from_text_bytes_and_records() -> None:
    want = expected()
    invoices, lines = INVOICES.read_text(encoding="utf-8"), STATEMENT.read_text(encoding="utf-8")
    assert bc.reconcile(invoices, lines) == want
    assert bc.reconcile(invoices.encode(), lines.encode()) == want
    assert bc.reconcile(records(INVOICES), records(STATEMENT)) == want
    assert bc.reconcile(json.dumps(records(INVOICES)), json.dumps(records(STATEMENT))) == want
    # The CLI's key order, too.
    assert [list(r) for r in bc.reconcile(invoices, lines)] == [list(r) for r in want]


def test_reconcile_file_from_paths_and_bytes() -> None:
    want = expected()
    assert bc.reconcile_file(STATEMENT, invoices=INVOICES) == want
    assert bc.reconcile_file(str(STATEMENT), invoices=str(INVOICES), format="jsonl") == want
    assert bc.reconcile_file(STATEMENT.read_bytes(), invoices=INVOICES.read_bytes()) == want
    assert bc.reconcile_file(STATEMENT, invoices=records(INVOICES)) == want


@pytest.mark.parametrize(
    ("name", "format"),
    [
        ("sample.camt053.xml", "camt053"),
        ("sample.mt940", "mt940"),
        ("sample_1c.txt", "1c"),
        ("privatbank.json", "privatbank"),
        ("monobank.json", "monobank"),
    ],
)
def test_every_statement_format(name: str, format: str) -> None:
    by_content = bc.reconcile_file(DATA / name, invoices=INVOICES)
    assert by_content == bc.reconcile_file(DATA / name, invoices=INVOICES, format=format)
    assert by_content and [r["line"] for r in by_content] == list(range(1, len(by_content) + 1))
    for r in by_content:
        assert r["outcome"] in {"auto_credit", "review", "ignored", "already_processed"}
        assert ("invoice" in r) == (r["outcome"] == "auto_credit")


def test_unreadable_data_is_a_statement_error() -> None:
    with pytest.raises(bc.StatementError) as unknown:
        bc.reconcile_file(STATEMENT, invoices=INVOICES, format="xls")
    assert unknown.value.code == "statement.format_unknown"
    assert isinstance(unknown.value, ValueError)
    with pytest.raises(bc.StatementError) as syntax:
        bc.reconcile(INVOICES.read_text(encoding="utf-8"), "{not json")
    assert syntax.value.code.startswith("statement.")
    line = records(STATEMENT)[0]
    with pytest.raises(bc.StatementError) as field:
        bc.reconcile(records(INVOICES), [dict(line, amount="12,5x")])
    assert field.value.code == "statement.field"
    with pytest.raises(bc.StatementError):
        bc.reconcile(records(INVOICES), [{"id": "T1"}])
    inv = records(INVOICES)
    with pytest.raises(bc.StatementError) as duplicate:
        bc.reconcile(inv + inv[:1], records(STATEMENT))
    assert duplicate.value.code == "invoices.duplicate"
    with pytest.raises(FileNotFoundError):
        bc.reconcile_file(DATA / "missing.xml", invoices=INVOICES)


def test_no_lines_no_results() -> None:
    assert bc.reconcile(records(INVOICES), []) == []


def test_the_garbage_collector_is_left_as_it_was() -> None:
    import gc

    invoices, lines = (DATA / "invoices.jsonl").read_text(), (DATA / "statement.jsonl").read_text()
    assert gc.isenabled()
    assert bc.reconcile(invoices, lines)
    assert gc.isenabled()
    gc.disable()
    try:
        assert bc.reconcile(invoices, lines)
        assert not gc.isenabled()
        with pytest.raises(bc.StatementError):
            bc.reconcile(invoices, "{not json")
        assert not gc.isenabled()
    finally:
        gc.enable()
