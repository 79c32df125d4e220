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
# # 4 Ondersteuning

# %% tags=["parameters"]
year = 2023
processed_dir = "../data/processed"
parts_dir = ""
small_threshold = 25000

# %%
from helpers.analysis import trends
from helpers.core import formatting as fmt
from helpers.report import figures, sections
from helpers.report import text as tekst
from helpers.report.chapter import Chapter
from helpers.report.chapters import support

ch = Chapter(chapter=4, year=year, processed_dir=processed_dir, parts_dir=parts_dir, small_threshold=small_threshold)
ch.notice()
open_antwoorden = support.OpenAnswers(ch)  # themes of the open answers (coding frame ondersteuning); quotes noted once

# %% [markdown]
# In dit hoofdstuk worden de ondersteuningsbehoeften van de gemeenten besproken. Aan hen is gevraagd aan welke
# inhoudelijke en procesmatige ondersteuning zij behoefte hebben en in welke vorm ze die zouden willen ontvangen.

# %% [markdown]
# ## 4.1 Bekendheid met ‘Iedereen doet mee’

# %%
bekend_gesteld = ch.shows("bekendheid")
if not bekend_gesteld:
    ch.not_asked("awareness_idm", item="bekendheid")
    ch.number("bekend_idm_pct", None, text="niet gevraagd", question="awareness_idm")
else:
    ch.text("Allereerst hebben we de vraag gesteld of gemeenten bekend zijn met ondersteuningsmogelijkheden die worden "
            "aangeboden vanuit het VNG-project ‘Iedereen doet mee!’.")
    bekend = ch.distribution("awareness_idm")
    ja, nee = bekend.set_index("answer").loc["ja"], bekend.set_index("answer").loc["nee"]
    ch.number("bekend_idm_pct", float(ja["pct"]), text=fmt.pct(ja["pct"]), question="awareness_idm", answer="ja",
              n=int(ja["n"]))
    ch.figure("bekendheid", figures.bar_shares(bekend), data=bekend,
              alt=f"Staafdiagram: bekend met de ondersteuning vanuit het VNG-project ‘Iedereen doet mee!’ in {year}: "
                  f"{tekst.shares_list(bekend['answer_label'], bekend['pct'])}.")
    support.note_wave_wording(ch, "awareness_idm")

# %%
if bekend_gesteld:
    zinnen = [f"{fmt.capitalize(tekst.majority_with_share(ja['pct']))} geeft aan bekend "
              "te zijn met de ondersteuning die wordt aangeboden vanuit het VNG-project ‘Iedereen doet mee!’."]
    reeks = ch.trend("awareness_idm", "ja")
    eerder = reeks[reeks["wave"] < year]
    if len(eerder):
        vorig = eerder.iloc[-1]
        ch.number("bekend_idm_vorig_pct", vorig["pct"], text=fmt.pct(vorig["pct"]), wave=int(vorig["wave"]),
                  toets=tekst.compare(ja, vorig))
        zinnen.append(f"De bekendheid ligt daarmee {ch.compared_phrase('bekend_idm', 'gemeenten dat bekend is met ‘Iedereen doet mee!’', ja, vorig, vorig['wave'])}.")
        ch.note(tekst.SIGNIFICANCE_NOTE)
    if len(eerder) >= 2:
        verloop = tekst.series_phrase(reeks["wave"], reeks["pct"])
        zinnen.append(f"Sinds de vraag in {reeks['wave'].iloc[0]} voor het eerst werd gesteld, is de bekendheid elk jaar "
                      f"gestegen: {verloop}." if tekst.rose_every_wave(reeks)
                      else f"Sinds de vraag in {reeks['wave'].iloc[0]} voor het eerst werd gesteld, was de bekendheid "
                      f"{verloop}.")
    ch.text(" ".join(zinnen))
    afwijking = tekst.published_mismatch_note(reeks)
    if afwijking:
        ch.note(afwijking)

# %%
if bekend_gesteld:
    open_antwoorden.show("awareness_idm", kinds=("comment",), intro="Uit hun toelichting")

