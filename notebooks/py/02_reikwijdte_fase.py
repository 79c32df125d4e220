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
# # 2 Reikwijdte en fase lokaal inclusiebeleid

# %% tags=["parameters"]
year = 2023
processed_dir = "../data/processed"
parts_dir = ""
small_threshold = 25000

# %%
from helpers.analysis import panel, tables, trends
from helpers.core import formatting as fmt
from helpers.report import figures, sections
from helpers.report import text as tekst
from helpers.report.chapter import Chapter
from helpers.report.chapters import scope as h2
from helpers.report.chapters.background import singular_or_plural, than_or_as

ch = Chapter(chapter=2, year=year, processed_dir=processed_dir, parts_dir=parts_dir, small_threshold=small_threshold)
ch.notice()

# %% [markdown]
# In dit hoofdstuk schetsen we het inclusiebeleid van de deelnemende gemeenten zoals dat uit de flitspeiling naar
# voren komt. We kijken naar de groepen inwoners op wie het beleid zich richt en welke trends hierbij zichtbaar worden.
# Vervolgens bespreken we in welke fase van een Lokale Inclusie Agenda (LIA) gemeenten zich bevinden. Hierbij
# beschrijven we ook de samenhang met het aantal inwoners in een gemeente.

# %% [markdown]
# ## 2.1 Breedte inclusiebeleid

# %%
breedte_gesteld = ch.shows("breedte")
if not breedte_gesteld:
    ch.not_asked("policy_breadth", item="breedte")
else:
    _, omschrijvingen = ch.wave_wording("policy_breadth")
    ch.text(
        "Gemeenten kunnen hun inclusiebeleid op verschillende manieren vorm geven en hierbij verschillende prioriteiten "
        "stellen. In de flitspeiling werd gevraagd welke van de volgende omschrijvingen het meest van toepassing is op "
        "hun beleid:\n\n"
        + "\n".join(f"- {label}" for code, label in omschrijvingen.items() if code != "anders")
    )

# %%
if breedte_gesteld:
    breedte = ch.distribution("policy_breadth")
    aandeel = breedte.set_index("answer")["pct"]
    aantal = breedte.set_index("answer")["count"]
    breed = ch.percentage("breed_inclusiebeleid", aandeel["breed_inclusiebeleid"], question="policy_breadth",
                          answer="breed_inclusiebeleid", n=int(breedte["n"].iloc[0]))
    alle_beperkingen = ch.percentage("alle_beperkingen", aandeel["alle_beperkingen"])
    fysiek = ch.percentage("fysiek_zintuiglijk", aandeel["fysiek_zintuiglijk"], count=int(aantal["fysiek_zintuiglijk"]))
    anders = ch.percentage("breedte_anders", aandeel["anders"])
    reeks = ch.trend("policy_breadth", "breed_inclusiebeleid")
    vorig = h2.last_before(reeks, year)
    ch.text(
        f"{'Net als afgelopen jaar geeft ' if h2.majority_again(breed, vorig) else 'In deze peiling geeft '}"
        f"{h2.majority_of_municipalities(breed)}, namelijk {fmt.pct(breed)}, aan dat de uitvoering van het VN-verdrag "
        f"Handicap deel uitmaakt van een breed inclusiebeleid. Bij {fmt.fraction_phrase(alle_beperkingen)} "
        f"({fmt.pct(alle_beperkingen)}) is het beleid gericht op alle inwoners met een beperking, zonder onderscheid te "
        f"maken in de aard van de beperking. {'Slechts' if h2.is_few(fysiek) else 'Verder richt'} {fmt.pct(fysiek)}, "
        f"oftewel {tekst.counted_municipalities(aantal['fysiek_zintuiglijk'])}, "
        f"{'richt zich' if h2.is_few(fysiek) else 'zich'} primair op inwoners met een fysieke of "
        f"zintuiglijke beperking. De rest, {fmt.pct(anders)}, geeft aan ‘anders’. Dit zien we in {ch.ref('breedte')}:"
    )
    ch.figure(
        "breedte",
        figures.bar_shares(breedte),
        data=breedte,
        alt="Staafdiagram van de breedte van het inclusiebeleid: "
            + "; ".join(f"{row.answer_label}: {fmt.pct(row.pct)}" for row in breedte.itertuples()) + ".",
    )

