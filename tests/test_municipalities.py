"""Tests for helpers.data.municipalities: frames, inhabitants, size classes, crosswalk, name matching and Bijlage A.

The reference set is read from $FLITSPEILING_REFERENCE_DIR, else data/raw/reference (`make reference`), else the
shared copy in /work/shared/reference. Bijlage A (data/published/bijlage_a_2023.csv) is the participant list of the
2023 report, pages 33-35 (see data/published/bijlage_a_2023.source.md).
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pandas as pd
import pytest

from helpers import RAW_DIR
from helpers.data import municipalities as m

SHARED_REFERENCE = Path("/work/shared/reference")
SEED = Path("/work/shared/seeds/000_f042a07fedf2d567.txt")  # text extracted from the 2023 report
GLITCH = "Barendrecht, Albrandswaard en Ridderkerk.Beek"


def reference_dir() -> Path:
    if os.environ.get(m.REFERENCE_DIR_ENV):
        return Path(os.environ[m.REFERENCE_DIR_ENV])
    local = RAW_DIR / "reference"
    return local if (local / "PROVENANCE.yml").is_file() else SHARED_REFERENCE


@pytest.fixture(scope="module", autouse=True)
def reference():
    """Point the module's default reference directory at the one chosen above for every test in this file."""
    directory = reference_dir()
    assert (directory / "gemeenten_2023.csv").is_file(), f"no reference set in {directory}; run `make reference`"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(m.REFERENCE_DIR_ENV, str(directory))
        yield directory


def read_list(directory: Path, year: int) -> dict[str, dict[str, str]]:
    """A CBS list read with the csv module, independently of the code under test."""
    with open(directory / f"gemeenten_{year}.csv", encoding="utf-8", newline="") as handle:
        return {row["code"]: row for row in csv.DictReader(handle)}


# ---------------------------------------------------------------------------------------------------------------
# Frames


@pytest.mark.parametrize(("year", "size"), [(2018, 380), (2019, 355), (2020, 355), (2021, 352), (2022, 345),
                                            (2023, 342)])
def test_frame_sizes(year, size):
    frame = m.load_frame(year)
    assert len(frame) == size == m.FRAME_SIZES[year]
    assert frame["code"].is_unique and list(frame["code"]) == sorted(frame["code"])
    assert list(frame.columns) == ["code", "name", "province", "population", "population_approx"]
    assert str(frame["population"].dtype) == "Int64"


def test_lists_are_the_reference_files(reference):
    for year in m.REFERENCE_YEARS:
        expected = read_list(reference, year)
        frame = m.load_list(year)
        assert dict(zip(frame["code"], frame["population"], strict=True)) == {
            code: int(row["population"]) for code, row in expected.items()}
    with pytest.raises(ValueError, match="no CBS list for 2019"):
        m.load_list(2019)
    with pytest.raises(ValueError, match="no frame for 2017"):
        m.load_frame(2017)


def test_2019_frame_is_the_2020_list_with_approximate_inhabitants():
    frame_2019, list_2020 = m.load_frame(2019), m.load_list(2020)
    assert frame_2019.drop(columns="population_approx").equals(list_2020)
    assert frame_2019["population_approx"].all()
    assert not any(m.load_frame(year)["population_approx"].any() for year in m.REFERENCE_YEARS)


def test_2018_frame_undoes_the_2019_reorganisations():
    frame = m.load_frame(2018).set_index("code")
    placeholders = frame[frame.index.str.startswith("X")]
    assert len(placeholders) == 34
    assert all(code.startswith("X2018_") for code in placeholders.index)
    assert placeholders["population"].isna().all()
    assert frame.loc[~frame.index.str.startswith("X"), "population"].notna().all()
    assert frame["population_approx"].sum() == 380 - 34
    assert frame.loc["X2018_winsum", ["name", "province"]].tolist() == ["Winsum", "Groningen"]
    assert frame.loc["X2018_haarlemmerliede-en-spaarnwoude", "province"] == "Noord-Holland"
    # Absorbers of 1-1-2019 existed before; municipalities formed that day did not.
    assert {"GM0014", "GM0394", "GM0575"} <= set(frame.index)
    assert not {"GM1959", "GM1966", "GM1969", "GM1963"} & set(frame.index)