# %% [markdown]
# ## 4.2 Inhoudelijke ondersteuning
#
# Aan de gemeenten is gevraagd bij welke aspecten van het VN-verdrag Handicap zij behoefte hebben aan inhoudelijke
# ondersteuning. De respondenten konden verscheidene antwoordopties naast elkaar aanvinken. Daarom is het totaal meer
# dan 100 %.

# %%
INHOUD_CIJFERS = ["inhoud_specifieke_voorbeelden_pct", "inhoud_geen_behoefte_pct", "inhoud_geen_behoefte_vorig_pct",
                  "inhoud_uitleg_verdrag_pct", "inhoud_uitleg_verdrag_vorig_pct", "meer_behoefte_dan_vorig"]
inhoud_gesteld = ch.shows("inhoudelijk")
if not inhoud_gesteld:
    ch.not_asked("support_content", item="inhoudelijk")
    for naam in INHOUD_CIJFERS:
        ch.number(naam, None, text="niet gevraagd", question="support_content")
else:
    inhoud = support.needs(ch, "support_content")  # this wave's options ranked, next to the previous wave's
    vorige_inhoud = inhoud.previous_year
    ch.table("inhoudelijk", inhoud.shown_table("Inhoudelijke ondersteuning"), data=inhoud.tidy,
             footnote=support.multi_choice_note(ch, inhoud))
    support.note_wave_wording(ch, "support_content")

# %%
if inhoud_gesteld:
    for code in ("specifieke_voorbeelden", "geen_behoefte", "uitleg_verdrag"):
        ch.number(f"inhoud_{code}_pct", inhoud.shares[code], text=fmt.pct(inhoud.shares[code]),
                  question="support_content", answer=code, n=inhoud.n)
        if code != "specifieke_voorbeelden":
            ch.number(f"inhoud_{code}_vorig_pct", inhoud.previous_share(code),
                      text=fmt.pct(inhoud.previous_share(code)) if vorige_inhoud else "geen eerdere meting",
                      wave=vorige_inhoud, toets=inhoud.compare(code))
    meer_behoefte = support.more_need(inhoud)
    ch.number("meer_behoefte_dan_vorig", meer_behoefte,
              text={True: "ja", False: "nee", None: "geen eerdere meting"}[meer_behoefte], wave=vorige_inhoud,
              basis="significant minder gemeenten zonder behoefte aan inhoudelijke ondersteuning dan in de vorige "
                    "meting (twee-proportietoets, p < 0,05)")

# %%
if inhoud_gesteld:
    top, volgende = inhoud.wishes.iloc[0], inhoud.wishes.iloc[1:4]
    zinnen = [f"Gemeenten blijken vooral behoefte te hebben aan {tekst.short_label(top['label'])} "
              f"({fmt.pct(top['pct_alle'])})."]
    if vorige_inhoud:
        zinnen.append(f"Dit is niet veranderd ten opzichte van de peiling in {vorige_inhoud}."
                      if inhoud.same_as_shown(top["item"]) else f"Dat ligt {inhoud.compared_phrase(top['item'])}.")
    if len(volgende):
        zinnen.append("Ook aan " + tekst.listing([(tekst.without_brackets(row.label), row.pct_alle)
                                                  for row in volgende.itertuples()]) + " hebben gemeenten behoefte.")
    zinnen.append(f"In totaal heeft {fmt.pct(support.any_need(ch, 'support_content')['pct'])} van de gemeenten "
                  "behoefte aan ten minste één vorm van inhoudelijke ondersteuning.")
    ch.text(" ".join(zinnen))

