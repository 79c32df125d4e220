"""Which tests are slow or need outputs of the pipeline, decided in one place (pytest markers, see pyproject.toml).

- ``build``: the test needs a built report (reports/<year>/), runs a notebook in a Jupyter kernel (papermill, the
  chapter runner, the factsheet kernels), runs make, or drives a browser. Minutes, not seconds.
- ``data``: the test reads the real processed data in data/processed/ (written by ``make data``).

``make unit`` runs ``pytest -m "not build and not data"``: every helper on small fixtures, with no report, no kernel
and no processed data (about a minute). ``make test`` runs everything after building what it needs.

The lists below name whole modules, or single tests of a module by function name (parametrized cases included). A
listed name its module no longer defines stops the run, so a renamed test cannot silently move into the unit run.
tests/test_markers.py checks that a test which runs a notebook is listed as ``build``.
"""

from __future__ import annotations

import pytest

ALL = "*"  # the whole module

# module -> the tests that need a build (ALL: every test of the module)
BUILD: dict[str, str | set[str]] = {
    "test_accessibility": ALL,  # headless Chromium on reports/<year>/*.html
    "test_cijfers_published": ALL,  # reports/2023/cijfers.csv
    "test_reproducible_build": ALL,  # two full builds of the 2023 report
    "test_make_incremental": ALL,  # make -n in a copy of the tree
    "test_lab": ALL,  # make lab: JupyterLab and a kernel (the module marks itself as well)
    "test_chapter3": ALL,  # chapter notebooks under papermill
    "test_chapter4": ALL,
    "test_chapter_trends": ALL,
    "test_chapter5": {"test_key_figures_equal_the_coding", "test_quotes_are_literal_reproducible_and_free_of_personal_data"},
    "test_bijlage_a": {"test_the_list_has_every_identified_municipality_once", "test_counts_and_reasons_are_stated",
                       "test_no_personal_data_or_answers"},
    "test_summary": {"test_notebook_on_fake_manifests"},
    "test_consistency": {"test_every_built_wave_is_consistent"},  # the claims of build/<year>/parts
    "test_cleaning": {"test_notebook_runs_on_the_fixture_exports"},
    "test_bad_input": {"test_notebook_stops_with_the_located_message"},
    "test_report_api": {"test_chapter_runs_and_writes_its_parts"},
    "test_run_chapter": {"test_parameters_injected_visible_and_helpers_recorded",
                         "test_failing_notebook_is_kept_as_failed_and_exits_nonzero",
                         "test_cleaning_run_has_its_own_target_no_parts_and_a_page"},
    "test_warm": {"test_a_notebook_cannot_touch_the_next_one",
                  "test_without_the_warm_server_the_kernel_is_started_as_usual",
                  "test_the_runner_runs_as_a_child_of_the_server_and_reports_as_itself"},
    "test_new_wave": {"test_cleaning_notebook_runs_for_2024", "test_the_2024_report_is_published",
                      "test_questions_not_asked_in_2024_are_noted_not_errors"},
    "test_questionnaire_changes": {  # the 2024 report and a factsheet of the changed wave, run in kernels
        "test_a_new_item_is_shown_marked_and_not_compared", "test_a_new_option_is_shown_marked_and_left_out_of_the_earlier_wave",
        "test_a_dropped_item_is_left_out_with_a_note_and_2023_is_unchanged", "test_a_relabelled_answer_shows_this_waves_label",
        "test_a_question_asked_for_the_first_time_has_no_year_on_year_claim",
        "test_a_question_no_longer_asked_gets_the_one_line_note", "test_trends_panel_and_weighting_use_what_both_waves_asked",
        "test_the_factsheet_shows_what_2024_asked", "test_a_failing_chapter_names_chapter_section_item_and_cause"},
    "test_disclosure": {"test_the_published_fact_on_municipalities_under_10000_is_reproduced_and_flagged",
                        "test_no_output_lists_a_municipality_with_its_answers"},  # reports/2023
    "test_datapackage": {"test_the_published_package_validates_with_its_data"},  # reports/2023 and data/processed
    "test_changes": {"test_change_report_and_landing_page_pass_axe", "test_make_diff_end_to_end"},  # Chromium, make
    "test_privacy_scan": {"test_real_outputs_hold_no_personal_data", "test_real_scan_covers_every_output"},
    "test_other_questions": {"test_every_asked_question_of_2023_has_a_sheet_and_cijfers_rows"},  # reports/2023
    "test_reader_text": {"test_reader_text_has_no_internal_names", "test_reader_text_follows_the_written_style",
                         "test_reader_text_is_spelled_right", "test_no_quote_twice_in_a_part"},  # reports/<year>
    "test_factsheets": {  # factsheets built in Jupyter kernels (the `builds` fixture), one in Chromium
        "test_lia_history_says_which_waves_were_missed", "test_index_lists_every_built_factsheet",
        "test_confidential_marking_in_html_and_pdf", "test_synthetic_notice_and_accessibility",
        "test_no_other_participant_is_named", "test_deterministic", "test_factsheet_pages_pass_the_accessibility_check",
        "test_failed_build_leaves_the_previous_factsheets", "test_built_factsheets_hold_no_personal_data"},
}

# module -> the tests that read data/processed (ALL: every test of the module)
DATA: dict[str, str | set[str]] = {
    "test_factsheets": ALL,
    "test_published_reproduced": ALL,
    "test_coding": {"test_frames_on_the_processed_2023_texts", "test_function_counts_2023"},
    "test_weighting": {"test_the_2023_weighted_table_and_the_cli"},
    "test_chapter_text": {"test_published_changes_the_test_does_not_support_are_documented"},
    "test_provenance": {"test_the_2023_stand_in_is_synthetic"},
    "test_chapter5": {"test_counts_are_deterministic"},
    "test_trends": {"test_size_class_counts_equal_group_share_for_every_indicator_and_wave"},
    "test_datapackage": {"test_every_processed_column_is_described", "test_the_published_package_validates_with_its_data"},
}

MARKERS = {"build": BUILD, "data": DATA}


def _listed(table: dict[str, str | set[str]], module: str, name: str) -> bool:
    entry = table.get(module)
    return entry == ALL or (entry is not None and name in entry)


def stale_entries(modules: dict) -> list[str]:
    """The listed tests their module (name -> imported module) no longer defines, as "module::test (marker)"."""
    return [f"{module}::{name} ({marker})" for marker, table in MARKERS.items() for module, names in table.items()
            if module in modules and names != ALL for name in sorted(names) if not hasattr(modules[module], name)]


def pytest_collection_modifyitems(config, items):
    modules = {}
    for item in items:
        module = item.path.stem
        modules[module] = item.module
        name = getattr(item, "originalname", item.name)  # parametrized cases share the function's name
        for marker, table in MARKERS.items():
            if _listed(table, module, name):
                item.add_marker(getattr(pytest.mark, marker))
    # Checked against the module's functions, not the collected items, so that `-k` or a node id selects freely.
    stale = stale_entries(modules)
    if stale:
        raise pytest.UsageError("tests/conftest.py lists tests that no longer exist (renamed or removed?): "
                                + ", ".join(stale))