def test_weesp_is_in_2022_but_not_in_2023():
    assert "GM0457" in set(m.load_frame(2022)["code"])
    assert "GM0457" not in set(m.load_frame(2023)["code"])


# ---------------------------------------------------------------------------------------------------------------
# Inhabitants


def test_voorne_aan_zee_on_1_january_2022_is_the_sum_of_its_predecessors(reference):
    list_2022 = read_list(reference, 2022)
    expected = sum(int(list_2022[code]["population"]) for code in ("GM0501", "GM0530", "GM0614"))
    assert [list_2022[c]["name"] for c in ("GM0501", "GM0530", "GM0614")] == ["Brielle", "Hellevoetsluis",
                                                                              "Westvoorne"]
    assert m.population_on(2022, "GM1992") == expected


def test_eemsdelta_on_1_january_2020_is_the_sum_of_its_predecessors(reference):
    list_2020 = read_list(reference, 2020)
    assert m.population_on(2020, "GM1979") == sum(int(list_2020[c]["population"]) for c in ("GM0003", "GM0010",
                                                                                             "GM0024"))


def test_population_on_own_figures_and_what_cannot_be_computed(reference):
    values = m.population_on(2023, ["GM0014", "GM0457", "GM0501", "X2018_aalburg"])
    assert values.index.tolist() == ["GM0014", "GM0457", "GM0501", "X2018_aalburg"]
    assert values["GM0014"] == int(read_list(reference, 2023)["GM0014"]["population"])
    # Dissolved before 1-1-2023 (Weesp, Brielle) or before 2020 (Aalburg): no figure of their own.
    assert values[["GM0457", "GM0501", "X2018_aalburg"]].isna().all()
    assert pd.isna(m.population_on(2021, "GM0788"))  # Haaren, split on 1-1-2021
    # Amsterdam on 1-1-2022 within that day's boundaries: Weesp joined on 24-3-2022.
    assert m.population_on(2022, "GM0363") == int(read_list(reference, 2022)["GM0363"]["population"])


def test_population_on_a_frame_is_aligned_with_its_index():
    frame = m.load_frame(2023).iloc[::-1]
    values = m.population_on(2022, frame)
    assert values.index.equals(frame.index) and values.notna().all()
    assert values[frame["code"] == "GM1992"].item() == m.population_on(2022, "GM1992")


def test_population_on_rejects_years_and_codes_it_cannot_know():
    with pytest.raises(ValueError, match="1-1-2019 are not in the reference set"):
        m.population_on(2019, ["GM0014"])
    with pytest.raises(KeyError, match="GM9999"):
        m.population_on(2022, "GM9999")


# ---------------------------------------------------------------------------------------------------------------
# Size classes


def test_size_classes_constant():
    assert m.SIZE_CLASSES == (
        ("lt10k", "< 10.000", 0, 10000), ("10k_25k", "10.000 – 25.000", 10000, 25000),
        ("25k_50k", "25.000 – 50.000", 25000, 50000), ("50k_100k", "50.000 – 100.000", 50000, 100000),
        ("ge100k", "100.000 of meer", 100000, None))
    assert m.G4_CODES == ("GM0363", "GM0599", "GM0518", "GM0344")


@pytest.mark.parametrize(("population", "expected"), [
    (0, "lt10k"), (9999, "lt10k"), (10000, "10k_25k"), (24999, "10k_25k"), (25000, "25k_50k"), (49999, "25k_50k"),
    (50000, "50k_100k"), (99999, "50k_100k"), (100000, "ge100k"), (900000, "ge100k"), (None, None), (pd.NA, None)])
def test_size_class_boundaries(population, expected):
    assert m.size_class(population) == expected


