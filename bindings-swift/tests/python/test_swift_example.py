"""examples/swift/BillingScreen.swift against the committed generated Swift, without a Swift compiler.

Where `swiftc` exists, bindings-swift/test.sh compiles the example. Here (Linux CI, no Swift) these
checks catch the drift a compiler would: a function renamed or relabelled, a record field renamed, an
enum case added that the example's `switch` does not handle.
"""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
GENERATED = ROOT / "bindings-swift" / "Sources" / "BillingCore" / "BillingCore.swift"
EXTENSIONS = ROOT / "bindings-swift" / "Sources" / "BillingCore" / "BillingError+Code.swift"
EXAMPLE = ROOT / "examples" / "swift" / "BillingScreen.swift"


def strip_comments(swift: str) -> str:
    swift = re.sub(r"/\*.*?\*/", "", swift, flags=re.S)
    return re.sub(r"//[^\n]*", "", swift)


API = strip_comments(GENERATED.read_text(encoding="utf-8"))
EXAMPLE_CODE = strip_comments(EXAMPLE.read_text(encoding="utf-8"))


def balanced(text: str, start: int) -> str:
    """The text inside the parentheses opening at `text[start]`."""
    assert text[start] == "("
    depth = 0
    for i in range(start, len(text)):
        depth += {"(": 1, ")": -1}.get(text[i], 0)
        if depth == 0:
            return text[start + 1 : i]
    raise AssertionError(f"unbalanced parentheses at {start}")


def top_level_labels(args: str) -> list:
    """The argument labels of a call or declaration (`_` for an unlabelled one), at depth 0."""
    parts, depth, current = [], 0, ""
    for ch in args:
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += ch
    if current.strip():
        parts.append(current)
    labels = []
    for part in parts:
        match = re.match(r"\s*(\w+)\s*(\w+)?\s*:", part)
        labels.append(match.group(1) if match else "_")
    return labels


def functions() -> dict:
    """Top-level public functions of the generated API: name -> parameter labels."""
    found = {}
    for match in re.finditer(r"^public func (\w+)\(", API, flags=re.M):
        name = match.group(1)
        if name.startswith(("FfiConverter", "uniffi")):
            continue
        found[name] = top_level_labels(balanced(API, match.end() - 1))
    return found


def records() -> dict:
    """Generated structs: name -> {field: type}, and their init's (label, has default) list."""
    found = {}
    for match in re.finditer(r"^public struct (\w+): Equatable, Hashable \{", API, flags=re.M):
        body = API[match.end() : API.index("\n}\n", match.end())]
        fields = dict(re.findall(r"^    public var (\w+): ([^\n]+)$", body, flags=re.M))
        init = body.index("public init(")
        params = balanced(body, init + len("public init"))
        defaults = [
            (label, "=" in part)
            for label, part in zip(top_level_labels(params), params.split(","))
        ]
        found[match.group(1)] = (fields, defaults)
    return found


def enums() -> dict:
    """Generated enums: name -> case names."""
    found = {}
    for match in re.finditer(r"^public\s+enum (\w+)[^{]*\{", API, flags=re.M):
        body = API[match.end() : API.index("\n}\n", match.end())]
        found[match.group(1)] = re.findall(r"^    case (\w+)", body, flags=re.M)
    return found


FUNCTIONS = functions()
RECORDS = records()
ENUMS = enums()


def test_the_generated_api_was_read():
    assert {"decodeBillingSection", "loadBillingSection", "paymentQr", "amountInWords"} <= set(
        FUNCTIONS
    )
    assert FUNCTIONS["decodeBillingSection"] == ["json"]
    assert "asOf" in RECORDS["BillingSection"][0]
    assert ENUMS["AccessState"] == ["active", "paymentDue", "blocked"]
    assert ENUMS["BillingError"] == ["InvalidInput", "Refused", "Unexpected"]


def calls(name: str):
    for match in re.finditer(rf"(?<![\w.]){name}\(", EXAMPLE_CODE):
        yield top_level_labels(balanced(EXAMPLE_CODE, match.end() - 1))


def test_the_example_calls_generated_functions_with_their_labels():
    used = set()
    for name, labels in FUNCTIONS.items():
        for call in calls(name):
            used.add(name)
            assert call == labels, f"{name}({', '.join(l + ':' for l in call)}) != {labels}"
    # The screen is built on the section, the async loader, money, words, QR and requisites.
    assert {
        "loadBillingSection",
        "formatMoneyDocument",
        "amountInWords",
        "paymentQr",
        "parseTaxId",
        "isValidIban",
        "parseIban",
    } <= used


def test_records_built_by_the_example_take_those_labels():
    built = 0
    for name, (_, params) in RECORDS.items():
        for call in calls(name):
            built += 1
            declared = [label for label, _ in params]
            assert call == [label for label in declared if label in call], f"{name}: order"
            missing = [label for label, has_default in params if label not in call and not has_default]
            assert not missing, f"{name}(...) lacks {missing}"
    assert built, "the example builds a PaymentQrRequest"


def field_type(record: str, field: str) -> str:
    """The field's generated type, e.g. `SectionTariff?`, `[SectionInvoice]`, `Decimal`."""
    fields, _ = RECORDS[record]
    assert field in fields, f"{record} has no field {field!r}"
    return fields[field].strip()


#: Variables of the example whose generated type is known, to follow `section.tariff?.products`.
TYPED_NAMES = {
    "section": "BillingSection",
    "tariff": "SectionTariff",
    "feature": "SectionFeature",
    "invoice": "SectionInvoice",
    "paymentLink": "SectionLink?",
    "link": "SectionLink",
    "line": "SectionLine",
    "check": "LimitCheck",
    "products": "LimitCheck",
    "orders": "LimitCheck",
    "edrpou": "Edrpou",
    "rnokpp": "Rnokpp",
}


def test_record_fields_the_example_reads_exist():
    followed = 0
    for match in re.finditer(r"(?<![\w.$])(\w+)((?:\??\.\w+)+)", EXAMPLE_CODE):
        current = TYPED_NAMES.get(match.group(1))
        if current is None:
            continue
        for optional_chain, member in re.findall(r"(\??)\.(\w+)", match.group(2)):
            if current.endswith("?") and not optional_chain:
                break  # `tariff.map { ... }`: a member of Optional, not of the record
            record = current.rstrip("?")
            if record not in RECORDS:
                break  # a String, Decimal, Date, enum, array or Foundation member from here on
            current = field_type(record, member)
            followed += 1
    assert followed >= 30


@pytest.mark.parametrize("enum", ["AccessState", "InvoiceStatus", "LimitState"])
def test_the_example_handles_every_case(enum):
    for case in ENUMS[enum]:
        assert re.search(rf"case \.{case}\b", EXAMPLE_CODE), f"{enum}.{case} is not handled"


def test_error_cases_the_example_throws_exist():
    for case in re.findall(r"BillingError\.(\w+)\(", EXAMPLE_CODE):
        assert case in ENUMS["BillingError"], case
    assert "public var code: String" in EXTENSIONS.read_text(encoding="utf-8")


def test_the_example_implements_the_source_protocol():
    protocol = re.search(r"public protocol BillingSectionSource[^{]*\{(.*?)\n\}", API, re.S)
    requirements = re.findall(r"func (\w+)\(\)\s*async throws\s*->\s*String", protocol.group(1))
    assert requirements == ["fetchBillingSectionJson"]
    assert re.search(r"class \w+: BillingSectionSource\b", EXAMPLE_CODE)
    assert re.search(r"func fetchBillingSectionJson\(\) async throws -> String", EXAMPLE_CODE)
