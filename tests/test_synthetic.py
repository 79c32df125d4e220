"""The synthetic stand-in (helpers.synthetic): deterministic, readable, calibrated, and the committed files are fresh."""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from helpers import RAW_DIR
from helpers.core.formatting import round_half_up
from helpers.data.codebook import codebook
from helpers.data.exports import read_export
from helpers.data.published import load_published
from helpers.synthetic import PROVENANCE, generate
from helpers.synthetic.calibrate import InfeasibleTargets, counts_for_shares, rounded_target, solve_counts
from helpers.synthetic.targets import load_targets
from helpers.synthetic.texts import all_entries

WAVES = (2018, 2019, 2020, 2021, 2022, 2023)
COMMITTED = RAW_DIR / "survey"
REPORT_2023 = Path("/work/shared/seeds/000_f042a07fedf2d567.txt")
DOCUMENTATION_NETWORKS = [ipaddress.ip_network(n) for n in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24")]


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    """A fresh generation as raw directory (exports under survey/, as the cleaning expects)."""
    raw = tmp_path_factory.mktemp("first")
    generate(raw / "survey")
    return raw


@pytest.fixture(scope="module")
def exports(generated):
    return {year: read_export(codebook().wave(year), generated) for year in WAVES}


def _files(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir()) if p.is_file()}


# --------------------------------------------------------------------------------------------------------------------
# Determinism and freshness


def test_generating_twice_gives_identical_bytes(generated, tmp_path):
    generate(tmp_path / "survey")
    first, second = _files(generated / "survey"), _files(tmp_path / "survey")
    assert sorted(first) == sorted(second) == sorted([*(Path(codebook().wave(y).file).name for y in WAVES), PROVENANCE])
    assert [name for name in first if first[name] != second[name]] == []


def test_committed_files_equal_a_fresh_generation(generated):
    """The committed stand-in is exactly what the generator writes: nobody edits it by hand.

    A file whose hash no longer matches the committed provenance.yml is a real export that replaced the stand-in
    (README, "Using the real export"); it is left out of the comparison.
    """
    from helpers.core.reproducible import sha256_file

    provenance = yaml.safe_load((COMMITTED / PROVENANCE).read_text(encoding="utf-8"))
    real = {e["file"] for e in provenance["files"] if sha256_file(COMMITTED / e["file"]) != e["sha256"]}
    fresh = {name: data for name, data in _files(generated / "survey").items() if name not in real}
    committed = {name: (COMMITTED / name).read_bytes() for name in fresh if (COMMITTED / name).exists()}
    assert sorted(committed) == sorted(fresh), "run `make synthetic` and commit data/raw/survey"
    stale = [name for name in fresh if committed[name] != fresh[name]]
    assert stale == [], f"{stale} differ from a fresh generation: never edit them by hand; run `make synthetic`"


def test_provenance_lists_every_file_with_its_hash(generated):
    document = yaml.safe_load((generated / "survey" / PROVENANCE).read_text(encoding="utf-8"))
    from helpers.core.reproducible import sha256_file

    assert document["synthetic"] is True
    for entry in document["files"]:
        assert entry["synthetic"] is True and entry["generator"] == "helpers.synthetic"
        assert entry["sha256"] == sha256_file(generated / "survey" / entry["file"])
        assert "synthetic" in entry["statement"].lower() and "\n" not in entry["statement"]
    assert sorted(e["wave"] for e in document["files"]) == list(WAVES)


# --------------------------------------------------------------------------------------------------------------------
# The exports


def test_every_export_reads_back_and_every_value_is_in_the_codebook(exports):
    for year, raw in exports.items():
        for column in raw.spec.columns:
            if column.role not in ("answer", "selected"):
                continue
            values = set(raw.table[column.column].dropna())
            unknown = values - set(column.values)
            assert not unknown, f"{year} {column.column}: {unknown} not in the value map"