def test_size_class_of_a_series_and_is_small():
    classes = m.size_class(pd.Series([9999, 25000, None], dtype="Int64"))
    assert classes.cat.ordered and classes.tolist()[:2] == ["lt10k", "25k_50k"] and pd.isna(classes.iloc[2])
    assert m.is_small(24999) is True and m.is_small(25000) is False and m.is_small(None) is pd.NA
    assert m.is_small(14999, threshold=15000) is True
    with pytest.raises(ValueError, match="negative"):
        m.size_class(-1)


# ---------------------------------------------------------------------------------------------------------------
# Crosswalk and processed files


def test_every_frame_code_maps_to_exactly_one_2023_municipality():
    crosswalk = m.crosswalk_to_2023()
    codes_2023 = set(m.load_list(2023)["code"])
    assert crosswalk["code"].is_unique
    assert set(crosswalk["relation"]) == {"same", "merged", "split"}
    for year in m.WAVES:
        merged = m.load_frame(year).merge(crosswalk, on="code", how="left", validate="one_to_one")
        assert merged["code_2023"].notna().all() and set(merged["code_2023"]) <= codes_2023
    for row in crosswalk.itertuples():
        assert row.code_2023 in row.successor_codes_2023.split(";")
        assert set(row.successor_codes_2023.split(";")) <= codes_2023
    assert set(crosswalk["code"]) == {code for year in m.WAVES for code in m.load_frame(year)["code"]}


def test_crosswalk_rows_for_merges_and_splits():
    crosswalk = m.crosswalk_to_2023().set_index("code")
    columns = ["valid_from_year", "valid_to_year", "code_2023", "relation", "successor_codes_2023"]
    assert crosswalk.loc["GM0014", columns].tolist() == [2018, 2023, "GM0014", "same", "GM0014"]
    assert crosswalk.loc["GM0457", columns].tolist() == [2018, 2022, "GM0363", "merged", "GM0363"]
    assert crosswalk.loc["GM0003", columns].tolist() == [2018, 2020, "GM1979", "merged", "GM1979"]
    assert crosswalk.loc["X2018_aalburg", columns].tolist() == [2018, 2018, "GM1959", "merged", "GM1959"]
    assert crosswalk.loc["X2018_winsum", columns].tolist() == [2018, 2018, "GM1966", "split", "GM1966;GM1969"]
    assert crosswalk.loc["GM0788", columns].tolist() == [2018, 2020, "GM0824", "split",
                                                         "GM0757;GM0824;GM0855;GM0865"]
    assert crosswalk.loc["GM1992", "name_2023"] == "Voorne aan Zee"


def test_haaren_maps_to_the_successor_that_grew_most():
    """SPLIT_MAIN_SUCCESSOR['Haaren'] agrees with the jumps in inhabitants from 1-1-2020 to 1-1-2021."""
    successors = ["GM0757", "GM0824", "GM0855", "GM0865"]
    growth = m.population_on(2021, successors) - m.population_on(2020, successors)
    assert growth.idxmax() == m.SPLIT_MAIN_SUCCESSOR["Haaren"] == "GM0824"


def test_build_frames_writes_the_same_bytes_twice(tmp_path):
    first = m.build_frames(out_dir=tmp_path / "a")
    second = m.build_frames(out_dir=tmp_path / "b")
    assert [p.name for p in first] == ["frames.parquet", "crosswalk.parquet"]
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]
    frames = pd.read_parquet(first[0])
    assert list(frames.columns) == ["wave", "code", "name", "province", "population_frame", "population_approx",
                                    "code_2023"]
    assert frames.groupby("wave").size().to_dict() == m.FRAME_SIZES
    assert frames[["wave", "code"]].equals(frames[["wave", "code"]].sort_values(["wave", "code"]))
    assert frames.loc[(frames["wave"] == 2022) & (frames["code"] == "GM0457"), "code_2023"].item() == "GM0363"
    assert pd.read_parquet(first[1]).equals(m.crosswalk_to_2023())


