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
# # 3 Inhoud lokaal inclusiebeleid

# %% tags=["parameters"]
year = 2023
processed_dir = "../data/processed"
parts_dir = ""
small_threshold = 25000

# %%
from helpers import MIN_GROUP
from helpers.analysis import coding, tables
from helpers.core import formatting as fmt
from helpers.report import sections
from helpers.report import text as tekst
from helpers.report.chapter import SMALL_BASE, Chapter
from helpers.report.chapters import content as inhoud

ch = Chapter(chapter=3, year=year, processed_dir=processed_dir, parts_dir=parts_dir, small_threshold=small_threshold)
ch.notice()
responses, answers = ch.data()
ALLE, KLEIN = tables.population_label("alle"), tables.population_label("klein")
# Quotes are shown once per chapter; the note on how they are chosen goes under the first ones.
citaten = tekst.QuoteShower(ch, seed_prefix=str(year), note=(
    f"Citaten zijn letterlijk overgenomen uit de {'synthetische ' if ch.synthetic else ''}antwoorden van gemeenten en "
    "met een vaste, reproduceerbare methode gekozen. Persoonsgegevens zijn bij het opschonen verwijderd; antwoorden "
    "waarin iets is weggelaten, worden niet geciteerd."))

# %%
vragen = [vraag for code, vraag in (
    ("lia_results", "Welke resultaten melden de gemeenten die een Lokale Inclusie Agenda (LIA) uitvoeren?"),
    ("domains", "Hoeveel aandacht hebben gemeenten voor verschillende domeinen?"),
    ("vng_topics", "Hoe staat het met de onderwerpen waarvoor de VNG extra aandacht vraagt?"),
    ("partners", "Welke maatschappelijke partijen zijn betrokken bij de uitvoering van het VN-verdrag Handicap?"),
    ("obstacles", "Welke knelpunten ervaren gemeenten om het VN-verdrag Handicap goed te kunnen uitvoeren?"),
) if ch.asks(code)]
ch.text("In dit hoofdstuk worden de volgende vragen beantwoord. " + inhoud.question_list(vragen))

# %% [markdown]
# ## 3.1 Resultaten van gemeenten die een LIA uitvoeren

# %%
if resultaten_gesteld := ch.shown_or_noted("lia_results", missing=["lia_resultaten_n"], question="lia_results",
                                           gesteld=False):
    lia_kader = coding.load_frame("lia_resultaten")
    lia = inhoud.coded_answers(answers, lia_kader, unit="antwoord")
    lia_resultaten_n = ch.number("lia_resultaten_n", int(lia.texts["response_id"].nunique()),
                                 question="lia_results", gesteld=True)
    routering, gevraagd = inhoud.routed_count(answers, ch.cb, "lia_results", "lia_phase")
    ch.text(
        "Aan de gemeenten die aangeven de Lokale Inclusie Agenda uit te voeren, is gevraagd welke resultaten zij "
        "hierover kunnen melden. Deze vraag werd dus niet door alle deelnemende gemeenten, maar door "
        f"{fmt.number(lia_resultaten_n)} van hen beantwoord.")
    if routering:
        ch.note(f"De vraag ging naar de {fmt.number(gevraagd)} gemeenten die als fase van de LIA "
                f"{inhoud.options_named(ch.cb.question('lia_phase'), routering)} kozen; "
                f"{fmt.number(lia_resultaten_n)} van hen schreven een antwoord.")

# %%
if resultaten_gesteld and lia_resultaten_n:
    genoemd = inhoud.named_themes(lia.counts, lia_kader)
    inhoud.register_themes(ch, "lia_resultaten_themas", lia.counts, genoemd, lia_resultaten_n)
    ch.text(inhoud.most_named_sentence(genoemd, lia_resultaten_n))
    ch.note(lia.method)

# %%
if resultaten_gesteld and lia_resultaten_n:
    for groep in inhoud.theme_groups(lia_kader, lia.coded, lia.counts):
        aandeel = fmt.pct(fmt.share(groep.municipalities, lia_resultaten_n))
        ch.text(f"### {groep.label}\n\n{inhoud.municipalities_did(groep.municipalities, 'noemt', 'noemen', aandeel)} "
                "resultaten op dit gebied:\n\n" + inhoud.theme_list(groep.rows))
        citaten.show(lia.coded, groep.themes, inhoud.quote_count(groep.municipalities), f"lia_resultaten/{groep.code}")
    if zinnen := inhoud.rarely_named(lia.counts, lia_kader):
        ch.text(" ".join(zinnen))

# %% [markdown]
# ## 3.2 Domeinen waar gemeenten zich op richten