def test_exports_pass_the_cleaning_validation(exports):
    from helpers.data.cleaning import validate_export

    for raw in exports.values():
        validate_export(raw)


def _is_test_row(row: dict, spec) -> bool:
    rules = yaml.safe_load((Path(codebook().wave(2023).source).parent.parent / "cleaning.yml").read_text())
    typed = row.get(spec.metadata["municipality"]) or ""
    email = (row.get(spec.personal.get("email", "")) or "").lower()
    return bool(re.search(rules["test_responses"]["municipality_pattern"], typed)) or any(
        email.endswith("@" + d) for d in rules["test_responses"]["email_domains"])


def test_rows_per_wave(exports):
    targets = load_targets()
    first = {year: next(c.column for c in raw.spec.columns_for("lia_phase") if c.role == "answer")
             for year, raw in exports.items()}
    for year, raw in exports.items():
        wave = targets.wave(year)
        rows = raw.table.to_dict(orient="records")
        tests = [r for r in rows if _is_test_row(r, raw.spec)]
        real = [r for r in rows if not _is_test_row(r, raw.spec)]
        valid = [r for r in real if r[first[year]] is not None]
        joint_extra = 4 if year == 2023 else 0  # two joint answers of three municipalities
        assert len(tests) == wave.mess["test_responses"], year
        assert len(real) - len(valid) == wave.mess["excluded_before_first_question"], year
        assert len(valid) == wave.participants.units - joint_extra + wave.mess["duplicates"], year


def test_2023_has_exactly_four_rows_without_the_first_content_question(exports):
    raw = exports[2023]
    column = next(c.column for c in raw.spec.columns_for("lia_phase") if c.role == "answer")
    empty = raw.table[raw.table[column].isna()]
    assert len(empty) == 4
    later = [c.column for c in raw.spec.columns if raw.spec.questions.index(c.question)
             > raw.spec.questions.index("lia_phase")]
    assert empty[later].isna().all().all(), "a row without lia_phase has nothing after it"
    assert empty[raw.spec.metadata["municipality"]].notna().all()


def test_metadata_is_plausible(exports):
    targets = load_targets()
    for year, raw in exports.items():
        meta, table = raw.spec.metadata, raw.table
        ids = [int(v) for v in table[meta["respondent_id"]]]
        starts = [dt.datetime.fromisoformat(v) for v in table[meta["started_at"]]]
        assert ids == sorted(ids) and len(set(ids)) == len(ids)
        assert starts == sorted(starts)
        begin, end = targets.wave(year).fieldwork
        assert all(begin - dt.timedelta(days=10) <= s.date() <= end for s in starts), year
        submitted = table[meta["submitted_at"]]
        if "last_page" in meta:
            pages = table[meta["last_page"]].astype(int)
            assert (pages[submitted.isna()] < pages.max()).all(), f"{year}: a break-off on the last page"
        else:
            assert set(table.loc[submitted.isna(), meta["status"]]) == {"Onvolledig"}
            assert set(table.loc[submitted.notna(), meta["status"]]) == {"Volledig"}


def test_personal_data_is_invented(exports):
    for raw in exports.values():
        personal, table = raw.spec.personal, raw.table
        for ip in table[personal["ip"]].dropna():
            assert any(ipaddress.ip_address(ip) in net for net in DOCUMENTATION_NETWORKS), ip
        for email in table[personal["email"]].dropna():
            assert email.endswith(".example.nl") or email.endswith(("@movisie.nl", "@vng.nl")), email
        if "phone" in personal:
            assert all(re.fullmatch(r"06-\d{8}", p) for p in table[personal["phone"]].dropna())


# --------------------------------------------------------------------------------------------------------------------
# Calibration: the published numbers after the project's own cleaning


