"""The cost of crossing into the engine from Python: one validation, one billing section query.

Times, per call (the median of several rounds, each round a tight loop):

- validation: ``is_valid_edrpou(s)`` and ``Edrpou(s)`` against two Python baselines, a no-op
  Python function ``f(s)`` and the builtin ``len(s)``, so the binding's own cost shows;
- the sync engine path with no work: ``projects()`` on an empty in-memory store, which is the GIL
  release, ``block_on`` on the shared tokio runtime, and the result conversion;
- the async path with no work: ``await projects_async()`` one after another (the hop to a runtime
  thread and back through ``loop.call_soon_threadsafe``);
- the billing section of the shared scenario's project on SQLite and in memory: the native call
  that returns the core's JSON, the decoding of that JSON into the frozen dataclasses, and
  ``Engine.billing_section`` (both), sync and async;
- 64 ``billing_section_async`` calls under ``asyncio.gather``, per section.

Run with the release build of the binding (from the repository root)::

    python3 -m venv .venv && .venv/bin/pip install -r bindings-python/requirements-dev.txt
    (cd bindings-python && VIRTUAL_ENV=$PWD/../.venv PATH=$PWD/../.venv/bin:$PATH maturin develop --release)
    .venv/bin/python benches/python/bench_ffi.py            # --rounds 7 by default
"""

import argparse
import asyncio
import gc
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import billing_core as bc

START = datetime(2026, 3, 16, 10, tzinfo=timezone(timedelta(hours=2)))
OWNER = bc.Owner("Олена Коваль", "olena@shop.ua", "050 123 45 67")


def per_call(fn: Callable[[], object], calls: int, rounds: int) -> float:
    """Median seconds per call of ``fn`` over ``rounds`` loops of ``calls`` calls."""
    times = []
    for _ in range(rounds):
        gc.collect()
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        times.append((time.perf_counter() - start) / calls)
    return statistics.median(times)


def per_call_async(make: Callable[[], Awaitable[object]], calls: int, rounds: int) -> float:
    """Median seconds per awaited call, one after another, in one event loop."""

    async def loop() -> list[float]:
        times = []
        for _ in range(rounds):
            start = time.perf_counter()
            for _ in range(calls):
                await make()
            times.append((time.perf_counter() - start) / calls)
        return times

    return statistics.median(asyncio.run(loop()))


def per_call_gathered(make: Callable[[], Awaitable[object]], width: int, rounds: int) -> float:
    """Median seconds per call when ``width`` calls run under one ``asyncio.gather``."""

    async def loop() -> list[float]:
        times = []
        for _ in range(rounds):
            start = time.perf_counter()
            await asyncio.gather(*(make() for _ in range(width)))
            times.append((time.perf_counter() - start) / width)
        return times

    return statistics.median(asyncio.run(loop()))


def scenario(engine: bc.Engine) -> None:
    """The shared scenario's steps."""
    engine.open_project("11111", OWNER, "start")
    engine.record_usage("11111", 120, 45)
    engine.credit_bank_transfer("11111", "PB-2026-0001", Decimal("309.68"), "HOR-11111-001")


def row(name: str, seconds: float, note: str = "") -> None:
    print(f"{name:<58} {seconds * 1e6:>10.2f} µs {note}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--scale", type=float, default=1.0, help="multiply the loop sizes")
    args = parser.parse_args()
    rounds, n = args.rounds, args.scale

    print(f"Python {sys.version.split()[0]}, billing_core {bc.__version__}, median of {args.rounds} rounds\n")

    print("validation (one value)")
    value = "32855961"

    def noop(s: str) -> bool:
        return True

    base_py = per_call(lambda: noop(value), int(1_000_000 * n), rounds)
    base_len = per_call(lambda: len(value), int(1_000_000 * n), rounds)
    valid = per_call(lambda: bc.is_valid_edrpou(value), int(1_000_000 * n), rounds)
    parsed = per_call(lambda: bc.Edrpou(value), int(500_000 * n), rounds)
    row("baseline: lambda: noop(s)  (a Python function)", base_py)
    row("baseline: lambda: len(s)   (a C builtin)", base_len)
    row("is_valid_edrpou(s)", valid, f"(+{(valid - base_len) * 1e9:.0f} ns over len)")
    row("Edrpou(s)", parsed, f"(+{(parsed - base_len) * 1e9:.0f} ns over len)")

    with tempfile.TemporaryDirectory() as tmp:
        sqlite = bc.Engine.open(Path(tmp) / "billing.db", clock=bc.ManualClock(START))
        memory = bc.Engine.open("memory:", clock=bc.ManualClock(START))
        empty = bc.Engine.open("memory:", clock=bc.ManualClock(START))
        scenario(sqlite)
        scenario(memory)
        assert sqlite.billing_section("11111") == memory.billing_section("11111")

        print("\nthe engine path with no work (empty in-memory store)")
        sync_empty = per_call(empty.projects, int(50_000 * n), rounds)
        native_empty = per_call(empty._native.projects, int(50_000 * n), rounds)
        async_empty = per_call_async(empty.projects_async, int(10_000 * n), rounds)
        row("Engine.projects()  (sync: GIL released, block_on)", sync_empty)
        row("  native projects()", native_empty)
        row("await Engine.projects_async()  (one after another)", async_empty)

        text = memory.billing_section_json("11111")
        decode = per_call(lambda: bc.BillingSection.from_json(text), int(5_000 * n), rounds)
        print(f"\nthe billing section ({len(text.encode())} bytes of JSON, {len(sections_of(memory))} invoice)")
        row("BillingSection.from_json(text)  (decode only)", decode)
        for label, engine in (("memory", memory), ("SQLite", sqlite)):
            calls = int((20_000 if label == "memory" else 2_000) * n)
            native = per_call(lambda e=engine: e._native.billing_section("11111"), calls, rounds)  # type: ignore[misc]
            typed = per_call(lambda e=engine: e.billing_section("11111"), calls, rounds)  # type: ignore[misc]
            awaited = per_call_async(lambda e=engine: e.billing_section_async("11111"), calls // 4, rounds)  # type: ignore[misc]
            gathered = per_call_gathered(lambda e=engine: e.billing_section_async("11111"), 64, rounds * 4)  # type: ignore[misc]
            row(f"[{label}] native billing_section -> JSON text", native)
            row(f"[{label}] Engine.billing_section -> BillingSection", typed)
            row(f"[{label}] await billing_section_async, one after another", awaited)
            row(f"[{label}] billing_section_async x64 under gather, per call", gathered)
    return 0


def sections_of(engine: bc.Engine) -> tuple[bc.Invoice, ...]:
    return engine.billing_section("11111").invoices


if __name__ == "__main__":
    sys.exit(main())