def test_cli_writes_the_processed_files(reference, tmp_path, capsys):
    assert m.main(["--reference", str(reference), "--out", str(tmp_path)]) == 0
    assert (tmp_path / "frames.parquet").is_file() and (tmp_path / "crosswalk.parquet").is_file()
    assert "2018: 380" in capsys.readouterr().out
    assert m.main(["--reference", str(tmp_path / "nowhere"), "--out", str(tmp_path)]) == 1
    assert "make reference" in capsys.readouterr().err


# ---------------------------------------------------------------------------------------------------------------
# Name matching


@pytest.mark.parametrize(("text", "year", "status", "codes"), [
    ("Amsterdam", 2023, "exact", ("GM0363",)),
    ("  amsterdam. ", 2023, "exact", ("GM0363",)),
    ("Gemeente Utrecht", 2023, "exact", ("GM0344",)),
    ("gem. Zwolle", 2023, "exact", ("GM0193",)),
    ("Zwolle (gemeente)", 2023, "exact", ("GM0193",)),
    ("Sudwest Fryslan", 2023, "exact", ("GM1900",)),
    ("SÚDWEST-FRYSLÂN", 2023, "exact", ("GM1900",)),
    ("Noardeast-Fryslân  ", 2023, "exact", ("GM1970",)),
    ("Den Haag", 2023, "alias", ("GM0518",)),
    ("'s-Gravenhage", 2023, "exact", ("GM0518",)),
    ("s-Hertogenbosch", 2023, "exact", ("GM0796",)),
    ("'s-Hertogenbosch", 2023, "exact", ("GM0796",)),
    ("’s Hertogenbosch", 2023, "exact", ("GM0796",)),
    ("Den Bosch", 2023, "alias", ("GM0796",)),
    ("Hogeland", 2023, "alias", ("GM1966",)),
    ("Het Hogeland", 2023, "exact", ("GM1966",)),
    ("Bergen NH", 2023, "exact", ("GM0373",)),
    ("Bergen (NH)", 2023, "exact", ("GM0373",)),
    ("Bergen (L)", 2023, "exact", ("GM0893",)),
    ("Bergen Noord-Holland", 2023, "alias", ("GM0373",)),
    ("Bergen (Limburg)", 2023, "alias", ("GM0893",)),
    ("Nuenen, Gerwen en Nederwetten", 2023, "exact", ("GM0820",)),
    ("Nuenen", 2023, "alias", ("GM0820",)),
    ("Weesp", 2022, "exact", ("GM0457",)),
    ("Voorne aan Zee", 2023, "exact", ("GM1992",)),
    ("Aalburg", 2018, "exact", ("X2018_aalburg",)),
])
def test_single_names(text, year, status, codes):
    result = m.match_municipality(text, year)
    assert (result.status, result.codes) == (status, codes), result.message
    assert result.matched


@pytest.mark.parametrize("year", m.WAVES)
def test_bergen_alone_is_ambiguous_and_never_guessed(year):
    result = m.match_municipality("Bergen", year)
    assert result.status == "ambiguous" and not result.matched
    assert result.codes == () and result.names == ()
    assert result.candidates == ("Bergen (NH.)", "Bergen (L.)")
    assert result.candidate_codes == ("GM0373", "GM0893")
    assert "nothing is guessed" in result.message


def test_voorne_aan_zee_before_it_existed():
    result = m.match_municipality("Voorne aan Zee", 2022)
    assert result.status == "other_year" and not result.matched
    assert result.codes == ("GM0501", "GM0530", "GM0614")
    assert result.names == ("Brielle", "Hellevoetsluis", "Westvoorne")
    assert result.other_years == (2023,)
    assert "formed on 1-1-2023 from Brielle, Hellevoetsluis, Westvoorne" in result.message


