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
# # 1 Achtergrond

# %% tags=["parameters"]
year = 2023
processed_dir = "../data/processed"
parts_dir = ""
small_threshold = 25000

# %%
from helpers.analysis import coding, tables
from helpers.core import formatting as fmt
from helpers.report import figures
from helpers.report import text as tekst
from helpers.report.chapter import Chapter
from helpers.report.chapters import background as h1

ch = Chapter(chapter=1, year=year, processed_dir=processed_dir, parts_dir=parts_dir, small_threshold=small_threshold)
ch.notice()

# %%
functie_gevraagd = ch.asks("respondent_function")
ch.text(
    "In dit hoofdstuk bespreken we wie de VN-flitspeiling heeft ingevuld. We kijken naar het aantal gemeenten dat "
    "dit jaar heeft meegedaan en vergelijken dat aantal met vorige jaren. Ook bespreken we in hoeverre de grootte van "
    "de deelnemende gemeenten representatief is voor Nederlandse gemeenten."
    + (" Ten slotte kijken we naar de functie van de personen die de flitspeiling hebben ingevuld." if functie_gevraagd
       else "")
)

# %% [markdown]
# ## 1.1 Respons

# %%
deelname = ch.participation()
nu = deelname.set_index("wave").loc[year]
n_deelnemers = ch.number("deelnemers", int(nu["count"]))
n_nederland = ch.number("gemeenten_nederland", int(nu["frame"]))
respons = ch.number("responspercentage", float(nu["pct"]), text=fmt.pct(nu["pct"]), deelnemers=n_deelnemers,
                    gemeenten=n_nederland)
vorig, voorvorig = h1.previous_participation(deelname, year)

if vorig is None:
    ch.text(f"In {year} is de eerste flitspeiling gehouden. Daaraan hebben {fmt.municipalities(n_deelnemers)} deelgenomen.")
else:
    ch.number("deelnemers_vorige_meting", int(vorig["count"]), jaar=int(vorig["wave"]))
    meer = fmt.direction(n_deelnemers, vorig["count"])  # counts of municipalities, not sample shares: no test
    ch.text(
        f"Dit jaar is de flitspeiling door {meer} gemeenten ingevuld {h1.than_or_as(meer)} in {vorig['wave']}. "
        f"In totaal hebben {fmt.municipalities(n_deelnemers)} deelgenomen. Dat is "
        f"{fmt.change_phrase(n_deelnemers, vorig['count'])} in vergelijking met {vorig['wave']}, toen "
        f"{fmt.municipalities(vorig['count'])} aan de peiling deelnamen."
        + ("" if voorvorig is None else f" In {vorig['wave']} zagen we "
           f"{fmt.change_phrase(vorig['count'], voorvorig['count'])} vergeleken met {voorvorig['wave']}.")
    )

niet_meegeteld = int(ch.quality["counts"].get("excluded_no_first_content", 0))
if niet_meegeteld:
    ch.note(
        "Gemeenten die wel een start hebben gemaakt met het invullen van de peiling, maar de eerste vraag over de "
        "implementatie van het VN-verdrag niet hebben beantwoord, zijn niet meegeteld. Dit betreft "
        f"{tekst.counted(niet_meegeteld, 'gemeente', 'gemeenten')}."
    )

# %%
respons_cijfers = tables.participation_long(deelname)
ch.figure(
    "respons",
    figures.counts_per_year(respons_cijfers, highlight=str(year), hatched=h1.published_waves(deelname)),
    data=respons_cijfers,
    alt="Staafdiagram van het aantal deelnemende gemeenten per jaar: "
        + "; ".join(f"{row.item}: {fmt.number(row.count)}" for row in respons_cijfers.itertuples()) + ".",
    question="Aantal gemeenten dat de flitspeiling heeft ingevuld (met een antwoord op de eerste inhoudelijke vraag)",
    base=n_deelnemers,
    who=f"deelnemende gemeenten in {year}; de andere jaren: de deelnemers van dat jaar",
    note=h1.response_figure_note(deelname),
    table_columns={"item_label": "Jaar", "count": "Deelnemende gemeenten", "n": "Gemeenten in Nederland",
                   "pct": "Respons"},
)

# %%
ch.text(
    f"{fmt.capitalize(fmt.fraction_phrase(respons))} van de {fmt.number(n_nederland)} Nederlandse gemeenten "
    f"({fmt.pct(respons)}) doet mee aan de flitspeiling."
    + (" We kunnen daarom spreken van een goede respons." if h1.is_good_response(respons) else "")
)