# %%
if inhoud_gesteld and vorige_inhoud:
    richting = support.overall_direction(inhoud)  # "meer"/"minder" when the needs moved one way, else None
    zinnen = [f"Over de hele lijn zien we dat gemeenten wat {richting} behoefte aan ondersteuning hebben, vergeleken "
              f"met {vorige_inhoud}." if richting else
              support.mixed_sentence(inhoud)]
    zinnen += support.no_need_sentences(inhoud)
    support.register_claims(ch, inhoud, "inhoud")
    if meer_behoefte:
        beginnend, beginnend_vorig = support.beginners(ch), support.beginners(ch, vorige_inhoud)
        if tekst.compare(beginnend, beginnend_vorig) == tekst.HIGHER:
            zinnen.append(
                "Mogelijke verklaring is dat er dit jaar meer ‘beginnende’ gemeenten aan de peiling hebben meegedaan: "
                f"{fmt.pct(beginnend['pct'])} van de gemeenten zit in de verkennende fase of heeft onderzocht wat de "
                f"ratificatie betekent (hoofdstuk 2), tegen {fmt.pct(beginnend_vorig['pct'])} in {vorige_inhoud}.")
    ch.text(" ".join(zinnen))

# %%
if inhoud_gesteld:
    open_antwoorden.show("support_content", intro="Uit de toelichting van gemeenten bij hun antwoorden")
    if bekend_gesteld:
        ch.text("Gemeenten spreken in de peiling geregeld behoeften uit waarin de VNG voorziet via het project ‘Iedereen "
                "doet mee!’. Dit omvat uitwisselingsbijeenkomsten, leernetwerken, masterclasses, handreikingen en "
                f"inspiratiebundels. Het blijft daarom relevant om de gemeenten die dit aanbod niet kennen "
                f"({fmt.pct(nee['pct'])} van de gemeenten die de vraag beantwoordden) te wijzen op het bestaan ervan.")

# %% [markdown]
# ## 4.3 Procesmatige ondersteuning
#
# Er is ook gekeken naar de behoeften van gemeenten rondom procesmatige ondersteuning. Het gaat daarbij om vraagstukken
# als het betrekken van de gemeenteraad, (lokale) belangenbehartigers en ervaringsdeskundigen. Ook hier konden
# verscheidene antwoordopties naast elkaar worden gekozen.

# %%
proces_gesteld = ch.shows("procesmatig")
if not proces_gesteld:
    ch.not_asked("support_process", item="procesmatig")
    for naam in ("proces_belangenbehartigers_pct", "proces_belangenbehartigers_vorig_pct"):
        ch.number(naam, None, text="niet gevraagd", question="support_process")
else:
    proces = support.needs(ch, "support_process")
    vorige_proces = proces.previous_year
    ch.figure("procesmatig", proces.bar_figure(), data=proces.tidy,
              alt=proces.bar_alt("behoefte aan procesmatige ondersteuning"), note=support.multi_choice_note(ch, proces))
    support.note_wave_wording(ch, "support_process")
    ch.number("proces_belangenbehartigers_pct", proces.shares["belangenbehartigers"],
              text=fmt.pct(proces.shares["belangenbehartigers"]), question="support_process",
              answer="belangenbehartigers", n=proces.n)
    ch.number("proces_belangenbehartigers_vorig_pct", proces.previous_share("belangenbehartigers"),
              text=fmt.pct(proces.previous_share("belangenbehartigers")) if vorige_proces else "geen eerdere meting",
              wave=vorige_proces, toets=proces.compare("belangenbehartigers"))
    ch.number("proces_ervaringsdeskundigen_pct", proces.shares["ervaringsdeskundigen"],
              text=fmt.pct(proces.shares["ervaringsdeskundigen"]), question="support_process",
              answer="ervaringsdeskundigen")

# %%
if proces_gesteld:
    een, twee = proces.wishes.iloc[0], proces.wishes.iloc[1]
    zinnen = [f"Zowel de behoefte aan {tekst.in_sentence(een['label'])} ({fmt.pct(een['pct_alle'])}) als aan "
              f"{tekst.in_sentence(twee['label'])} ({fmt.pct(twee['pct_alle'])}) scoort hoog."]
    iets_nodig = support.any_need(ch, "support_process")  # at least one need ticked
    if not vorige_proces:
        zinnen.append(tekst.percentage_sentence(iets_nodig["pct"], "de gemeenten", "heeft behoefte aan ten minste "
                                               "één vorm van procesmatige ondersteuning."))
    else:
        support.register_claims(ch, proces, "proces")
        zinnen.append(f"De behoefte om belangenbehartigers te betrekken ligt "
                      f"{proces.compared_phrase('belangenbehartigers')}.")
        grootste = proces.largest_change()
        if grootste and proces.change_size(grootste) > proces.change_size("belangenbehartigers"):
            zinnen.append(f"De grootste verandering zien we bij {tekst.in_sentence(proces.label(grootste))} "
                          f"({proces.versus(grootste)}).")
        zinnen.append(support.overall_need_sentence(iets_nodig, support.any_need(ch, "support_process", vorige_proces),
                                                    vorige_proces, "de behoefte aan procesmatige ondersteuning"))
    ch.text(" ".join(zinnen))
    open_antwoorden.show("support_process", intro="Uit de antwoorden op de open vragen")

