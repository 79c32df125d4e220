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
# # 5 Aanvullingen door de gemeenten

# %% tags=["parameters"]
year = 2023
processed_dir = "../data/processed"
parts_dir = ""
small_threshold = 25000

# %%
from helpers.analysis import coding
from helpers.core import formatting as fmt
from helpers.report import text as tekst
from helpers.report.chapter import Chapter
from helpers.report.chapters import additions

ch = Chapter(chapter=5, year=year, processed_dir=processed_dir, parts_dir=parts_dir, small_threshold=small_threshold)
ch.notice()

# %% [markdown]
# Aan het einde van de peiling is gemeenten gevraagd wat ze nog willen meegeven. Een aantal punten lichten we hieronder
# uit.

# %%
KADER = coding.load_frame("aanvullingen")  # data/codebook/coding/aanvullingen.yml
HANDMATIG = coding.FRAME_DIR / "manual_codings_aanvullingen.yml"
GEEN = "geen_aanvulling"  # "Geen aanvullingen.", "n.v.t.": not an addition, left out of the base
THEMAS = [t for t in KADER.themes if t.code not in (GEEN, KADER.fallback)]  # the report's themes, in its order

gesteld = ch.asks("additions")
if not gesteld:
    ch.not_asked("additions")
    ch.number("aanvullingen_n", None, text="niet gevraagd", question="additions")
    ch.number("aanvullingen_themas", None, text="niet gevraagd", question="additions")
else:
    _, antwoorden = ch.data()
    teksten = coding.frame_texts(antwoorden, KADER)
    gecodeerd = coding.code_texts(teksten, KADER, manual=HANDMATIG)
    geschreven = int(teksten["response_id"].nunique())
    alleen_niets = geschreven - int(gecodeerd.loc[gecodeerd["theme"] != GEEN, "response_id"].nunique())
    aanvullingen = gecodeerd[gecodeerd["theme"] != GEEN]
    basis = sorted(set(aanvullingen["response_id"]))
    n = len(basis)
    telling = coding.theme_counts(aanvullingen, basis, KADER).set_index("theme")
    deelnemers = len(ch.responses)
    ch.number("aanvullingen_n", n, text=fmt.number(n), question="additions", deelnemers=deelnemers,
              geschreven=geschreven, alleen_niets_toe_te_voegen=alleen_niets)
    getoonde_themas = [*THEMAS, KADER.theme(KADER.fallback)]
    ch.number("aanvullingen_themas", {t.label: int(telling.at[t.code, "count"]) for t in getoonde_themas},
              text="; ".join(f"{t.label}: {fmt.number(telling.at[t.code, 'count'])}" for t in getoonde_themas),
              question="additions", n=n, codes={t.code: t.label for t in getoonde_themas})

# %%
if gesteld:
    zinnen = [f"Van de {fmt.number(deelnemers)} deelnemende gemeenten {'vulde' if geschreven == 1 else 'vulden'} "
              f"er {fmt.words(geschreven)} ({fmt.pct(fmt.share(geschreven, deelnemers))}) hier iets in."]
    if alleen_niets:
        zinnen.append(f"{tekst.counted_municipalities(alleen_niets, start=True)} daarvan "
                      f"{'schreef' if alleen_niets == 1 else 'schreven'} alleen dat er niets toe te voegen is; "
                      f"{'die telt' if alleen_niets == 1 else 'die tellen'} hieronder niet mee.")
    if n:
        zinnen.append(f"De aanvullingen van {'de andere' if alleen_niets else 'deze'} "
                      f"{tekst.counted_municipalities(n)} hebben we ingedeeld in thema's. "
                      "Een aanvulling kan over meer dan één thema gaan.")
    ch.text(" ".join(zinnen))
    if n:
        per_thema = telling.loc[[t.code for t in getoonde_themas], ["count", "pct"]].reset_index(drop=True)
        per_thema.insert(0, "Thema", [t.label for t in getoonde_themas])
        ch.text_table(per_thema.rename(columns={"count": "Aantal gemeenten", "pct": "% van de gemeenten met een aanvulling"}),
                      caption="Aanvullingen per thema",
                      note=f"Basis: n = {fmt.number(n)} gemeenten met een aanvulling.")

# %%
if gesteld and n:
    getoond = []
    zonder = []
    for thema in THEMAS:
        aantal = int(telling.at[thema.code, "count"])
        if not aantal:
            zonder.append(thema.label)
            continue
        citaten = tekst.theme_quotes(gecodeerd, thema.code, additions.quotes_for(aantal),
                                     seed_key=f"{year}/aanvullingen/{thema.code}",
                                     exclude=[coding.text_hash(t) for t in getoond])
        getoond += citaten
        blok = [f"## {thema.label}",
                f"{tekst.counted_municipalities(aantal, start=True)} ({fmt.pct(telling.at[thema.code, 'pct'])}) "
                f"{thema.description}."]
        blok += [coding.blockquote(citaat) for citaat in citaten]
        ch.text("\n\n".join(blok))
    slot = []
    if zonder:
        slot.append(f"Over {fmt.join(f'‘{label}’' for label in zonder)} schreef in {year} geen enkele gemeente iets.")
    overig = int(telling.at[KADER.fallback, "count"])
    if overig:
        slot.append(f"{tekst.counted_municipalities(overig, start=True)} "
                    f"{additions.in_past_tense(KADER.theme(KADER.fallback).description, overig)}.")
    if slot:
        ch.text(" ".join(slot))
    handmatig = int(gecodeerd.loc[gecodeerd["source"] == "manual", "text_hash"].nunique())
    ch.note("Citaten zijn letterlijk overgenomen uit de antwoorden"
            + (" (hier: de synthetische vervanging van de peiling)" if ch.synthetic else "")
            + "; persoonsgegevens zijn verwijderd en antwoorden waarin iets is weggelaten (zoals een e-mailadres) worden "
            "niet geciteerd. De citaten zijn reproduceerbaar gekozen. De thema's volgen een codeerschema met trefwoorden"
            + (f"; {tekst.counted(handmatig, 'antwoord is', 'antwoorden zijn')} met de hand gecodeerd." if handmatig else "."))
    if gecodeerd.attrs.get("unused_manual"):
        ch.note("Handmatige coderingen zonder bijbehorend antwoord: " + ", ".join(gecodeerd.attrs["unused_manual"]) + ".")
elif gesteld:
    ch.text(f"In {year} schreef geen enkele gemeente een aanvulling.")

# %%
ch.finish()
