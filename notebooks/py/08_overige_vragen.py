# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python (flitspeiling)
#     language: python
#     name: flitspeiling
# ---

# %% [markdown]
# # Bijlage C Overige vragen

# %% tags=["parameters"]
year = 2023
processed_dir = "../data/processed"
parts_dir = ""
small_threshold = 25000

# %%
from helpers.report.chapter import Chapter
from helpers.report.chapters import other_questions as overige_vragen

ch = Chapter(chapter="bijlage_c", year=year, processed_dir=processed_dir, parts_dir=parts_dir,
             small_threshold=small_threshold)
ch.notice()

# %%
# The standard table of every question this wave asked (alle, klein, each size class; the small-group rule applied):
# one sheet per question in the tabellenboek and rows vraag_<question> in cijfers.csv, whether a chapter shows it or not.
# Nothing is shown here: the tabellenboek's index lists each table with the part that shows its question.
standaardtabellen = overige_vragen.standard_tables(ch)
index = overige_vragen.register(ch, standaardtabellen)

# %%
# The questions no part of the report shows (report.yml: the items' question/requires and each part's `discusses`).
overige = ch.outline.other_questions(year)
ch.text(overige_vragen.intro(year, overige, small_threshold))

# %%
for vraag in overige:
    overige_vragen.show(ch, vraag, standaardtabellen[vraag])

# %%
ch.finish()
