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

# %% [markdown] tags=["remove_cell"]
# **Factsheet ‘Waar staat mijn gemeente?’** (vertrouwelijk, per deelnemende gemeente).
#
# Zet hieronder `municipality` op een CBS-code (`GM0512`) of een naam van een deelnemer en voer het notebook uit. `make factsheets` maakt de factsheets van alle deelnemers (HTML en PDF in `reports/<jaar>/factsheets/`, nooit openbaar). Alle logica staat in `helpers.factsheets`.

# %% tags=["parameters"]
year = 2023
municipality = "GM0512"
processed_dir = "../data/processed"

# %%
from helpers.factsheets import Factsheet

fs = Factsheet(year, municipality, processed_dir)
fs.header()
fs.notice()
fs.summary()
fs.facts()

# %% [markdown]
# ## Uw antwoorden naast die van vergelijkbare gemeenten
#
# Per vraag uit de flitspeiling staat hieronder het antwoord van uw gemeente, met daarnaast het percentage gemeenten dat hetzelfde antwoordde: in uw grootteklasse en onder alle deelnemers. De vragen staan in de volgorde van de vragenlijst.

# %%
fs.answers_tables()
fs.answers_note()

# %% [markdown]
# ## Fase van de Lokale Inclusie Agenda door de jaren heen
#
# In elke flitspeiling is gevraagd in welke fase de gemeente zich bevindt met de Lokale Inclusie Agenda (LIA).

# %%
fs.history_section()

# %% [markdown]
# ## Over deze factsheet

# %%
fs.method()