# %%
if domeinen_gesteld := ch.shown_or_noted("domains", item="domeinen", missing=[
        "top_domeinen", "top_domeinen_min_pct", "top_domeinen_max_pct", "top_domeinen_klein_min_pct",
        "top_domeinen_klein_max_pct", "minste_aandacht_domeinen"], gesteld=False):
    domeinvraag = ch.question("domains")  # the domains this wave asked
    ch.text(
        ("De volgende vragen werden weer aan alle gemeenten gesteld, ongeacht de fase van de LIA waarin ze zich "
         "bevinden.\n\n" if resultaten_gesteld else "")
        + "Bij de uitvoering van het VN-verdrag Handicap kunnen gemeenten zich op verschillende domeinen richten. In de "
        f"flitspeiling werd hun over {fmt.words(len(domeinvraag.items))} domeinen gevraagd in welke mate zij er "
        f"aandacht aan geven. Ze konden kiezen uit {fmt.words(len(domeinvraag.options))} antwoordcategorieën: "
        + fmt.join(option.label.lower() for option in domeinvraag.options) + ".")
    domeinlabel = {item.code: item.label for item in domeinvraag.items}
    veel = ch.group_share("domains", "veel_of_heel_veel", populations=("alle", "klein"))
    dom = inhoud.ranked(veel, list(domeinlabel), MIN_GROUP)  # dom.small is None when too few small ones answered
    inhoud.register_labels(ch, "top_domeinen", dom.top, domeinlabel, question="domains", answer="veel_of_heel_veel")
    inhoud.register_share_range(ch, "top_domeinen", dom.shares[dom.top])
    inhoud.register_share_range(ch, "top_domeinen_klein", dom.small_top, population="klein")
    ch.text(" ".join(inhoud.top_domains_sentences(dom.shares, domeinlabel, dom.order)))

# %%
if domeinen_gesteld:
    ch.figure(
        "domeinen", inhoud.domains_bars(dom, domeinlabel, ALLE, KLEIN),
        data=inhoud.ordered_for_figure(veel, dom.order, {"alle": ALLE, "klein": KLEIN}),
        alt=(f"Staafdiagram: per domein het percentage gemeenten dat er veel of heel veel aandacht voor heeft, voor "
             f"{ALLE} en voor {KLEIN} (minder dan {fmt.number(small_threshold)} inwoners), van hoog naar laag: "
             + inhoud.labelled_shares(dom.shares, domeinlabel, dom.order, dom.small, KLEIN) + "."),
        note=f"Kleine gemeenten: minder dan {fmt.number(small_threshold)} inwoners.",
        table_columns={"item_label": "Domein", "group_label": "Groep", "count": "Aantal", "n": "Basis (n)",
                       "pct": "Percentage"})
    if rest := dom.order[3:]:
        ch.text("Minder hoog scorende domeinen zijn: " + fmt.join(tekst.in_sentence(domeinlabel[c]) for c in rest)
                + f" ({tekst.share_range(dom.shares[rest])}).")

# %%
if domeinen_gesteld and (vorige_domeinen := ch.previous_wave("domains")) is not None:
    veel_toen = ch.group_share("domains", "veel_of_heel_veel", year=vorige_domeinen)
    inhoud.register_share_range(ch, "top_domeinen_vorig", inhoud.shares(veel_toen)[dom.top], wave=vorige_domeinen)
    vergelijking = inhoud.top_domains_then(veel, veel_toen, domeinlabel, dom.order, vorige_domeinen, year)
    if vergelijking.all_lower and len(responses) > (deelnemers_toen := len(ch.data(vorige_domeinen)[0])):
        vergelijking.sentences.append(
            f"Mogelijk speelt mee dat er dit jaar meer gemeenten meededen ({fmt.number(len(responses))} tegenover "
            f"{fmt.number(deelnemers_toen)}): nieuwe deelnemers staan vaak nog aan het begin van de implementatie van "
            "het VN-verdrag Handicap.")
    if vergelijking.significance_note:
        ch.note(tekst.SIGNIFICANCE_NOTE)
    ch.text(" ".join(vergelijking.sentences))

# %%
if domeinen_gesteld and dom.small is not None:
    ch.text(inhoud.top_domains_small(veel, domeinlabel, dom.order, small_threshold))

