"""A finance script: a month of bank statements reconciled against the store's invoices, the exact
payments credited, and a report of every project's billing screen.

Run it from the repository root after ``pip install ./bindings-python`` (``scripts/test.sh`` builds
the package into ``.venv``)::

    .venv/bin/python examples/python/billing_screen.py            # a throwaway SQLite store
    .venv/bin/python examples/python/billing_screen.py billing.db # or a store of yours

It works on a simulated March 2026 (a ``ManualClock``), so its output is the same every run. The
rules run in Rust: automatic credit only for the exact invoice number and the exact amount; every
other line goes to support with a reason.
"""

import sys
import tempfile
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import billing_core as bc
from billing_core import BillingPeriod, Engine, ManualClock, Owner

KYIV_WINTER = timezone(timedelta(hours=2))

SHOPS = [
    ("11111", Owner("Олена Коваль", "olena@kvity.com.ua", "050 123 45 67"), "business"),
    ("22222", Owner("Андрій Мельник", "andrii@sportmarket.ua", "067 555 12 34"), "start"),
    ("33333", Owner("Ірина Бондар", "iryna@zatyshok.shop", "093 765 43 21"), "pro"),
]


def month_of_statements(invoices: dict[str, bc.Invoice]) -> list[dict[str, object]]:
    """The bank's lines for March: an exact payment, an underpayment, a payment without a number,
    an outgoing fee. In real life: ``bc.reconcile_file("statement.xml", invoices=...)``."""
    first, second = invoices["11111"], invoices["22222"]

    def line(id: str, day: int, amount: Decimal, purpose: str, payer: str | None = None) -> dict[str, object]:
        return {
            "id": id,
            "date": f"2026-03-{day:02d}",
            "amount": str(amount),
            "currency": "UAH",
            "payer_name": payer,
            "payer_edrpou": None,
            "payer_iban": None,
            "purpose": purpose,
        }

    return [
        line("PB-0301", 3, first.owed, f"Оплата за рахунком № {first.number}", "ФОП Коваль О. І."),
        line("PB-0302", 4, second.owed - Decimal("50"), f"Оплата {second.number}", "ТОВ «Спортмаркет»"),
        line("PB-0303", 5, Decimal("2400.00"), "Оплата за послуги платформи", "ФОП Бондар І. О."),
        line("PB-0304", 31, Decimal("-12.50"), "Комісія банку за березень"),
    ]


def main(store: str | Path) -> None:
    clock = ManualClock(datetime(2026, 3, 1, 10, tzinfo=KYIV_WINTER))
    engine = Engine.open(store, clock=clock)
    for code, owner, tariff in SHOPS:
        engine.open_project(code, owner, tariff, BillingPeriod.MONTHLY)

    # The invoice book, as the reconcile rules read it.
    open_invoices = {code: engine.billing_section(code).invoices[0] for code, _, _ in SHOPS}
    book = [
        {
            "invoice_number": str(i.number),
            "project_service_code": code,
            "amount": str(i.owed),
            "currency": "UAH",
            "status": i.status.value,
            "issue_date": i.issued_on.isoformat(),
        }
        for code, i in open_invoices.items()
    ]
    lines = month_of_statements(open_invoices)
    decisions = bc.reconcile(book, lines)

    clock.set(datetime(2026, 3, 31, 18, tzinfo=KYIV_WINTER))
    credited = Decimal("0")
    print("Statement lines, March 2026")
    for line, d in zip(lines, decisions):
        verdict = d["outcome"]
        if verdict == "auto_credit":
            invoice = d["invoice"]
            engine.credit_bank_transfer(invoice.split("-")[1], line["id"], line["amount"], invoice)
            credited += Decimal(str(line["amount"]))
            verdict = f"credited to {invoice}"
        elif verdict in ("review", "ignored"):
            verdict = f"{verdict}: {d['reason']}" + (f" ({d['reference']})" if d.get("reference") else "")
        print(f"  {line['id']}  {line['date']}  {Decimal(str(line['amount'])):>10}  {verdict}")
    print(f"credited automatically: {credited} UAH")

    # The daily job on April 1st issues the next invoices; then the billing screens.
    clock.set(datetime(2026, 4, 1, 6, tzinfo=timezone(timedelta(hours=3))))
    report = engine.run_daily()
    print(f"\nDaily job, 2026-04-01: {report.invoices_issued} invoices issued, {report.blocked} blocked")
    print("\nProject  Tariff   Access       Owed        Invoices")
    for code, _, _ in SHOPS:
        s = engine.billing_section(code)
        tariff = s.tariff.name if s.tariff else "-"
        print(f"{code}    {tariff:<8} {s.access.value:<12} {s.total_owed:>10}  {len(s.invoices)}")
        for i in s.invoices:
            print(f"           {i.number}  {i.total:>9}  {i.status.value}{'  overdue' if i.overdue else ''}")

    try:
        engine.billing_section("99999")
    except bc.BillingError as e:
        print(f"\nunknown project: {e.code}")


if __name__ == "__main__":
    if len(sys.argv) > 1:
        main(sys.argv[1])
    else:
        with tempfile.TemporaryDirectory() as tmp:
            main(Path(tmp) / "billing.db")