# %%
if breedte_gesteld and vorig is not None:
    breed_nu = breedte.set_index("answer").loc["breed_inclusiebeleid"]
    richting = ch.more_or_fewer("breed_inclusiebeleid", "gemeenten met een breed inclusiebeleid", breed_nu, vorig,
                            vorig["wave"])  # the test on counts, registered as a claim
    for row in reeks[reeks["wave"] < year].itertuples():
        ch.number(f"breed_inclusiebeleid_{row.wave}", row.pct, text=fmt.pct(row.pct), bron=row.source,
                  toets=tekst.compare(breed_nu, {"count": row.count, "n": row.n}) if row.wave == vorig["wave"] else None)
    ch.text(" ".join([
        f"Kijkend naar de trend uit de afgelopen jaren, zien we dat dit jaar {richting} gemeenten een breed "
        f"inclusiebeleid voeren {than_or_as(richting)} in {vorig['wave']} ({fmt.pct(vorig['pct'])}).",
        *h2.breadth_history_sentences(reeks, year, vorig, breed),
    ]))
    ch.note(tekst.SIGNIFICANCE_NOTE)
    if afwijking := h2.published_mismatch_note(reeks):
        ch.note(afwijking)
if breedte_gesteld:
    toelichtingen = ch.n_comments("policy_breadth")
    if toelichtingen:
        ch.text(f"{tekst.municipalities_did(toelichtingen, 'gaf', 'gaven')}"
                " een toelichting bij hun antwoord.")

# %% [markdown]
# ## 2.2 Stand van zaken Lokale Inclusie Agenda (LIA)
#
# Toen het VN-verdrag Handicap in Nederland werd aangenomen, is vastgelegd dat gemeenten een plan moeten maken over hoe
# zij uitvoering geven aan het verdrag: de Lokale Inclusie Agenda. Gemeenten zijn hiertoe dus verplicht. In de
# flitspeiling geven gemeenten aan in welke fase zij zich hierbij bevinden.

# %%
fase_gesteld = ch.shows("lia_fase")
if not fase_gesteld:
    ch.not_asked("lia_phase", item="lia_fase")
else:
    vraag, fasen = ch.wave_wording("lia_phase")
    ch.text(
        f"Naast de antwoordoptie ‘anders, namelijk’ onderscheiden we {fmt.words(len(fasen) - 1)} fasen:\n\n"
        + "\n".join(f"- {label}" for code, label in fasen.items() if code != "anders")
    )
    if vraag != ch.question_text("lia_phase"):
        ch.note(f"In {year} luidde de vraag: ‘{vraag}’ De antwoorden over het plan van aanpak zijn hier gelijkgesteld "
                "aan de fasen van de Lokale Inclusie Agenda.")

# %%
if fase_gesteld:
    vorige_meting = ch.previous_wave("lia_phase")
    fase = ch.distribution("lia_phase")
    eerder = {vorige_meting: ch.distribution("lia_phase", year=vorige_meting)} if vorige_meting is not None else {}
    fase_jaren = tables.waves_tidy({**eerder, year: fase})
    ch.text("Deze vraag wordt als volgt beantwoord, weergegeven in percentages van de respondenten:")
    ch.figure(
        "lia_fase",
        figures.bar_shares(fase) if vorige_meting is None else
        figures.grouped_bars(fase_jaren, series="group_label", series_order=[str(vorige_meting), str(year)]),
        data=fase_jaren,
        alt="Staafdiagram van de fase van de Lokale Inclusie Agenda"
            + (f" in {vorige_meting} en {year}: " if vorige_meting else f" in {year}: ")
            + "; ".join(f"{row.answer_label} {row.group}: {fmt.pct(row.pct)}" for row in fase_jaren.itertuples()) + ".",
    )

