"""Scoring a run's lists against the ground truth."""
from __future__ import annotations

from synth.compare import compare_lists
from transforms.lists_schema import LISTS, columns


def _write(out, truth, rows):
    (out / "lists").mkdir(parents=True)
    for name in LISTS:
        lines = [",".join(columns(name))] + [
            ",".join(r.get(c, "") for c in columns(name)) for r in rows.get(name, [])]
        (out / "lists" / f"{name}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    truth.mkdir()
    (truth / "lists.csv").write_text(
        "list,id_number,reason,key\n"
        "deceased_accounts,A,deceased,\n"
        "deceased_accounts,B,deceased,\n"
        "special_groups,C,not_paid_by_county,2026\n", encoding="utf-8")
    (truth / "lists_detail.csv").write_text(
        "list,id_number,reason,key,detail\n"
        "deceased_accounts,A,deceased,,death_date=2024-01-05;date_conflict=False\n",
        encoding="utf-8")


def test_precision_recall_and_wrong_figures_are_counted(tmp_path):
    out, truth = tmp_path / "out", tmp_path / "truth"
    _write(out, truth, {
        "deceased_accounts": [
            {"id_number": "A", "reason": "deceased", "death_date": "2024-01-06",
             "date_conflict": "false"},
            {"id_number": "X", "reason": "deceased"}],
        "special_groups": [{"id_number": "C", "reason": "not_paid_by_county", "year": "2025"}],
    })
    scores = compare_lists(out, truth)
    deceased = scores["deceased_accounts"]
    assert (deceased["truth"], deceased["got"]) == (2, 2)
    assert deceased["precision"] == 0.5 and deceased["recall"] == 0.5
    assert deceased["missing"] == [("B", "deceased", "")]
    assert deceased["extra"] == [("X", "deceased", "")]
    assert deceased["wrong_values"] == [("A", "deceased", "", "death_date", "2024-01-05",
                                         "2024-01-06")]
    groups = scores["special_groups"]  # the year is part of the row's key
    assert groups["precision"] == 0.0 and groups["recall"] == 0.0
    assert scores["lapsed_payers"]["precision"] == 1.0 == scores["lapsed_payers"]["recall"]
