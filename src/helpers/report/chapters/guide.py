"""Bijlage D Leeswijzer en methoden: the statistical terms of the report, each explained once in plain Dutch.

The chapters keep one plain sentence per statistical block and refer here (helpers.report.sections.guide_name) for what a
confidence interval, the trend model, the panel, weighting and the small-group rule mean for the reader. The two
intervals the report gives for one share (the weighted table: finite-population correction; the trend figure:
Wilson) are reconciled with the wave's own numbers (`intervals_paragraph`).
"""

from __future__ import annotations

from dataclasses import dataclass

from helpers import MIN_GROUP
from helpers.analysis import stats, weighting
from helpers.core import formatting as fmt

FLAG_BELOW, CAUTION_BELOW = 20, 50  # as helpers.analysis.stats.apply_disclosure_rules marks and cautions
INTERVAL_INDICATOR = "lia_uitgevoerd"  # the share the interval paragraph takes as its example

INTRO = ("Deze bijlage legt in gewone woorden uit hoe de cijfers van dit rapport tot stand komen en hoe u ze leest. "
         "Elk begrip hieronder wordt hier één keer uitgelegd; de hoofdstukken verwijzen hierheen waar ze de marges, "
         "het trendmodel of de weging gebruiken.")

DIFFERENCES = (
    "Een verschil met een eerdere meting heet in de tekst alleen ‘hoger’, ‘lager’, ‘meer’, ‘minder’, ‘gestegen’ of "
    "‘gedaald’ als een toets op de aantallen het verschil te groot vindt om aan toeval toe te schrijven (de "
    "twee-proportietoets, bij kleine aantallen de exacte toets van Fisher; p < 0,05). Anders staat er ‘niet "
    "significant hoger’ of ‘niet significant lager’, of ‘gelijk’ als de afgeronde percentages gelijk zijn. Elke "
    "vergelijking zegt met welke meting ze vergelijkt: met de vorige peiling, of over alle metingen samen (de trend). "
    "Het rapport controleert bij het maken dat het over één cijfer en één periode niet twee verschillende dingen zegt.")

TREND = (
    "Om te zien of een percentage over de jaren stijgt of daalt, kijkt het rapport naar alle metingen samen, niet "
    "alleen naar de eerste en de laatste. Het trendmodel trekt de best passende lijn door alle metingen en geeft hoeveel "
    "procentpunt het aandeel gemiddeld per jaar veranderde, met een marge. Ligt 0 binnen die marge, dan is er geen "
    "aantoonbare trend. In de trendtabellen staan ook de odds ratio per jaar (dezelfde trend in de maat van het model: "
    "de factor waarmee de verhouding ‘wel’ tegen ‘niet’ elk jaar verandert; 1 betekent geen verandering) en p (de kans "
    "op een minstens zo grote trend als er in werkelijkheid geen trend is). Technisch is het model een binomiaal "
    "logistisch regressiemodel op het jaar van de meting; de verandering per jaar is het gemiddeld marginaal effect, "
    "p komt uit de Wald-toets. ‘Gecorrigeerd voor grootte’ is hetzelfde model binnen gemeenten van dezelfde grootte "
    "(aantal inwoners), omdat niet elk jaar dezelfde mix van grote en kleine gemeenten meedoet. Een trend en de "
    "vergelijking met vorig jaar kunnen verschillen: een aandeel kan over alle jaren duidelijk stijgen terwijl het "
    "verschil met vorig jaar binnen de marge valt, of dit jaar dalen na jaren van groei. De samenvatting noemt dan "
    "beide.")

PANEL = (
    "Elk jaar doet een deels andere groep gemeenten mee. Een verschil met de vorige peiling kan daardoor twee oorzaken "
    "hebben: de gemeenten die beide keren meededen zijn veranderd, of de gemeenten die nieuw meedoen (of niet meer "
    "meedoen) verschillen van de rest. Het panel is de groep gemeenten die aan beide peilingen meededen. Door hun "
    "antwoorden te volgen, splitst het rapport het verschil in twee delen die samen precies het hele verschil zijn: "
    "de verandering binnen gemeenten en de verandering in de samenstelling (door nieuwkomers en vertrekkers). "
    "Een gemeente die inmiddels is heringedeeld, volgt het rapport onder de gemeente waarin ze is opgegaan, zodat een "
    "herindeling geen breuk geeft.")