# %%
grootte = tables.size_counts(ch.responses).set_index("size_class")["count"]
g4_mee, _ = tables.g4_participants(ch.responses)
n_100k = ch.number("deelnemers_100k_of_meer", int(grootte["ge100k"]))
n_10k = ch.number("deelnemers_minder_dan_10k", int(grootte["lt10k"]))
meeste, n_meeste, bekend = h1.largest_size_class(grootte)
ch.number("g4_deelnemers", len(g4_mee), text=fmt.join(g4_mee) or "geen")
ch.number("grootste_klasse", n_meeste, size_class=meeste, pct=fmt.rounded_pct(fmt.share(n_meeste, bekend)))
ch.text(
    f"{h1.g4_sentence(g4_mee)} {h1.large_municipalities_sentence(n_100k, g4_mee)} "
    f"{h1.small_municipalities_sentence(n_10k)} De meeste gemeenten die hebben deelgenomen hebben "
    f"{tables.SIZE_TEXT[meeste]}. Dit betreft {n_meeste} deelnemende gemeenten, "
    f"{fmt.pct(fmt.share(n_meeste, bekend))} van de deelnemers met een bekend inwonertal. Als we het percentage "
    "deelnemers vergelijken met het percentage van alle Nederlandse gemeenten met hetzelfde aantal inwoners, ontstaat "
    "het volgende beeld:"
)

# %%
representatief = tables.representativeness(ch.responses, year)
verschillen = tables.representation_gaps(representatief)
peildatum = ch.wave.size_reference_date
ch.figure(
    "representativiteit",
    figures.grouped_bars(representatief, label="item_label", series="group_label"),
    data=representatief,
    alt="Staafdiagram met per grootteklasse (aantal inwoners) het percentage deelnemende gemeenten naast het "
        f"percentage van alle Nederlandse gemeenten: {h1.gaps_listing(verschillen)}.",
    question="Aantal inwoners van de deelnemende gemeenten en van alle Nederlandse gemeenten, per grootteklasse",
    who="met een bekend inwonertal",
    note=h1.population_source_note(representatief.attrs, peildatum, year,
                                   tables.unknown_size_reasons(ch.responses, ch.quality)),
    table_columns={"item_label": "Aantal inwoners", "group_label": "Groep", "count": "Aantal", "n": "Totaal (n)",
                   "pct": "Percentage"},
)

# %%
afwijkingen = h1.representation_deviations(verschillen)
grootste = ch.number("representativiteit_grootste_verschil", h1.largest_gap(verschillen),
                     text=f"{h1.largest_gap(verschillen)} procentpunt")
ch.text(
    (f"We zien hier {fmt.join(afwijkingen)} in de flitspeiling." if afwijkingen else
     "De verdeling van de deelnemers naar aantal inwoners komt vrijwel overeen met die van alle gemeenten.")
    + (" In het algemeen schetst de flitspeiling een representatief beeld van de Nederlandse gemeenten in relatie tot "
       "het aantal inwoners." if h1.is_representative(grootste) else
       " Bij de uitkomsten voor alle gemeenten samen is het goed hiermee rekening te houden.")
)

# %%
zinnen = h1.published_comparison(year, deelname, grootte, peildatum, listing=tables.published_list_summary(year),
                                 reported=tables.published_size_counts(year))
zinnen += h1.unlinked_participants(ch.responses, ch.quality, n_deelnemers)
ch.note("**Verschillen met de gepubliceerde cijfers.** " + " ".join(zinnen))

# %% [markdown]
# ## 1.2 Functie van respondenten

# %%
if not functie_gevraagd:
    ch.not_asked("respondent_function")
else:
    kader = coding.load_frame("functie")  # data/codebook/coding/functie.yml (mode: first_match)
    teksten = coding.frame_texts(ch.answers, kader)
    gecodeerd = coding.code_texts(teksten, kader, coding.MANUAL_FILE)
    hoofdgroepen = coding.theme_counts(gecodeerd, teksten, kader, level="group", sort=False).set_index("theme")
    categorieen = coding.theme_counts(gecodeerd, teksten, kader, sort=False).set_index("theme")
    n_functie = ch.number("functie_beantwoord", int(hoofdgroepen["n"].iloc[0]))
    beleid = hoofdgroepen.loc["beleid"]
    ch.number("functie_beleid", int(beleid["count"]), text=fmt.pct(beleid["pct"]), n=n_functie)
    for code, row in categorieen.iterrows():
        ch.number(f"functie_{code}", int(row["count"]), n=n_functie)
    eerste_keer = ch.cb.waves_asking("respondent_function")[0] == year
    ch.text(" ".join([
        f"{'Dit jaar hebben we voor het eerst' if eerste_keer else 'Ook dit jaar hebben we'} gevraagd naar de functie "
        f"van de persoon die de peiling namens de gemeente heeft ingevuld. Van de {n_deelnemers} gemeenten "
        f"hebben er {fmt.number(n_functie)} ({fmt.pct(fmt.share(n_functie, n_deelnemers))}) deze vraag beantwoord.",
        *h1.function_sentences(hoofdgroepen, categorieen, kader.shorts),
    ]))
    ch.text("\n".join(f"- {row.label}: {row.count} ({fmt.pct(row.pct)})" for row in categorieen.itertuples()))
    ch.note(f"Indeling van de open antwoorden met het codeerschema ‘{kader.title}’ (trefwoorden per functie); basis: "
            f"n = {n_functie} gemeenten die hun functie invulden. Alleen aantallen, geen antwoorden of namen.")

# %%
ch.finish()
