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
# # Bijlage A Overzicht deelnemende gemeenten

# %% tags=["parameters"]
year = 2023
processed_dir = "../data/processed"
parts_dir = ""
small_threshold = 25000

# %%
from IPython.display import HTML, display

from helpers.analysis import tables
from helpers.core import formatting as fmt
from helpers.data.municipalities import load_frame
from helpers.report import summary as sm
from helpers.report import text as tekst
from helpers.report.chapter import Chapter

ch = Chapter(chapter="bijlage_a", year=year, processed_dir=processed_dir, parts_dir=parts_dir,
             small_threshold=small_threshold)
ch.notice()

# %%
# Only participation: which municipalities took part, never what they answered.
responses, quality = ch.responses, ch.quality
namen_per_code = None
if (responses["municipality_code"].isna() & responses["joint_group"].notna()).any():  # joint_answers: once
    gemeentelijst = load_frame(year)
    namen_per_code = dict(zip(gemeentelijst["code"], gemeentelijst["name"], strict=True))
regels = sm.participant_lines(responses, quality, names_by_code=namen_per_code)
niet_toegewezen = sm.unidentified(responses, quality)
n_deelnemers = len(responses)
n_gemeenten = int(regels["names"].map(len).sum())
n_gezamenlijk = int(regels["joint"].sum())
uitgesloten = int(quality["counts"].get("excluded_no_first_content", 0))
peildatum = (quality.get("parameters") or {}).get("frame_date") or str(ch.wave.frame_date)

zinnen = [f"Aan de flitspeiling {year} hebben {fmt.municipalities(n_deelnemers)} deelgenomen."]
if uitgesloten:
    zinnen.append(
        "Hierbij zijn gemeenten die wel een start hebben gemaakt met het invullen van de peiling, maar de eerste "
        "inhoudelijke vraag over de implementatie van het VN-verdrag Handicap niet hebben beantwoord, niet meegenomen. "
        f"Dit betreft {tekst.counted(uitgesloten, 'gemeente', 'gemeenten')}.")
ch.text(" ".join(zinnen))
zinnen = []
if niet_toegewezen or n_gezamenlijk:
    zinnen.append(f"Hieronder staan, in alfabetische volgorde, de {fmt.municipalities(n_gemeenten)} waarvan de naam "
                  "bekend is.")
else:
    zinnen.append("Hieronder staan ze in alfabetische volgorde.")
if n_gezamenlijk:
    zinnen.append(
        f"{fmt.capitalize(fmt.words(n_gezamenlijk))} inzendingen gelden voor meer gemeenten samen; zo’n gezamenlijke "
        "inzending staat op één regel en telt voor elke gemeente die erin genoemd wordt." if n_gezamenlijk > 1 else
        "Eén inzending geldt voor meer gemeenten samen; die gezamenlijke inzending staat op één regel en telt voor "
        "elke gemeente die erin genoemd wordt.")
zin = sm.unidentified_sentence(niet_toegewezen, peildatum)
if zin:
    zinnen.append(zin)
ch.text(" ".join(zinnen))

# %%
display(HTML(sm.participants_html(regels)))

# %%
noot = f"Namen zoals in de gemeentelijst van het CBS op {fmt.date(peildatum)}."
gepubliceerd = tables.published_list(year)
if gepubliceerd is None:
    namen = [naam for rij in regels["names"] for naam in rij]
    anders = sorted({(tables.display_name(naam), naam) for naam in namen if tables.display_name(naam) != naam})
    if anders:
        noot += (" Het rapport van 2023 schrijft " + fmt.join(f"‘{rapport}’ voor {cbs}" for rapport, cbs in anders)
                 + ".")
    ch.note(noot)
else:
    vergelijking = sm.compare_with_published(regels, gepubliceerd, year)
    ch.note(noot + " " + sm.published_note(vergelijking, year, niet_toegewezen))

# %%
ch.finish()
