"""A blocked run tells the operator the Swedish reason and where to look, never Dagster's stack
frames: a real (tiny) Dagster run whose asset raises and whose blocking check fails."""


import dagster as dg
import pytest

from orchestration.run import RunReport, console_messages, print_summary
from orchestration.settings import get_settings

REASON = "lon_2023-05.csv rad 7: beloppet saknas"


@dg.asset
def landed(context: dg.AssetExecutionContext) -> None:
    context.log.warning("Karantän: lon_2023-05.csv rad 7: beloppet saknas")
    raise ValueError(REASON)


@dg.asset
def checked() -> None:
    return None


@dg.asset_check(asset=checked, blocking=True)
def balance() -> dg.AssetCheckResult:
    return dg.AssetCheckResult(passed=False, severity=dg.AssetCheckSeverity.ERROR)


@dg.asset(deps=[checked])
def downstream() -> None:
    return None


def test_reasons_without_frames(capsys: pytest.CaptureFixture[str]) -> None:
    with dg.instance_for_test() as instance:
        result = dg.materialize([landed, checked, balance, downstream], instance=instance,
                                raise_on_error=False)
        assert not result.success
        warnings, errors = console_messages(instance, result.run_id)
        capsys.readouterr()
        report = RunReport(False, result.run_id, [], [], [], sorted(result.get_failed_step_keys()),
                           warnings=warnings, errors=errors)
        print_summary(report, get_settings())
    said = capsys.readouterr().out
    assert REASON in said and "Karantän" in said
    assert "Var du tittar: uppfoljning status" in said and result.run_id in said
    assert "Traceback" not in said and 'File "' not in said and "dagster._core" not in said
    steps = dict(errors)
    assert steps["landed"] == f"ValueError: {REASON}"
    # the blocking check's failure names the check, in Swedish, without frames
    assert steps["checked_balance"].startswith("Kritisk kontroll underkänd")
    assert "checked: balance" in steps["checked_balance"]
