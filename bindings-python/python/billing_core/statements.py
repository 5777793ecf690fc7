"""Reconcile, the dry run: bank statement lines decided against invoices given as data, with
nothing stored. The results are ``billing reconcile --json``'s objects as dicts, one per statement
line in order::

    {"line": 1, "id": "T1", "outcome": "auto_credit", "invoice": "HOR-11111-007"}
    {"line": 2, "id": "T2", "outcome": "review", "reason": "amount_mismatch", "reference": "HOR-11111-008"}
    {"line": 3, "id": "T3", "outcome": "ignored", "reason": "outgoing"}

The rules run in Rust with the GIL released (automatic credit only for the exact invoice number and
the exact amount; everything else to review with a reason).

    >>> from billing_core import reconcile
    >>> invoices = [{"invoice_number": "HOR-11111-007", "project_service_code": "11111", "amount": "1200.00",
    ...              "currency": "UAH", "status": "open", "issue_date": "2025-01-10"}]
    >>> lines = [{"id": "T1", "date": "2025-01-15", "amount": "1200.00", "currency": "UAH", "payer_name": None,
    ...           "payer_edrpou": None, "payer_iban": None, "purpose": "Оплата НОР 11111 007"}]
    >>> reconcile(invoices, lines)
    [{'line': 1, 'id': 'T1', 'outcome': 'auto_credit', 'invoice': 'HOR-11111-007'}]
"""

import gc
import json
import os
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from billing_core._native import reconcile_bytes, reconcile_json

__all__ = ["Records", "reconcile", "reconcile_file"]

#: Records given as data: JSON text (an array or JSON Lines), its UTF-8 bytes, or the objects.
Records = str | bytes | Iterable[Mapping[str, Any]]


_T = TypeVar("_T")


def _without_gc(call: Callable[[], _T]) -> _T:
    """Runs ``call`` with the cyclic garbage collector paused: the results are a million plain dicts
    of strings and numbers, which hold no cycles, and each of CPython's collections while they are
    built would walk every object the process holds (about a third of the time in a large process)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return call()
    finally:
        if enabled:
            gc.enable()


def _text(records: Records) -> str:
    if isinstance(records, str):
        return records
    if isinstance(records, (bytes, bytearray, memoryview)):
        return bytes(records).decode("utf-8")
    return json.dumps([dict(r) for r in records], ensure_ascii=False)


def _bytes(source: str | os.PathLike[str] | bytes | Iterable[Mapping[str, Any]]) -> bytes:
    if isinstance(source, (bytes, bytearray, memoryview)):
        return bytes(source)
    if isinstance(source, (str, os.PathLike)):
        with open(source, "rb") as f:
            return f.read()
    return json.dumps([dict(r) for r in source], ensure_ascii=False).encode("utf-8")


def reconcile(invoices: Records, lines: Records) -> list[dict[str, Any]]:
    """Decides statement ``lines`` against ``invoices``, both as data: JSON text (an array or JSON
    Lines), its bytes, or the objects themselves. A line has exactly ``id, date, amount, currency,
    payer_name, payer_edrpou, payer_iban, purpose``; an invoice ``invoice_number,
    project_service_code, amount, currency, status, issue_date``. Returns one dict per line, in
    order; raises :class:`~billing_core.StatementError` (``invoices.*``, ``statement.*``) for data
    that cannot be read."""
    invoices_text, lines_text = _text(invoices), _text(lines)
    return _without_gc(lambda: reconcile_json(invoices_text, lines_text))


def reconcile_file(
    statement: str | os.PathLike[str] | bytes,
    *,
    invoices: str | os.PathLike[str] | bytes | Iterable[Mapping[str, Any]],
    format: str = "auto",
) -> list[dict[str, Any]]:
    """Decides a bank statement file (a path, or the file's bytes) of any supported ``format``
    (``camt053``, ``mt940``, ``1c``, ``privatbank``, ``monobank``, ``jsonl``; ``auto``, the default,
    tells them apart by content) against
    ``invoices`` (a path or bytes of a JSON Lines or JSON array file, or the objects): what
    ``billing reconcile --statement FILE --invoices INVOICES --json`` prints, as dicts. Raises
    :class:`~billing_core.StatementError` for an unknown format or a file that cannot be read."""
    invoices_bytes, statement_bytes = _bytes(invoices), _bytes(statement)
    return _without_gc(lambda: reconcile_bytes(invoices_bytes, statement_bytes, format))
