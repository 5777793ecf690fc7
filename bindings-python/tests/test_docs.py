"""The examples in the package's docstrings and README run as written."""

import doctest
from pathlib import Path

import billing_core


def test_package_docstring_examples() -> None:
    result = doctest.testmod(billing_core)
    assert result.attempted >= 3
    assert result.failed == 0


def test_readme_examples() -> None:
    readme = Path(__file__).resolve().parents[1] / "README.md"
    result = doctest.testfile(str(readme), module_relative=False, encoding="utf-8")
    assert result.attempted >= 5
    assert result.failed == 0


def test_engine_page_examples() -> None:
    page = Path(__file__).resolve().parents[1] / "docs" / "engine.md"
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    result = doctest.testfile(str(page), module_relative=False, encoding="utf-8", optionflags=flags)
    assert result.attempted >= 30
    assert result.failed == 0


def test_engine_module_examples() -> None:
    result = doctest.testmod(billing_core.engine)
    assert result.attempted >= 4
    assert result.failed == 0