# %% [markdown]
# ## 4.4 Vorm van ondersteuning
#
# Ten slotte zijn gemeenten gevraagd in welke vorm zij de ondersteuning het liefst ontvangen.

# %%
vorm_gesteld = ch.shows("vorm")
if not vorm_gesteld:
    ch.not_asked("support_form", item="vorm")
    ch.number("vorm_top3", None, text="niet gevraagd", question="support_form")
else:
    opties = [option.label for option in ch.question("support_form").options if option.in_table]
    ch.text(f"Opties zijn: {fmt.join(tekst.in_sentence(label) for label in opties)}. Ook hier konden verscheidene "
            "antwoordopties naast elkaar worden gekozen.")
    vorm = support.needs(ch, "support_form")
    ch.figure("vorm", vorm.bar_figure(), data=vorm.tidy, alt=vorm.bar_alt("voorkeur voor een vorm van ondersteuning"),
              note=support.multi_choice_note(ch, vorm))
    support.note_wave_wording(ch, "support_form")
    top3 = vorm.table.iloc[:3]
    ch.number("vorm_top3", list(top3["label"]), text=fmt.join(tekst.in_sentence(label) for label in top3["label"]),
              question="support_form", answers=list(top3["item"]), pct=[float(v) for v in top3["pct_alle"]])

# %%
if vorm_gesteld:
    zinnen = ["Gemeenten blijken vooral behoefte te hebben aan "
              + tekst.listing([(row.label, row.pct_alle) for row in top3.itertuples()]) + "."]
    zinnen += support.top_three_sentences(ch, vorm)  # the same top three as in earlier waves?
    ch.text(" ".join(zinnen))
    open_antwoorden.show("support_form", intro="Uit de antwoorden op de open vragen")

# %% [markdown]
# ## 4.5 Ontwikkeling sinds 2018

# %%
sections.trend_intro(ch, "trend_ondersteuning_tabel")

trend = sections.trend_section(ch, "trend_ondersteuning_tabel", "trend_ondersteuning_figuur")
if trend is not None:
    zinnen = []
    for code, wat in (("bekend_idm", "gemeenten dat bekend is met ‘Iedereen doet mee!’"),
                      ("inhoud_geen_behoefte", "gemeenten zonder behoefte aan inhoudelijke ondersteuning"),
                      ("proces_belangenbehartigers", "gemeenten dat methoden zoekt om belangenbehartigers te "
                                                     "betrekken")):
        if code not in set(trend.table["indicator"]):
            continue
        rij = trend.row(code)
        ch.number(f"trend_{code}_pp_per_jaar", rij["change_pp"], text=f"{trends.signed(rij['change_pp'])} procentpunt",
                  low=rij["change_pp_low"], high=rij["change_pp_high"], p=rij["p_value"],
                  odds_ratio=rij["odds_ratio"], waves=rij["waves"])
        zinnen.append(sections.trend_sentence(ch, rij, wat))
    if zinnen:
        ch.text(" ".join(zinnen))

# %% [markdown]
# ## 4.6 Gewogen en ongewogen percentages
#
# Net als in de vorige hoofdstukken wegen we de antwoorden naar de verdeling over grootteklassen van alle gemeenten, om te zien of
# de ondervertegenwoordiging van kleine gemeenten de belangrijkste cijfers over de ondersteuning verandert.

# %%
gewogen = sections.weighting_section(ch, "gewogen_h4", chapter=4)

# %%
ch.finish()
