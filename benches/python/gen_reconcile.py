"""Deterministic generator of large reconcile inputs (never committed): N invoices and N JSON Lines
statement lines (~330 bytes each) whose purposes mix Cyrillic and Latin text and write the invoice
number in the variants payers use.

    python benches/python/gen_reconcile.py /tmp/reconcile 1000000
    # -> /tmp/reconcile/invoices.jsonl, /tmp/reconcile/statement.jsonl
"""

import json
import os
import random
import sys

PROJECTS = 10_000
WORDS = ["Оплата", "за", "рахунком", "послуги", "платформи", "тариф", "Business", "місяць",
         "без", "ПДВ", "згідно", "договору", "підписка", "інтернет-магазин", "shop", "від"]
NAMES = ["ТОВ \"Приклад Торг\"", "ФОП Іваненко Олена Петрівна", "ТОВ \"Магазин Квітів\"",
         "ФОП Shevchenko Taras", "ПП \"Сонячна Долина\""]
PREFIXES = ["HOR", "НОР", "hor", "нор", "Hor", "HOР"]
SEPS = ["-", " ", "/", "_", "", "\u2013", " - ", "\u00a0"]


def invoice(i: int):
    code = i % PROJECTS + 1
    seq = i // PROJECTS + 1
    number = f"HOR-{code:05d}-{seq:03d}"
    kop = 10_000 + (i * 7919) % 500_000
    status = "open" if i % 20 else ("paid" if i % 40 else "cancelled")
    return number, code, seq, kop, status


def written(code: int, seq: int, rnd: random.Random) -> str:
    return f"{rnd.choice(PREFIXES)}{rnd.choice(SEPS)}{code:05d}{rnd.choice(SEPS)}{seq:03d}"


def generate(folder: str, n: int, seed: int = 42) -> None:
    os.makedirs(folder, exist_ok=True)
    rnd = random.Random(seed)
    with open(os.path.join(folder, "invoices.jsonl"), "w", encoding="utf-8") as f:
        for i in range(n):
            number, code, _, kop, status = invoice(i)
            f.write(json.dumps({"invoice_number": number, "project_service_code": f"{code:05d}",
                                "amount": f"{kop // 100}.{kop % 100:02d}", "currency": "UAH",
                                "status": status, "issue_date": "2025-01-10"}, ensure_ascii=False))
            f.write("\n")
    with open(os.path.join(folder, "statement.jsonl"), "w", encoding="utf-8") as f:
        for k in range(n):
            i = rnd.randrange(n)
            _, code, seq, kop, _ = invoice(i)
            kind = rnd.random()
            if kind < 0.10:
                kop += 100  # amount mismatch
            words = " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(5, 8)))
            if kind < 0.90:
                purpose = f"{words} {written(code, seq, rnd)}, {rnd.choice(WORDS)}"
            elif kind < 0.95:
                purpose = f"{words} № {rnd.randint(1, 999)} від 10.01.2025"
            else:
                purpose = f"{words} {written(PROJECTS + 1 + k % 80_000, seq, rnd)}"
            amount = f"{kop // 100}.{kop % 100:02d}"
            if rnd.random() < 0.03:
                amount = "-" + amount
            f.write(json.dumps({"id": f"TX{k:012d}", "date": "2025-01-15", "amount": amount,
                                "currency": "UAH" if rnd.random() > 0.01 else "USD",
                                "payer_name": rnd.choice(NAMES), "payer_edrpou": "32855961",
                                "payer_iban": "UA743052990000026007233566001", "purpose": purpose},
                               ensure_ascii=False))
            f.write("\n")


if __name__ == "__main__":
    generate(sys.argv[1] if len(sys.argv) > 1 else "/tmp/reconcile",
             int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000)