# %%
if domeinen_gesteld:
    weinig = ch.group_share("domains", "geen_of_weinig", populations=("alle", "klein"))
    minst = inhoud.least_attention("alle gemeenten", "alle gemeenten", weinig, list(domeinlabel))
    groepen = inhoud.least_attention_groups(responses, answers, ch.cb, weinig, list(domeinlabel), small_threshold)
    inhoud.register_least_attention(ch, minst, domeinlabel)
    ch.text(" ".join(inhoud.least_attention_sentences(minst, groepen, domeinlabel, MIN_GROUP)))
    ch.note(inhoud.least_attention_note(minst, groepen, domeinlabel, MIN_GROUP, SMALL_BASE))
    if toelichtingen := ch.n_comments("domains"):
        ch.text(f"{inhoud.municipalities_did(toelichtingen, 'gaf', 'gaven')} een toelichting bij deze vraag. Een greep "
                "uit de toelichtingen:")
        citaten.show(coding.texts_of(answers, "domains", "comment"), None, 2, "domeinen/toelichting")

# %% [markdown]
# ## 3.3 Onderwerpen waar de VNG extra aandacht voor vraagt

# %%
if vng_gesteld := ch.shown_or_noted("vng_topics", item="vng_onderwerpen", missing=["niet_samenwerken_pct"],
                                    question="vng_topics", gesteld=False):
    ch.text(
        "Aan de gemeenten is ook gevraagd in hoeverre zij in het lokaal inclusiebeleid inzetten op onderwerpen waar de "
        f"VNG extra aandacht voor vraagt. In {ch.ref('vng_onderwerpen')} is af te lezen om welke onderwerpen het gaat. "
        "Ook is erin aangegeven welk percentage van de gemeenten aangeeft veel of heel veel aandacht aan de betreffende "
        "onderwerpen te besteden. De scores zijn gerangschikt van hoog naar laag en opgesplitst naar alle gemeenten en "
        "kleine gemeenten. Ook hier zijn ‘kleine gemeenten’ de gemeenten met minder dan "
        f"{fmt.number(small_threshold)} inwoners.")
    vng = tekst.sorted_as_shown(ch.matrix_table("vng_topics", "veel_of_heel_veel", order="codebook"))
    vng_n = {groep: ch.n_answered("vng_topics", population=groep) for groep in ("alle", "klein")}
    ch.table("vng_onderwerpen", vng, footnote=inhoud.small_base_footnote(vng_n["klein"], vng_n["alle"], SMALL_BASE),
             caution=False, label_header="Onderwerp")
    vng_toen = None if (vorige_vng := ch.previous_wave("vng_topics")) is None else tekst.sorted_as_shown(
        ch.matrix_table("vng_topics", "veel_of_heel_veel", order="codebook", year=vorige_vng))
    ch.text(" ".join(inhoud.vng_topics_sentences(vng, vng_toen, vorige_vng, year, small_shown=vng_n["klein"] >= MIN_GROUP)))

# %%
if vng_gesteld:
    geen = inhoud.shares(ch.group_share("vng_topics", "geen"))
    inhoud.register_shares(ch, "vng_geen_{}_pct", geen, question="vng_topics", answer="geen")
    if zin := inhoud.no_attention_sentence(geen, dict(zip(vng["item"], vng["label"], strict=True))):
        ch.text(zin)
    niet_samenwerken = ch.percentage("niet_samenwerken_pct", geen["samenwerken"], question="vng_topics",
                                     item="samenwerken", answer="geen", gesteld=True)
    ch.text(f"{inhoud.notable_or_only(niet_samenwerken)} op deze vraag {fmt.pct(niet_samenwerken)} van alle gemeenten "
            "aangeeft niet samen te werken met inwoners met een beperking (niet in tabel). Het samenwerken met "
            "ervaringsdeskundigen is volgens het VN-verdrag Handicap verplicht.")
    if toelichtingen := ch.n_comments("vng_topics"):
        ch.text(f"{inhoud.municipalities_did(toelichtingen, 'gaf', 'gaven')} een toelichting bij deze vraag.")

# %% [markdown]
# ## 3.4 Betrokkenheid maatschappelijke partijen

