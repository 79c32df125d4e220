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
# # Samenvatting en conclusie

# %% tags=["parameters"]
year = 2023
processed_dir = "../data/processed"
parts_dir = ""
small_threshold = 25000
parts_root = ""

# %%
from helpers.report import summary as sm
from helpers.report.chapter import Chapter

ch = Chapter(chapter="samenvatting", year=year, processed_dir=processed_dir, parts_dir=parts_dir,
             small_threshold=small_threshold)
ch.notice()

# The key figures of chapters 1-5 (build/<year>/parts/<notebook>/manifest.json): they run before this notebook.
kerncijfers = sm.load_key_figures(year, sm.default_parts_root(year, parts_root, parts_dir))
ch1, ch2, ch3, ch4 = (kerncijfers.of(slug) for slug in ("achtergrond", "reikwijdte_fase", "inhoud", "ondersteuning"))
if kerncijfers.absent:
    ch.note(sm.absent_note(kerncijfers.absent))

# %%
# Respons
ch.text(sm.paragraph(
    sm.inleiding(year, sorted(ch.cb.waves)),
    sm.respons(ch1, year),
    sm.verkennend_vergelijking(ch2, year),
))

# %%
# Fase van de Lokale Inclusie Agenda (2018-2020: het plan van aanpak)
plan_van_aanpak = ch.asks("lia_phase") and "plan van aanpak" in ch.wave_wording("lia_phase")[0]
alinea = sm.paragraph(sm.lia(ch2, year, plan_van_aanpak))
if alinea:
    ch.text(alinea)

# %%
# Breedte van het inclusiebeleid en de domeinen
alinea = sm.paragraph(sm.breedte(ch2, year), sm.domeinen(ch3, small_threshold))
if alinea:
    ch.text(alinea)

# %%
# Samenwerking met inwoners met een beperking en met maatschappelijke partijen
alinea = sm.paragraph(sm.partners(ch3))
if alinea:
    ch.text(alinea)

# %%
# Knelpunten
rangorde = sm.ranked_items(kerncijfers.parts["inhoud"], "knelpunten") if "inhoud" in kerncijfers.parts else None
alinea = sm.paragraph(sm.knelpunten(ch3, year, previous=ch.previous_wave("obstacles"),
                                    most_named=sm.capaciteit_meest_genoemd(ch3, rangorde),
                                    small_threshold=small_threshold))
if alinea:
    ch.text(alinea)

# %%
# Ondersteuningsbehoefte, en de interpretatie van het rapport alleen als de cijfers die kant op wijzen
alinea = sm.paragraph(sm.ondersteuning(ch4, year, previous=ch.previous_wave("support_content")),
                      sm.beginnende_gemeenten(ch1, ch2, ch4, year))
if alinea:
    ch.text(alinea)

# %%
# Where the comparison with the previous wave and the trend over all waves differ: name both (the chapters' claims)
verschillen, beweringen = sm.trend_and_year(kerncijfers.claims, year)
beweringen += sm.year_claims(ch2, ch4, year, previous=ch.previous_wave("support_content"))  # its own comparisons
for bewering in beweringen:
    ch.claim(bewering)
if verschillen:
    ch.text(sm.paragraph(verschillen))

# %%
ch.finish()
