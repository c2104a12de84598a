"""A run's `--spec` is the run's: the process reads the spec it read before once the run is over."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from telecontract.spec import bundled_spec_path, load_spec, read_document, spec_chosen

pytest_plugins = ["pytester"]


@pytest.fixture
def one_operation_less(tmp_path: Path) -> Path:
    document = read_document(bundled_spec_path())
    path = next(iter(document["paths"]))
    document["paths"] = {p: i for p, i in document["paths"].items() if p != path}
    edited = tmp_path / "edited.yaml"
    edited.write_text(yaml.safe_dump(document, sort_keys=False))
    return edited


def test_a_chosen_spec_holds_inside_the_block_only(one_operation_less: Path) -> None:
    before = len(load_spec().operations())
    with spec_chosen(one_operation_less) as chosen:
        assert len(load_spec().operations()) == len(chosen.operations()) < before
    assert len(load_spec().operations()) == before


def test_the_engines_spec_is_let_go_when_pytest_unconfigures(
    pytester: pytest.Pytester, one_operation_less: Path
) -> None:
    before = len(load_spec().operations())
    pytester.makepyfile(
        f"""
        from telecontract.spec import load_spec

        def test_the_run_reads_the_edited_spec():
            assert len(load_spec().operations()) == {before - 1}
        """
    )
    result = pytester.runpytest_inprocess(
        "-p", "telecontract.contract.plugin", "--spec", str(one_operation_less), "-p", "no:cacheprovider"
    )
    result.assert_outcomes(passed=1)
    assert len(load_spec().operations()) == before  # 10 again, not the run's 9


def test_a_failed_configure_lets_the_spec_go_too(pytester: pytest.Pytester, one_operation_less: Path) -> None:
    before = len(load_spec().operations())
    pytester.makepyfile("def test_never():\n    pass\n")
    result = pytester.runpytest_inprocess(
        "-p", "telecontract.contract.plugin", "--spec", str(one_operation_less), "--max-requests", "0"
    )
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert len(load_spec().operations()) == before


def test_a_teams_profile_of_the_same_name_is_theirs_again_after_the_run(pytester: pytest.Pytester) -> None:
    from hypothesis import settings
    from hypothesis.errors import InvalidArgument

    try:
        before: settings | None = settings.get_profile("quick")
    except InvalidArgument:
        before = None
    settings.register_profile("quick", max_examples=7)
    try:
        pytester.makepyfile(
            "from hypothesis import settings\n\n"
            "def test_ours_during_the_run():\n"
            "    assert settings.default.max_examples == 5\n"
        )
        result = pytester.runpytest_inprocess(
            "-p", "telecontract.contract.plugin", "--hypothesis-profile=quick", "-p", "no:cacheprovider"
        )
        result.assert_outcomes(passed=1)
        assert settings.get_profile("quick").max_examples == 7
    finally:
        if before is not None:
            settings.register_profile("quick", before)
