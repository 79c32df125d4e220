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
# # Bijlage D Leeswijzer en methoden

# %% tags=["parameters"]
year = 2023
processed_dir = "../data/processed"
parts_dir = ""
small_threshold = 25000

# %%
from helpers.report.chapter import Chapter
from helpers.report.chapters import guide

ch = Chapter(chapter="leeswijzer", year=year, processed_dir=processed_dir, parts_dir=parts_dir,
             small_threshold=small_threshold)
ch.notice()
ch.text(guide.INTRO)

# %% [markdown]
# ## Verschillen met een eerdere meting

# %%
ch.text(guide.DIFFERENCES)

# %% [markdown]
# ## Marges: het betrouwbaarheidsinterval

# %%
# The same share with both intervals the report uses (weighted table, trend figure), from this wave's data
marges = guide.intervals(ch.responses, ch.answers, year, cb=ch.cb)
tabel = ch.ref("gewogen_h2") if ch.shows("gewogen_h2") else None
figuur = ch.ref("trend_fase_figuur") if ch.shows("trend_fase_figuur") else None
ch.text(guide.intervals_paragraph(marges, tabel, figuur))

# %% [markdown]
# ## Het trendmodel

# %%
ch.text(guide.TREND)

# %% [markdown]
# ## Het panel: dezelfde gemeenten in twee peilingen

# %%
ch.text(guide.PANEL)

# %% [markdown]
# ## Weging

# %%
ch.text(guide.WEIGHTING)

# %% [markdown]
# ## Kleine groepen

# %%
ch.text(guide.SMALL_GROUPS)
ch.finish()