@pytest.mark.parametrize(("text", "year", "codes", "other_years", "history"), [
    ("Brielle", 2023, ("GM1992",), (2018, 2019, 2020, 2021, 2022), "merged into Voorne aan Zee on 1-1-2023"),
    ("Weesp", 2023, ("GM0363",), (2018, 2019, 2020, 2021, 2022), "merged into Amsterdam on 24-3-2022"),
    ("Haaren", 2021, ("GM0757", "GM0824", "GM0855", "GM0865"), (2018, 2019, 2020),
     "split on 1-1-2021 between Boxtel, Oisterwijk, Tilburg, Vught"),
    ("Winsum", 2019, ("GM1966", "GM1969"), (2018,), "split on 1-1-2019 between Het Hogeland, Westerkwartier"),
    ("Hogeland", 2018, ("X2018_bedum", "X2018_de-marne", "X2018_eemsmond", "X2018_winsum"),
     (2019, 2020, 2021, 2022, 2023), "formed on 1-1-2019 from Bedum, De Marne, Eemsmond, Winsum (part)"),
    ("Littenseradiel", 2018, ("GM0080", "GM1900", "GM1949"), (), "split on 1-1-2018"),
    ("Haarlemmerliede", 2023, ("GM0394",), (2018,), "merged into Haarlemmermeer on 1-1-2019"),
])
def test_names_of_other_years(text, year, codes, other_years, history):
    result = m.match_municipality(text, year)
    assert (result.status, result.codes, result.other_years) == ("other_year", codes, other_years)
    assert history in result.message


@pytest.mark.parametrize(("text", "codes"), [
    ("Barendrecht, Albrandswaard en Ridderkerk", ("GM0489", "GM0613", "GM0597")),
    ("Stede Broec, Enkhuizen en Drechterland", ("GM0532", "GM0388", "GM0498")),
    ("Delft & Rijswijk", ("GM0503", "GM0603")),
    ("Delft/Rijswijk", ("GM0503", "GM0603")),
    ("Delft + Den Haag", ("GM0503", "GM0518")),
    ("Gilze en Rijen, Goirle", ("GM0784", "GM0785")),
    ("Nuenen, Gerwen en Nederwetten en Eindhoven", ("GM0820", "GM0772")),
])
def test_joint_answers(text, codes):
    result = m.match_municipality(text, 2023)
    assert (result.status, result.codes) == ("joint", codes), result.message
    assert result.matched and len(result.names) == len(codes)


def test_joint_answer_says_which_part_fails():
    result = m.match_municipality("Delft, Amsterdm en Rijswijk", 2023)
    assert result.status == "unknown" and result.codes == ()
    assert "'Amsterdm' is not a municipality of 1-1-2023" in result.message
    assert "Amsterdam" in result.candidates and "Delft" not in result.message.split(":", 1)[1]
    bergen = m.match_municipality("Bergen en Schagen", 2023)
    assert bergen.status == "ambiguous" and bergen.codes == ()
    assert bergen.candidate_codes == ("GM0373", "GM0893")
    merged = m.match_municipality("Brielle, Hellevoetsluis", 2023)
    assert (merged.status, merged.codes) == ("other_year", ("GM1992",))


def test_joint_answer_with_two_readings_is_ambiguous(tmp_path):
    """Never guess between readings: here "Gilze en Rijen" is one municipality, or (by these test aliases) two."""
    path = tmp_path / "aliases.yml"
    path.write_text("aliases:\n  Gilze: Goirle\n  Rijen: Breda\n", encoding="utf-8")
    result = m.match_municipality("Gilze en Rijen, Delft", 2023, aliases_path=path)
    assert result.status == "ambiguous" and result.codes == ()
    assert result.candidates == ("Gilze en Rijen + Delft", "Goirle + Breda + Delft")
    with pytest.raises(ValueError, match="unknown match status 'maybe'"):
        m.MatchResult("Gilze", 2023, "maybe")