# %%
if partners_gesteld := ch.shown_or_noted("partners", item="partners_betrokken", gesteld=False, missing=[
        "wmo_raad_pct", "clientenorganisaties_niet_pct", "belangenorganisaties_niet_pct", "alle_werken_samen"]):
    partnervraag = ch.question("partners")
    ch.text(
        "Aan de gemeenten is gevraagd welke maatschappelijke verbanden en organisaties zij betrekken bij het "
        "verbeteren van toegankelijkheid en het bevorderen van inclusie op basis van het VN-verdrag Handicap, en in "
        "welke mate zij dat doen ("
        + fmt.join(option.label.lower() for option in reversed(partnervraag.options)) + ")."
        f"\n\nIn {ch.ref('partners_betrokken')} staan de maatschappelijke partijen aangegeven waarvan gemeenten zeggen "
        "dat zij ze zeer veel of veel betrekken bij het lokaal inclusiebeleid. Ook in deze tabel is onderscheid gemaakt "
        "tussen het beeld van alle gemeenten en dat van kleinere gemeenten. Kleinere gemeenten zijn gemeenten met "
        f"minder dan {fmt.number(small_threshold)} inwoners.")
    betrokken = tekst.sorted_as_shown(ch.matrix_table("partners", "zeer_veel_of_veel", order="codebook"))
    ch.table("partners_betrokken", betrokken, label_header="Maatschappelijke partijen")

# %%
if partners_gesteld:
    naam = inhoud.partner_names({i.code: i.label for i in partnervraag.items if i.code in set(betrokken["item"])})
    wmo = inhoud.register_table_share(ch, "wmo_raad_pct", betrokken, "wmo_raad", with_n=True, question="partners",
                                      answer="zeer_veel_of_veel")
    ch.text(" ".join([
        "Van gemeenten wordt verwacht dat zij bij de implementatie van het VN-verdrag Handicap samenwerken met "
        "ervaringsdeskundigen. Dit op basis van het motto ‘niets over ons, zonder ons’, dat een van de uitgangspunten "
        "van het VN-verdrag Handicap is.",
        f"Uit de antwoorden van gemeenten blijkt dat de Wmo-raad door {fmt.fraction_phrase(wmo)} ({fmt.pct(wmo)}) van de "
        "gemeenten zeer veel of veel wordt geraadpleegd.",
    ] + inhoud.partners_sentences(betrokken, naam, MIN_GROUP)))

# %%
if partners_gesteld:
    niet_betrokken = tekst.sorted_as_shown(ch.matrix_table("partners", "niet", order="codebook"))
    ch.table("partners_niet", niet_betrokken, label_header="Maatschappelijke partijen")
    beantwoord, zonder_partner = inhoud.without_partner(answers, partnervraag)
    inhoud.register_partner_reach(ch, beantwoord, zonder_partner)
    ch.text(" ".join(inhoud.partners_not_involved(niet_betrokken, naam, beantwoord, zonder_partner, MIN_GROUP)))
    for c in ("clientenorganisaties", "belangenorganisaties"):
        inhoud.register_table_share(ch, f"{c}_niet_pct", niet_betrokken, c, question="partners", answer="niet")
    ch.text(inhoud.organisations_not_involved(niet_betrokken, MIN_GROUP))
    if toelichtingen := ch.n_comments("partners"):
        ch.text(f"{inhoud.municipalities_did(toelichtingen, 'gaf', 'gaven')} een toelichting bij deze vraag, "
                "bijvoorbeeld:")
        citaten.show(coding.texts_of(answers, "partners", "comment"), None, 2, "partners/toelichting")

# %% [markdown]
# ## 3.5 Knelpunten

# %%
if knelpunten_gesteld := ch.shown_or_noted("obstacles", item="knelpunten", missing=[
        "knelpunt_capaciteit_pct", "knelpunt_capaciteit_klein_pct", "knelpunt_capaciteit_vorig_pct",
        "knelpunten_vaker_dan_vorig"], gesteld=False):
    knelpuntvraag = ch.question("obstacles")
    ch.text(
        "Om beter zicht te krijgen op de belemmerende factoren die gemeenten ervaren bij de uitvoering van het "
        f"VN-verdrag Handicap werd hun de volgende vraag gesteld: ‘{knelpuntvraag.text}’. In {ch.ref('knelpunten')} "
        "zijn de resultaten weergegeven. Hierin zijn de antwoordopties ‘groot’ en ‘zeer groot’ knelpunt "
        f"samengevoegd. Kleine gemeenten zijn gemeenten met minder dan {fmt.number(small_threshold)} inwoners.")
    knelpunten = tekst.sorted_as_shown(ch.matrix_table("obstacles", "groot_of_zeer_groot", order="codebook"))
    ch.table("knelpunten", knelpunten, label_header="In welke mate zijn onderstaande punten knelpunten?")
    met_klein = bool(knelpunten["n_klein"].max() >= MIN_GROUP)
    inhoud.register_capacity(ch, knelpunten, met_klein)
    eerder = inhoud.earlier_shares(ch, "obstacles", "groot_of_zeer_groot")
    zinnen = inhoud.most_named_obstacle(knelpunten, MIN_GROUP) + [inhoud.most_named_before(knelpunten, eerder)]

