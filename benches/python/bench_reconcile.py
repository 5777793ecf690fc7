"""Reconciling a bank statement from Python: ours (billing_core.reconcile) against a straightforward
pure-Python implementation of the same rules (json + re + dict + Decimal), over the same lines
already in memory, measured in one run. Both must give the same results.

    python benches/python/bench_reconcile.py [N]          # N statement lines and N invoices (1,000,000)

The inputs are generated into a temporary folder (benches/python/gen_reconcile.py) and never
committed. When the installed binding has no `reconcile` yet, the release CLI
(`billing reconcile --json`, built with `cargo build --release -p billing-cli`) stands in for it,
and the report says so.
"""

import json
import os
import re
import subprocess
import sys
import tempfile
import time
from decimal import Decimal, InvalidOperation

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_reconcile  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))

# --- the pure-Python implementation of the rules ---------------------------------------------

HOMOGLYPHS = {"A": "Аа", "B": "Вв", "C": "Сс", "E": "Ее", "H": "Нн", "I": "Іі", "K": "Кк",
              "M": "Мм", "O": "Оо", "P": "Рр", "R": "Рр", "T": "Тт", "X": "Хх", "Y": "Уу"}
SEP = ("[-/_ \u00a0\u202f\u058a\u05be\u1400\u1806\u2010-\u2015\u2e17\u2e1a\u2e3a\u2e3b\u2e40"
       "\u2e5d\u301c\u3030\u30a0\ufe31\ufe32\ufe58\ufe63\uff0d\U00010ead\u02d7\u207b\u208b\u2212\u2796]")


def reference_regex(prefixes):
    alts = []
    for p in sorted(set(prefixes)):
        alts.append("".join(f"[{c}{c.lower()}{HOMOGLYPHS.get(c, '')}]" for c in p))
    return re.compile(
        rf"(?<![^\W_])({'|'.join(alts)}){SEP}{{0,3}}([0-9]{{5}}){SEP}{{0,3}}([0-9]+)(?!\d)")


def canonical_prefix(written, prefixes):
    for p in prefixes:
        if len(p) == len(written) and all(
                w.upper() == c or w in HOMOGLYPHS.get(c, "") for w, c in zip(written, p)):
            return p
    return None


def find_references(purpose, regex, prefixes):
    found = []
    for m in regex.finditer(purpose):
        seq = m.group(3)
        if not (len(seq) == 3 and seq != "000" or 4 <= len(seq) <= 9 and seq[0] != "0"):
            continue
        prefix = canonical_prefix(m.group(1), prefixes)
        if prefix is None:
            continue
        number = f"{prefix}-{m.group(2)}-{int(seq):03d}"
        if number not in found:
            found.append(number)
    return found


def reconcile_pure(invoice_lines, statement_lines):
    """The rules, in order, over JSON Lines texts already in memory."""
    invoices = {}
    for text in invoice_lines:
        inv = json.loads(text)
        invoices[inv["invoice_number"]] = (inv["status"], Decimal(inv["amount"]), inv["currency"])
    prefixes = sorted({n.split("-")[0] for n in invoices}) or ["HOR"]
    regex = reference_regex(prefixes)
    seen, credited, out = set(), set(), []
    for i, text in enumerate(statement_lines, 1):
        line = json.loads(text)
        r = {"line": i, "id": line["id"]}
        amount = line["amount"]
        if amount.startswith("-"):
            r.update(outcome="ignored", reason="outgoing")
            out.append(r)
            continue
        try:
            amount = Decimal(amount)
        except InvalidOperation:
            raise ValueError(f"line {i}: bad amount")
        refs = find_references(line["purpose"], regex, prefixes)
        one = refs[0] if len(refs) == 1 else None

        def review(reason, reference=None):
            r.update(outcome="review", reason=reason)
            if reference:
                r["reference"] = reference
        if line["id"] in seen:
            review("duplicate_transaction", one)
        elif line["currency"].upper() != "UAH":
            seen.add(line["id"])
            review("currency_not_uah", one)
        else:
            seen.add(line["id"])
            if not refs:
                review("no_invoice_reference")
            elif len(refs) > 1:
                review("multiple_invoices")
            elif one not in invoices:
                review("unknown_invoice", one)
            else:
                status, owed, currency = invoices[one]
                if status != "open" or owed == 0 or one in credited:
                    review("invoice_not_open", one)
                elif amount != owed or currency != "UAH":
                    review("amount_mismatch", one)
                else:
                    credited.add(one)
                    r.update(outcome="auto_credit", invoice=one)
        out.append(r)
    return out


# --- ours -----------------------------------------------------------------------------------

def ours():
    """billing_core.reconcile when the binding has it, else the release CLI as a stand-in."""
    try:
        import billing_core  # noqa: F401
        if hasattr(billing_core, "reconcile"):
            return "billing_core.reconcile", lambda inv, st, paths: billing_core.reconcile(inv, st)
    except ImportError:
        pass
    exe = os.path.join(ROOT, "target", "release", "billing")
    if not os.path.exists(exe):
        subprocess.run(["cargo", "build", "--release", "-q", "-p", "billing-cli"], cwd=ROOT, check=True)

    def cli(_inv, _st, paths):
        res = subprocess.run([exe, "reconcile", "--statement", paths[1], "--invoices", paths[0], "--json"],
                             check=True, capture_output=True)
        return [json.loads(x) for x in res.stdout.splitlines()]
    return "billing reconcile --json (CLI stand-in: the binding has no reconcile yet)", cli


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    folder = tempfile.mkdtemp(prefix="reconcile-bench-")
    gen_reconcile.generate(folder, n)
    paths = (os.path.join(folder, "invoices.jsonl"), os.path.join(folder, "statement.jsonl"))
    with open(paths[0], encoding="utf-8") as f:
        invoices_text = f.read()
    with open(paths[1], encoding="utf-8") as f:
        statement_text = f.read()
    invoice_lines = invoices_text.splitlines()
    statement_lines = statement_text.splitlines()

    name, run = ours()
    t = time.perf_counter()
    theirs = run(invoices_text, statement_text, paths)
    t_ours = time.perf_counter() - t

    t = time.perf_counter()
    pure = reconcile_pure(invoice_lines, statement_lines)
    t_pure = time.perf_counter() - t

    same = [dict(x) for x in theirs] == pure
    print(f"{n} statement lines, {n} invoices ({len(statement_text.encode()) / 1e6:.0f} MB statement)")
    print(f"  pure Python (json + re + dict + Decimal): {t_pure:8.2f} s  {n / t_pure:12,.0f} lines/s")
    print(f"  ours: {name}: {t_ours:8.2f} s  {n / t_ours:12,.0f} lines/s")
    print(f"  speed-up: {t_pure / t_ours:.1f}x; same results: {same}")
    for p in paths:
        os.remove(p)
    os.rmdir(folder)
    if not same:
        diff = next(i for i, (a, b) in enumerate(zip(theirs, pure)) if dict(a) != b)
        print("  first difference:", theirs[diff], pure[diff])
        sys.exit(1)


if __name__ == "__main__":
    main()