def test_calibrated_published_numbers_are_reproduced_after_cleaning(generated):
    from helpers.data import municipalities
    from helpers.data.cleaning import clean_wave
    from helpers.data.published import check_all

    responses, answers, frames = {}, {}, {}
    for year in WAVES:
        result = clean_wave(year, raw_dir=generated)
        responses[year], answers[year] = result.responses, result.answers
        frames[year] = municipalities.load_frame(year)
        counts = result.quality["counts"]
        wave = load_targets().wave(year)
        assert counts["units_out"] == wave.participants.units
        assert counts["test_responses"] == wave.mess["test_responses"]
        assert counts["duplicates_removed"] == wave.mess["duplicates"]
        assert counts["excluded_no_first_content"] == wave.mess["excluded_before_first_question"]
        assert result.quality["provenance"]["data_status"] == "synthetic"
        if year == 2023:
            assert counts["unmatched"]["ambiguous"] == 1 and counts["unmatched_total"] == 3
            assert counts["joint_rows"] == 2 and counts["joint_units_added"] == 4
    checks = check_all(responses, answers, frames)
    calibrated = checks[checks["check"] == "calibrated"]
    failing = calibrated[calibrated["ok"] != True]  # noqa: E712
    assert failing.empty, failing[["id", "published", "computed", "reason"]].to_string()


def test_targets_reference_every_calibrated_number_once():
    targets = load_targets()
    referenced = targets.referenced_ids()
    calibrated = {n.id for n in load_published() if n.check == "calibrated"}
    assert [i for i, n in Counter(referenced).items() if n > 1] == []
    assert sorted(calibrated - set(referenced)) == []


# --------------------------------------------------------------------------------------------------------------------
# The integer solver


def test_solver_finds_counts_that_round_to_both_published_percentages():
    counts = counts_for_shares(n_small=45, n_other=127, pct_all=70, pct_small=51, n_unknown=3)
    assert round_half_up(100 * counts["klein"] / 45) == 51
    assert round_half_up(100 * sum(counts.values()) / 175) == 70


def test_solver_reports_an_unreachable_percentage_clearly():
    # 50% of 45 small units is 22.5: not an integer count
    with pytest.raises(InfeasibleTargets, match=r"no count .* out of 45 units in \['klein'\]"):
        counts_for_shares(n_small=45, n_other=127, pct_all=59, pct_small=50)


def test_solver_reports_contradicting_targets():
    targets = [rounded_target("all 90%", ["ja"], ["klein", "niet_klein"], 90),
               rounded_target("small 10%", ["ja"], ["klein"], 10)]
    with pytest.raises(InfeasibleTargets, match="no integer counts satisfy all targets"):
        solve_counts({"klein": 50, "niet_klein": 10}, ["ja", "nee"], targets, {"ja": 50, "nee": 50})


def test_solver_follows_wishes_where_nothing_is_published():
    counts = solve_counts({"alle": 200}, ["a", "b", "c"], [], {"a": 50, "b": 30, "c": 20})
    assert counts == {"alle": {"a": 100, "b": 60, "c": 40}}


# --------------------------------------------------------------------------------------------------------------------
# Free text


def test_text_pools_have_unique_ids_and_themes():
    entries = all_entries()
    ids = [e["id"] for e in entries]
    assert len(ids) == len(set(ids))
    assert all(e.get("theme") for e in entries)
    assert any("{email}" in e["text"] for e in entries) and any("{telefoon}" in e["text"] for e in entries)
    assert any("{naam}" in e["text"] for e in entries)


@pytest.mark.skipif(not REPORT_2023.exists(), reason="the 2023 report text is not available here")
def test_texts_are_not_copied_from_the_report():
    report = " ".join(REPORT_2023.read_text(encoding="utf-8").split()).lower()
    for entry in all_entries():
        words = entry["text"].lower().split()
        for start in range(max(1, len(words) - 7)):
            chunk = " ".join(words[start:start + 8])
            if len(words) >= 8:
                assert chunk not in report, f"{entry['id']} repeats the report: {chunk!r}"