# %%
if knelpunten_gesteld and (vorige_knelpunten := max(eerder, default=None)) is not None:
    toen_tabel = ch.group_share("obstacles", "groot_of_zeer_groot", year=vorige_knelpunten)
    ch.text(" ".join([z for z in zinnen if z] + [inhoud.most_named_then(knelpunten, toen_tabel, vorige_knelpunten, year)]))
    veranderd = inhoud.obstacles_then(knelpunten, toen_tabel, vorige_knelpunten, year)
    ch.text(" ".join(veranderd.sentences))
    ch.note(tekst.SIGNIFICANCE_NOTE)
    inhoud.register_obstacles_then(ch, knelpunten, toen_tabel, vorige_knelpunten, veranderd.more)
elif knelpunten_gesteld:
    inhoud.register_obstacles_then(ch, knelpunten, None, None, [])
    ch.text(" ".join(z for z in zinnen if z))

# %%
if knelpunten_gesteld:
    zinnen = inhoud.obstacles_small_sentences(knelpunten) if met_klein else []
    ander = ch.group_share("obstacles", "groot_of_zeer_groot", item="ander").iloc[0]
    ander_pct = ch.percentage("knelpunt_ander_pct", ander["pct"], question="obstacles", item="ander",
                              answer="groot_of_zeer_groot", n=int(ander["n"]))
    if ander["n"]:
        zinnen.append(f"Van de respondenten geeft {fmt.pct(ander_pct)} aan nog een ander groot of zeer groot knelpunt "
                      f"te ervaren (niet in tabel{inhoud.base_aside(ander['n'], SMALL_BASE)}).")
    if zinnen:
        ch.text(" ".join(zinnen))

# %%
if knelpunten_gesteld:
    kn_kader = coding.load_frame("knelpunten")
    kn = inhoud.coded_answers(answers, kn_kader, unit="toelichting")
    kn_n = ch.number("knelpunten_toelichting_n", int(kn.texts["response_id"].nunique()), question="obstacles")
    inhoud.register_themes(ch, "knelpunten_themas", kn.counts, kn.counts[kn.counts["count"] > 0], kn_n)
    if zin := inhoud.other_obstacles_sentence(kn, kn_kader, list(knelpunten["item"])):
        ch.text(zin)

# %%
if knelpunten_gesteld and kn_n:
    ch.text(f"Uit de toelichting die {fmt.municipalities(kn_n)} bij de antwoorden {'geeft' if kn_n == 1 else 'geven'} "
            "(een toelichting bij de vraag of de omschrijving van een ander knelpunt), komen de volgende punten naar "
            "voren.")
    ch.note(kn.method)
    for row in kn.counts[(kn.counts["theme"] != kn_kader.fallback) & (kn.counts["count"] >= 2)].itertuples():
        aandeel = f"{fmt.pct(row.pct)} van wie een toelichting gaf"
        ch.text(f"### {row.label}\n\n{inhoud.municipalities_did(row.count, 'noemt', 'noemen', aandeel)} dit: "
                f"{tekst.in_sentence(kn_kader.theme(row.theme).description)}")
        citaten.show(kn.coded, row.theme, inhoud.quote_count(row.count), f"knelpunten/{row.theme}")
    for zin in inhoud.single_mentions(kn.counts, kn_kader):
        ch.text(zin)

# %% [markdown]
# ## 3.6 Ontwikkeling sinds 2018

# %%
sections.trend_intro(ch, "trend_inhoud_tabel")
if (trend := sections.trend_section(ch, "trend_inhoud_tabel", "trend_inhoud_figuur")) is not None:
    aantal, stijgend, dalend = inhoud.significant_trends(trend.table, "obstacles")
    zinnen = [tekst.rose_and_fell(aantal, "knelpunten", len(stijgend), len(dalend)) + " (p < 0,05)."]
    if (rij := inhoud.register_trends(ch, trend, stijgend, dalend)) is not None:
        zinnen.append(sections.trend_sentence(ch, rij, "gemeenten dat de uitvoeringscapaciteit een groot of zeer groot "
                                                 "knelpunt noemt"))
    ch.text(" ".join(zinnen))

# %% [markdown]
# ## 3.7 Gewogen en ongewogen percentages
#
# Net als in het vorige hoofdstuk wegen we de antwoorden naar de verdeling over grootteklassen van alle gemeenten, om te zien of
# de ondervertegenwoordiging van kleine gemeenten de belangrijkste cijfers over de inhoud van het beleid verandert.

# %%
gewogen = sections.weighting_section(ch, "gewogen_h3", chapter=3)

# %%
ch.finish()