# %%
if fase_gesteld:
    p = fase.set_index("answer")["pct"]
    kort = fase.set_index("answer")["answer_label"]
    for code in p.index:
        ch.percentage(f"lia_{code}", p[code], question="lia_phase", answer=code, n=int(fase["n"].iloc[0]))
    groep = ch.group_share("lia_phase", "lia_in_ontwikkeling_of_uitvoering").iloc[0]
    lia_bezig = ch.percentage("lia_in_ontwikkeling_of_uitvoering", groep["pct"], question="lia_phase",
                              answer="lia_in_ontwikkeling_of_uitvoering", n=int(groep["n"]))
    meest = p.idxmax()
    ch.text(
        ("We zien dat de meest gekozen antwoordoptie de laatste fase is: " if meest == "uitgevoerd" else
         f"De meest gekozen antwoordoptie is ‘{kort[meest]}’ ({fmt.pct(p[meest])}); ")
        + f"{fmt.pct(p['uitgevoerd'])} van de gemeenten heeft een Lokale Inclusie Agenda in uitvoering. "
        f"Gecombineerd met de antwoordopties ‘{kort['gereed']}’ en ‘{kort['ontwikkelen']}’ komt het erop neer dat "
        f"{fmt.pct(lia_bezig)} van de gemeenten in deze peiling een LIA heeft of ermee bezig is deze te ontwikkelen. "
        "Daarbij zijn we ervan uitgegaan dat bij de gemeenten die ‘anders’ als antwoordoptie hebben gekozen geen LIA "
        "in uitvoering is."
    )

# %%
if fase_gesteld and vorige_meting is not None:
    toen_rijen = ch.distribution("lia_phase", year=vorige_meting).set_index("answer")
    nu_rijen = fase.set_index("answer")
    q = toen_rijen["pct"]
    uitvoering = ch.trend("lia_phase", "uitgevoerd")
    ch.text(" ".join([
        f"In vergelijking met {vorige_meting} zijn er nu "
        f"{ch.more_or_fewer('lia_verkennend', 'gemeenten in de verkennende fase', nu_rijen.loc['verkennend'], toen_rijen.loc['verkennend'], vorige_meting)} deelnemende gemeenten in "
        f"de eerste, verkennende fase (nu {fmt.pct(p['verkennend'])}, in {vorige_meting} {fmt.pct(q['verkennend'])}) "
        f"en procentueel {ch.more_or_fewer('lia_uitgevoerd', 'gemeenten met een LIA in uitvoering', nu_rijen.loc['uitgevoerd'], toen_rijen.loc['uitgevoerd'], vorige_meting)} "
        f"deelnemende gemeenten in de uitvoeringsfase (nu {fmt.pct(p['uitgevoerd'])}, in {vorige_meting} "
        f"{fmt.pct(q['uitgevoerd'])}). Het aandeel gemeenten met een LIA in ontwikkeling, gereed of in uitvoering ligt "
        f"{ch.compared_phrase('lia_in_ontwikkeling_of_uitvoering', 'gemeenten met een LIA in ontwikkeling, gereed of in uitvoering', groep, ch.group_share('lia_phase', 'lia_in_ontwikkeling_of_uitvoering', year=vorige_meting).iloc[0], vorige_meting)}.",
        *h2.implementation_history_sentences(uitvoering[uitvoering["wave"] <= vorige_meting], vorige_meting),
    ]))
    # toets: this wave against the previous one, tested on the counts (the summary uses the same word)
    for fase_code in ("uitgevoerd", "verkennend"):
        ch.percentage(f"lia_{fase_code}_{vorige_meting}", q[fase_code],
                      toets=tekst.compare(nu_rijen.loc[fase_code], toen_rijen.loc[fase_code]))
    if afwijking := h2.published_mismatch_note(uitvoering):
        ch.note(afwijking)

# %%
grootte_gesteld = ch.shows("lia_grootte")
if not grootte_gesteld:
    ch.not_asked("lia_phase", item="lia_grootte")