def test_unknown_names_get_three_close_candidates():
    result = m.match_municipality("Amsterdm", 2023)
    assert result.status == "unknown" and result.codes == ()
    assert len(result.candidates) == len(result.candidate_codes) == 3
    assert result.candidates[0] == "Amsterdam" and result.candidate_codes[0] == "GM0363"
    assert result.message == "'Amsterdm' is not a municipality of 1-1-2023; closest: " + ", ".join(result.candidates)


@pytest.mark.parametrize("text", ["", "   ", None, float("nan"), pd.NA, "Gemeente"])
def test_empty_answers(text):
    assert m.match_municipality(text, 2023).status == "empty"


def test_resolutions_override_with_a_reason():
    decisions = {"Bergen": {"code": "GM0373", "reason": "e-mail domain bergen-nh.nl in the export"}}
    result = m.match_municipality(" bergen ", 2023, resolutions=decisions)
    assert (result.status, result.codes, result.names) == ("resolved", ("GM0373",), ("Bergen (NH.)",))
    assert result.matched and "bergen-nh.nl" in result.message
    with pytest.raises(ValueError, match="needs a code and a reason"):
        m.match_municipality("Bergen", 2023, resolutions={"Bergen": {"code": "GM0373"}})
    with pytest.raises(ValueError, match="GM1992 is not in the frame of 1-1-2022"):
        m.match_municipality("Voorne", 2022, resolutions={"Voorne": {"code": "GM1992", "reason": "typed short"}})


