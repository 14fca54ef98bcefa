"""The report charts are pure drawings of integers: scales, folding and labels checked without a screen."""

from __future__ import annotations

from rich.text import Text

from pos_tui.tui.widgets.charts import ChartSpec, bar, column_rows, draw, eighths, fold


def plain(text: str, part: str) -> Text:
    return Text(text)


def test_the_biggest_value_fills_the_chart_and_nothing_draws_nothing() -> None:
    assert eighths(100, 100, 4) == 32
    assert eighths(0, 100, 4) == 0
    assert eighths(-5, 100, 4) == 0  # a loss has no height in a column; bars show it in red instead
    assert column_rows([0, 50, 100], 2, 100) == ["  █", " ██"]


def test_a_bar_is_measured_in_eighths_of_a_cell() -> None:
    assert bar(100, 100, 4) == "████"
    assert bar(50, 100, 3) == "█▌ "
    assert bar(-50, 100, 3) == "█▌ "


def test_a_year_of_days_folds_into_the_columns_there_are_without_losing_money() -> None:
    days = list(range(365))
    folded = fold(days, 40)
    assert len(folded) <= 40
    assert sum(folded) == sum(days)


def test_a_trend_shows_both_years_on_one_scale_with_first_and_last_day_under_it() -> None:
    spec = ChartSpec("trend", ("2025-03-01", "2025-03-02", "2025-03-03"), (10, 20, 40), (40, 0, 0))
    lines = [line.plain for line in draw(spec, 30, 6, str, plain)]
    assert len(lines) == 6
    assert lines[0].startswith("   ███ ")  # last year's first day is as tall as this year's best, 3 cells wide
    assert lines[-2].startswith("2025-03-01") and lines[-2].rstrip().endswith("2025-03-03")
    assert "same period last year" in lines[-1] and "top 40" in lines[-1]


def test_bars_keep_their_labels_and_amounts_in_the_width_given() -> None:
    spec = ChartSpec("bars", ("Tea", "Milk"), (5000, -250))
    lines = [line.plain for line in draw(spec, 40, 5, str, plain)]
    assert len(lines) == 2
    assert all(len(line) <= 40 for line in lines)
    assert lines[0].startswith("Tea ") and lines[0].endswith("5000")
    assert lines[1].endswith("-250")