else:
    ch.text("We zien interessante verschillen als we de verschillende fasen uitsplitsen naar de grootte van de "
            "gemeente:")
    kruistabel = ch.crosstab("lia_phase", by="size_class")
    per_klasse = kruistabel.drop_duplicates("group").set_index("group_label")["n"].to_dict()
    ch.figure(
        "lia_grootte",
        figures.stacked_shares(kruistabel, category="group_label", segment="answer_label",
                               category_n={k: v for k, v in per_klasse.items() if v}),
        data=kruistabel,
        alt="Gestapeld staafdiagram: per grootteklasse (aantal inwoners) de verdeling over de fasen van de LIA. "
            f"Aandeel dat een LIA uitvoert: {h2.implementing_by_class(kruistabel)}.",
        base=int(sum(per_klasse.values())),
        who="gemeenten met een bekend inwonertal die de vraag beantwoordden",
        caution=False,
        note=h2.size_figure_note(kruistabel.attrs["missing"], per_klasse),
        table_columns={"group_label": "Aantal inwoners", "answer_label": "Fase", "count": "Aantal",
                       "n": "Basis (n)", "pct": "Percentage"},
    )

# %%
if grootte_gesteld:
    # size classes merged by the disclosure rule count only when the whole block is inside (else: not published)
    uitvoerders = h2.implementers(kruistabel)
    if uitvoerders.n:
        ch.percentage("uitvoerders_50k_of_meer", uitvoerders.share_50k, n=uitvoerders.n)
        ch.percentage("uitvoerders_25k_of_meer", uitvoerders.share_25k, n=uitvoerders.n)
    klein = h2.smallest_class(kruistabel)  # under 5 municipalities: merged with the next class (disclosure)
    if klein.merged:
        ch.number("uitvoerders_minder_dan_10k", None, text="samengevoegd", samengevoegd=klein.merged[0])
    elif klein.n:
        ch.number("uitvoerders_minder_dan_10k", klein.implementing, gemarkeerd=klein.flagged, n=klein.n)
    ch.text(" ".join([h2.implementers_sentence(uitvoerders),
                      *h2.smallest_class_sentences(klein, ch.ref("lia_grootte")),
                      *h2.middle_class_sentences(kruistabel, p["uitgevoerd"])]))
if fase_gesteld and ch.n_comments("lia_phase"):
    toelichtingen = ch.n_comments("lia_phase")
    ch.text(f"In een open antwoordveld konden gemeenten hun antwoord ook toelichten; "
            f"{fmt.municipalities(toelichtingen)} {singular_or_plural(toelichtingen, 'deed', 'deden')} dat.")

# %% [markdown]
# ## 2.3 Ontwikkeling sinds 2018

# %%
sections.trend_intro(ch, "trend_fase_tabel")

trend = sections.trend_section(ch, "trend_fase_tabel", "trend_fase_figuur")
if trend is not None:
    zinnen = []
    for code, wat in (("lia_uitgevoerd", "gemeenten dat een LIA (of plan van aanpak) uitvoert"),
                      ("lia_verkennend", "gemeenten in de verkennende fase"),
                      ("breed_inclusiebeleid", "gemeenten met een breed inclusiebeleid")):
        if code in set(trend.table["indicator"]):
            rij = trend.row(code)
            ch.number(f"trend_{code}_pp_per_jaar", rij["change_pp"],
                      text=f"{trends.signed(rij['change_pp'])} procentpunt", **h2.trend_context(rij))
            zinnen.append(sections.trend_sentence(ch, rij, wat))
    if zinnen:
        ch.text(" ".join(zinnen))

# %% [markdown]
# ## 2.4 Verandering binnen gemeenten en in de samenstelling
#
# Elk jaar doet een deels andere groep gemeenten mee. Een verschil met de vorige peiling kan dus twee oorzaken hebben:
# gemeenten die beide keren meededen zijn verder gekomen (of juist niet), of de gemeenten die nieuw meedoen of niet meer
# meedoen verschillen van de rest. Door de gemeenten te volgen die aan beide peilingen meededen (het panel), splitsen we
# het verschil in deze twee delen: de verandering binnen gemeenten en de verandering in de samenstelling.

# %%
panel_getoond = ch.shows("panel_decompositie")
if not panel_getoond:
    ch.text("Dit is de eerste flitspeiling; een vergelijking met een vorige peiling is er daarom nog niet.")