def test_load_resolutions_reads_the_codebook_format(tmp_path):
    path = tmp_path / "resolutions.yml"
    path.write_text("2023:\n  - typed: Bergen\n    code: GM0893\n    reason: checked by phone\n", encoding="utf-8")
    assert m.load_resolutions(2023, path) == {"Bergen": {"code": "GM0893", "reason": "checked by phone"}}
    assert m.load_resolutions(2022, path) == {}
    path.write_text("2023:\n  - typed: Bergen\n    code: GM9999\n    reason: typo\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"resolutions.yml, wave 2023, entry 1: .*GM9999 is not in the frame"):
        m.load_resolutions(2023, path)
    assert m.load_resolutions(2023, m.RESOLUTIONS_PATH) == {}  # the shipped table has no decisions


@pytest.mark.parametrize(("aliases", "message"), [
    ("Bergen: Bergen (NH.)", "alias 'Bergen': the name is ambiguous"),
    ("Amsterdam: Amsterdam", "already matches a CBS name"),
    ("Adam: Amsterdm", "target 'Amsterdm' is not a CBS name.*did you mean 'amsterdam'"),
    ("Den Haag: \"'s-Gravenhage\"\n  den  haag: \"'s-Gravenhage\"", "same as an earlier alias"),
])
def test_alias_file_is_checked(tmp_path, aliases, message):
    path = tmp_path / "aliases.yml"
    path.write_text(f"aliases:\n  {aliases}\n", encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        m.match_municipality("Delft", 2023, aliases_path=path)


def test_format_match_problem_is_one_line_with_a_fix():
    line = m.format_match_problem(m.match_municipality("Amsterdm", 2023), "data/raw/survey/x.csv", 17, "G01Q01")
    candidates = ", ".join(m.match_municipality("Amsterdm", 2023).candidates)
    assert line == ("data/raw/survey/x.csv, row 17, column 'G01Q01': 'Amsterdm' is not a municipality of 1-1-2023; "
                    f"closest: {candidates}. Add an alias to data/codebook/municipality_aliases.yml or a resolution "
                    "to data/codebook/municipality_resolutions.yml")
    ambiguous = m.format_match_problem(m.match_municipality("Bergen", 2023), "x.csv", 3, "G01Q01")
    assert "Bergen (NH.) (GM0373) or Bergen (L.) (GM0893)" in ambiguous and "municipality_resolutions.yml" in ambiguous
    assert "\n" not in ambiguous
    error = m.MunicipalityNotFound(m.match_municipality("", 2023), "x.csv", 5, "G01Q01")
    assert str(error) == "x.csv, row 5, column 'G01Q01': no municipality given (empty answer). Check the export: the " \
                         "municipality question is required"
    with pytest.raises(ValueError, match="there is no problem to report"):
        m.format_match_problem(m.match_municipality("Delft", 2023), "x.csv", 1, "G01Q01")


# ---------------------------------------------------------------------------------------------------------------
# Real-data check: Bijlage A of the 2023 report against the CBS list of 1-1-2023


@pytest.fixture(scope="module")
def bijlage_a() -> pd.DataFrame:
    return pd.read_csv(m.BIJLAGE_A_PATH, dtype=str, keep_default_na=False)


def test_bijlage_a_file(bijlage_a):
    assert list(bijlage_a.columns) == ["entry", "name_as_published", "note"]
    assert bijlage_a["entry"].astype(int).tolist() == list(range(1, 196))
    assert (bijlage_a["name_as_published"] == bijlage_a["name_as_published"].str.strip()).all()
    glitch = bijlage_a[bijlage_a["note"].str.contains(GLITCH, regex=False)]
    assert glitch["name_as_published"].tolist() == ["Barendrecht, Albrandswaard en Ridderkerk", "Beek"]


@pytest.mark.skipif(not SEED.is_file(), reason="the text extracted from the report is not available here")
def test_bijlage_a_transcription_matches_the_seed(bijlage_a):
    lines = SEED.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if "OVERZICHT DEELNEMENDE GEMEENTEN" in line)
    start = next(i for i in range(start, len(lines)) if "vier gemeenten." in lines[i]) + 1
    end = next(i for i in range(start, len(lines)) if "Movisie & VNG" in lines[i])
    expected = []
    for line in (line.strip() for line in lines[start:end] if line.strip()):
        expected += ["Barendrecht, Albrandswaard en Ridderkerk", "Beek"] if line == GLITCH else [line]
    assert bijlage_a["name_as_published"].tolist() == expected


def test_every_bijlage_a_entry_matches_the_2023_list_except_bergen(bijlage_a):
    codes_2023 = set(m.load_list(2023)["code"])
    listed: list[str] = []
    for entry in bijlage_a["name_as_published"]:
        result = m.match_municipality(entry, 2023)
        if entry == "Bergen":
            # Both Bergens exist on 1-1-2023 and the report does not say which took part: never guessed.
            assert result.status == "ambiguous" and result.codes == ()
            assert set(result.candidate_codes) == {"GM0373", "GM0893"} and len(result.candidates) == 2
            continue
        expected_parts = 3 if entry.count(",") == 1 and " en " in entry else 1
        assert result.matched and len(result.codes) == expected_parts, (entry, result.status, result.message)
        listed.extend(result.codes)
    assert len(listed) == len(set(listed)) == 198
    assert set(listed) <= codes_2023
    assert {"GM0599", "GM0518", "GM0344"} <= set(listed) and "GM0363" not in listed


def test_bijlage_a_size_counts_next_to_the_published_counts():
    table = m.bijlage_a_size_counts().set_index("group")
    assert table.index.tolist() == ["lt10k", "10k_25k", "25k_50k", "50k_100k", "ge100k", "g4", "unresolved", "total"]
    computed = table["computed"].to_dict()
    sizes = [c.code for c in m.SIZE_CLASSES]
    assert sum(computed[c] for c in sizes) + computed["unresolved"] == computed["total"] == 199
    assert computed["unresolved"] == 1 and "Bergen" in table.loc["unresolved", "label"]
    # Inhabitants on 1-1-2022 (CBS); the report's own counts are in the published column.
    assert computed == {"lt10k": 9, "10k_25k": 52, "25k_50k": 79, "50k_100k": 41, "ge100k": 17, "g4": 3,
                        "unresolved": 1, "total": 199}
    assert table["published"].dropna().to_dict() == {"lt10k": 11, "25k_50k": 79, "ge100k": 20, "g4": 3, "total": 201}
    assert table.loc["total", "difference"] == -2 and table.loc["g4", "difference"] == 0