WEIGHTING = (
    "De deelnemende gemeenten zijn geen aselecte steekproef: kleine gemeenten doen minder vaak mee. Bij weging tellen "
    "de antwoorden zo mee dat elke grootteklasse (aantal inwoners) even zwaar weegt als onder alle gemeenten van "
    "Nederland (technisch: poststratificatie naar grootteklasse). Gemeenten uit een ondervertegenwoordigde klasse "
    "tellen dan zwaarder mee. Verschilt het gewogen percentage weinig van het ongewogen, dan verandert de scheve "
    "deelname het beeld niet. De percentages in de tekst en de figuren zijn ongewogen, zoals in de eerdere rapporten.")

SMALL_GROUPS = (
    f"Om geen gemeente herkenbaar te maken, toont het rapport geen groep van minder dan {fmt.words(MIN_GROUP)} "
    "gemeenten apart: zo'n groep wordt samengevoegd met een naastliggende groep, of het cijfer wordt weggelaten. Een "
    f"percentage van 0 % of 100 % in een groep van minder dan {FLAG_BELOW} gemeenten zegt iets over elke gemeente in "
    f"die groep; het is gemarkeerd met een sterretje (*). Bij een basis van minder dan {CAUTION_BELOW} gemeenten staat "
    "erbij dat de percentages met voorzichtigheid te lezen zijn.")


@dataclass(frozen=True)
class Intervals:
    """Two 95 % intervals of one share of the wave: with the finite-population correction (as in the weighted table)
    and the Wilson interval (as in the trend figure); pct, n, the number of municipalities in the frame."""

    label: str
    pct: float
    n: int
    frame_total: int
    finite: tuple[float, float]
    wilson: tuple[float, float]


def intervals(responses, answers, year: int, cb=None, indicator: str = INTERVAL_INDICATOR) -> Intervals | None:
    """Both intervals of `indicator` (a headline indicator of data/codebook/indicators.yml) in wave `year`, computed
    as the weighted table and the trend figure compute them; None when the wave did not ask its question."""
    frame = weighting.frame_counts(year, cb=cb)
    table = weighting.estimates(responses, answers, year, frame=frame, cb=cb)
    if table.empty or indicator not in set(table["indicator"]):
        return None
    row = table.set_index("indicator").loc[indicator]
    low, high = stats.wilson_interval(int(row["count"]), int(row["n"]))
    return Intervals(label=str(row["label"]), pct=float(row["pct"]), n=int(row["n"]), frame_total=int(frame.total),
                     finite=(float(row["ci_low"]), float(row["ci_high"])), wilson=(low, high))


def _range(bounds: tuple[float, float]) -> str:
    """ "26 % en 34 %" (after "tussen")."""
    return f"{fmt.pct(bounds[0])} en {fmt.pct(bounds[1])}"


def intervals_paragraph(found: Intervals | None, table_ref: str | None, figure_ref: str | None) -> str:
    """What a margin (95 % confidence interval) is, and why the weighted table and the trend figure give a different
    one for the same share, with this wave's numbers. `table_ref`/`figure_ref`: how the text names the items ("tabel
    T3"), None when the wave does not show them."""
    text = ("Een percentage uit de peiling is een schatting. De marge, het 95%-betrouwbaarheidsinterval, geeft de "
            "grenzen waarbinnen het percentage met 95 % zekerheid ligt; hoe meer gemeenten de vraag beantwoordden, hoe "
            "smaller de marge.")
    if found is None:
        return text
    share = f"‘{found.label}’ ({fmt.pct(found.pct)}, n = {fmt.number(found.n)})"
    where = (f"In {table_ref} ligt {share} tussen {_range(found.finite)}" if table_ref else
             f"Met de marge van de tabellen ‘gewogen en ongewogen’ ligt {share} tussen {_range(found.finite)}")
    where += (f", in {figure_ref} tussen {_range(found.wilson)}." if figure_ref else
              f"; als gewone steekproef zou de marge tussen {_range(found.wilson)} liggen.")
    share_of_all = fmt.pct(100 * found.n / found.frame_total)
    return (f"{text} Het rapport gebruikt twee marges, die elk een andere vraag beantwoorden. {where} De tabellen "
            f"‘gewogen en ongewogen’ zeggen iets over alle {fmt.number(found.frame_total)} gemeenten van dit jaar: "
            f"omdat {share_of_all} van hen de vraag beantwoordde, is een groot deel van het antwoord al zeker, en de "
            "marge houdt daar rekening mee (technisch: de eindigepopulatiecorrectie). De trendfiguren vergelijken "
            "metingen over de jaren; daar is elke meting een van de mogelijke uitkomsten en is de marge die van een "
            "gewone steekproef (technisch: het Wilson-interval), dus breder. Gebruik de eerste voor een uitspraak over "
            "alle gemeenten in dit jaar, de tweede om jaren te vergelijken.")