else:
    vorige_panel = ch.previous_wave("lia_phase")
    uitkomst = panel.compare_waves(ch.data(vorige_panel), ch.data(), vorige_panel, year, cb=ch.cb)
    aantallen = uitkomst.counts
    ch.number("panel_n", aantallen["both"], wave=vorige_panel)
    ch.number("panel_nieuw_n", aantallen["only_current"], wave=vorige_panel)
    ch.number("panel_vertrokken_n", aantallen["only_previous"], wave=vorige_panel)
    ch.text(h2.panel_participation_sentence(aantallen, vorige_panel, year) + " "
            + panel.transition_summary(uitkomst.transitions, vorige_panel, year, cb=ch.cb))
    ch.note(panel.matching_note(aantallen, vorige_panel, year))

# %%
if panel_getoond:
    overgangen = panel.transitions_tidy(uitkomst.transitions, vorige_panel, year, cb=ch.cb)
    ch.figure(
        "panel_overgangen",
        h2.transitions_chart(overgangen, year),
        data=overgangen,
        alt=panel.transitions_alt(overgangen, vorige_panel, year),
        question=f"Fase van de LIA in {vorige_panel} (rijen) en in {year} (kleuren)",
        base=f"n = {fmt.number(int(overgangen['count'].sum()))} gemeenten die in {year} de vraag beantwoordden",
        note=(f"Per rij de verdeling over de fasen in {year} (rijpercentages). Een rij met de fase van {vorige_panel} "
              "is een groep die alleen door een vertrouwelijk antwoord is bepaald; zulke aantallen maken geen "
              "gemeente herkenbaar. De nieuwe deelnemers zijn wel bekend (deelnemerslijsten): voor die rij gelden de "
              "regels voor kleine groepen."),
        caution=False,
        table_columns={"group_label": f"Fase in {vorige_panel}", "answer_label": f"Fase in {year}",
                       "count": "Aantal", "n": "Basis (n)", "pct": "Percentage"},
    )

# %%
if panel_getoond:
    ch.text(f"In {ch.ref('panel_decompositie')} is voor de belangrijkste cijfers van deze peiling het verschil met "
            f"{vorige_panel} gesplitst in de verandering binnen gemeenten en de verandering in de samenstelling.")
    splitsing, splitsing_data, niet_gesplitst = panel.protected_decomposition(uitkomst)
    ch.table(
        "panel_decompositie",
        splitsing,
        data=splitsing_data,
        question=f"de belangrijkste cijfers van {vorige_panel} en {year}, voor alle deelnemers en voor de gemeenten die beide keren meededen",
        base=f"gemeenten die de vraag in {vorige_panel} en/of {year} beantwoordden",
        footnote=h2.decomposition_footnote(year, niet_gesplitst),
    )
    gesplitst = set(uitkomst.decomposition.loc[~uitkomst.decomposition["label"].isin(niet_gesplitst), "indicator"])
    for rij in uitkomst.decomposition[uitkomst.decomposition["indicator"].isin(gesplitst)].itertuples():
        ch.number(f"panel_{rij.indicator}_binnen_pp", rij.within_pp, text=panel.pp_text(rij.within_pp),
                  wave=vorige_panel, n=int(rij.n_stayers))
        ch.number(f"panel_{rij.indicator}_samenstelling_pp", rij.composition_pp,
                  text=panel.pp_text(rij.composition_pp), wave=vorige_panel)
    for indicator in panel.GUESS_INDICATORS:
        if indicator in gesplitst:
            ch.text(sections.panel_text(ch, uitkomst, indicator))
    ch.text(sections.panel_guess(uitkomst, gesplitst))

# %% [markdown]
# ## 2.5 Gewogen en ongewogen percentages
#
# De deelnemende gemeenten zijn geen aselecte steekproef: kleine gemeenten doen minder vaak mee (zie het hoofdstuk Achtergrond). Door de
# antwoorden te wegen naar de verdeling over grootteklassen van alle gemeenten in Nederland, zien we of dat de
# belangrijkste cijfers van dit hoofdstuk verandert.

# %%
gewogen = sections.weighting_section(ch, "gewogen_h2", chapter=2)

# %%
ch.finish()
