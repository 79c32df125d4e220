"""Chapter 4 "Ondersteuning" (notebooks/04_ondersteuning.ipynb): the rules behind its tables, figures and sentences.

The chapter shows three multi-choice questions on the support municipalities want (content, process, form), each next
to the previous wave that asked it (`Needs`), and the themes of the open answers (`OpenAnswers`, coding frame
ondersteuning). Year-on-year words come from helpers.report.text (the test on the counts); shares are shown rounded by
helpers.core.formatting. Every function takes the chapter (helpers.report.chapter.Chapter) where it needs data.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from helpers.analysis import coding, tables
from helpers.core import formatting as fmt
from helpers.report import claims, figures, text

FRAME = "ondersteuning"  # data/codebook/coding/ondersteuning.yml
MULTI_CHOICE_NOTE = "Meerdere antwoorden mogelijk; het totaal is daarom meer dan 100 %."
QUOTES_NOTE = ("Citaten zijn letterlijk overgenomen uit de antwoorden{synthetic}; persoonsgegevens zijn verwijderd en "
               "antwoorden waarin iets is weggelaten worden niet geciteerd. De thema's komen uit een codeerschema met "
               "trefwoorden; een antwoord kan bij meer dan één thema horen.")
THEME_OPENINGS = ("{intro} blijkt onder andere dat gemeenten", "Ook blijkt dat gemeenten", "Daarnaast blijkt dat gemeenten")
BEGINNING_PHASES = ["verkennend", "onderzocht"]  # lia_phase: municipalities at the start (chapter 2)


# --------------------------------------------------------------------------------------------------------------------
# Multi-choice questions on support, this wave next to the previous one


def exclusive_options(ch, question: str) -> list[str]:
    """The option codes that exclude the others ("geen behoefte")."""
    return [option.code for option in ch.cb.question(question).options if option.exclusive]


def ranked_options(ch, question: str, year: int | None = None) -> pd.DataFrame:
    """The options of a multi-choice question as the report lists them (a matrix_table of group alle): by descending
    share of the municipalities that answered, the exclusive option ('geen behoefte') last, 'anders' left out
    (in_table: false); ranks renumbered."""
    table = ch.matrix_table(question, populations=("alle",), year=year)
    table = table.assign(_last=table["item"].isin(exclusive_options(ch, question)))
    table = table.sort_values(["_last", "rank"], kind="stable").drop(columns="_last").reset_index(drop=True)
    table["rank"] = range(1, len(table) + 1)
    return table


@dataclass(frozen=True)
class Needs:
    """A multi-choice question on support: this wave's ranked options (`table`) and, when an earlier wave asked it,
    those of the latest such wave (`previous`, `previous_year`). Comparisons per option use the test on the counts."""

    question: str
    year: int
    table: pd.DataFrame
    exclusive: tuple[str, ...] = ()
    previous_year: int | None = None
    previous: pd.DataFrame | None = None

    @property
    def shares(self) -> pd.Series:
        return tables.item_shares(self.table)

    @property
    def previous_shares(self) -> pd.Series | None:
        return tables.item_shares(self.previous)

    @property
    def counts(self) -> dict[str, tuple[int, int]]:
        return text.table_counts(self.table)

    @property
    def previous_counts(self) -> dict[str, tuple[int, int]] | None:
        return text.table_counts(self.previous)

    @property
    def n(self) -> int:
        """The municipalities that answered the question in this wave."""
        return int(self.table["n_alle"].iloc[0])

    @property
    def wishes(self) -> pd.DataFrame:
        """The ranked options that are a need (the exclusive 'geen behoefte' left out)."""
        return self.table[~self.table["item"].isin(self.exclusive)]

    @property
    def compared_wishes(self) -> list[str]:
        """The needs the previous wave asked too (an option new this wave is not compared); [] without one."""
        if self.previous is None:
            return []
        return [c for c in self.wishes["item"] if c in set(self.previous["item"])]

    def label(self, code: str) -> str:
        return self.table.set_index("item").at[code, "label"]

    def previous_share(self, code: str) -> float | None:
        return None if self.previous is None else float(self.previous_shares[code])

    def compare(self, code: str) -> str | None:
        """text.compare of the option against the previous wave (None without one)."""
        return None if self.previous is None else text.compare(self.counts[code], self.previous_counts[code])

    def compared_phrase(self, code: str) -> str:
        return text.compared_phrase(self.counts[code], self.previous_counts[code], self.previous_year)

    def more_or_fewer(self, code: str) -> str:
        return text.more_or_fewer(self.counts[code], self.previous_counts[code])

    def versus(self, code: str) -> str:
        """ "22 % ten opzichte van 16 % in 2022"."""
        return text.versus(self.shares[code], self.previous_shares[code], self.previous_year)

    def same_as_shown(self, code: str) -> bool:
        """Is the option's share as shown (rounded) the same as in the previous wave?"""
        return text.rounded(self.shares[code]) == text.rounded(self.previous_shares[code])

    def largest_change(self, codes=None) -> str | None:
        """The option (of `codes`, default the needs) whose share as shown changed most since the previous wave (the
        first in report order on a tie); None when none changed or there is no previous wave."""
        if self.previous is None:
            return None
        codes = self.compared_wishes if codes is None else [c for c in codes if c in self.compared_wishes]
        if not codes:
            return None
        change = pd.Series({c: text.rounded(self.shares[c]) - text.rounded(self.previous_shares[c]) for c in codes})
        return change.abs().idxmax() if change.abs().max() > 0 else None

    def change_size(self, code: str) -> int:
        """How many percentage points the option's share as shown moved (absolute)."""
        return abs(text.rounded(self.shares[code]) - text.rounded(self.previous_shares[code]))

    @property
    def tidy(self) -> pd.DataFrame:
        """Tidy rows for the cijfers and the figures: this wave as group 'alle' labelled with its year and, when there
        is one, the previous wave as group '<year>'."""
        now = tables.matrix_long(self.table).assign(group_label=str(self.year))
        if self.previous is None:
            return now
        before = tables.matrix_long(self.previous).assign(group=str(self.previous_year),
                                                          group_label=str(self.previous_year))
        return pd.concat([now, before], ignore_index=True)

    def shown_table(self, header: str) -> pd.DataFrame:
        """The table as the report shows it: "1. label" under `header`, "% alle gemeenten" and, when there is a
        previous wave, "% in <year>"."""
        shown = pd.DataFrame({header: [f"{rank}. {label}" for rank, label in zip(self.table["rank"], self.table["label"],
                                                                                strict=True)],
                              "% alle gemeenten": self.table["pct_alle"].to_numpy()})
        if self.previous is not None:
            shown[f"% in {self.previous_year}"] = [self.previous_shares.get(code) for code in self.table["item"]]
        return shown

    def bar_figure(self):
        """One bar per option, or this wave's bars next to the previous wave's."""
        order = list(self.table["label"])
        if self.previous is None:
            return figures.bar_shares(self.tidy, label="item_label", order=order)
        return figures.grouped_bars(self.tidy, label="item_label", series="group_label", order=order,
                                    series_order=[str(self.previous_year), str(self.year)])

    def bar_alt(self, subject: str) -> str:
        """The alt text of bar_figure: every share, with the previous wave's in brackets."""
        if self.previous is None:
            return f"Staafdiagram van de {subject} in {self.year}: {text.shares_list(self.table['label'], self.table['pct_alle'])}."
        before = [self.previous_shares.get(code) for code in self.table["item"]]
        return (f"Staafdiagram van de {subject} in {self.year}, met tussen haakjes {self.previous_year}: "
                f"{text.shares_list(self.table['label'], self.table['pct_alle'], before)}.")


def needs(ch, question: str) -> Needs:
    """The question's ranked options this wave and in the latest earlier wave that asked it."""
    previous_year = ch.previous_wave(question)
    previous = ranked_options(ch, question, previous_year) if previous_year is not None else None
    return Needs(question, ch.year, ranked_options(ch, question), tuple(exclusive_options(ch, question)),
                 previous_year, previous)


def ticked_other(ch, question: str) -> int:
    """How many municipalities ticked 'anders, namelijk'."""
    shares = ch.distribution(question).set_index("answer")
    return int(shares.at["anders", "count"]) if "anders" in shares.index else 0


def multi_choice_note(ch, needs: Needs) -> str:
    """The note under a multi-choice table or figure: more than 100 %, the previous wave, 'anders' left out."""
    note = MULTI_CHOICE_NOTE
    if needs.previous_year is not None:
        note += f" Ter vergelijking staan ook de percentages van {needs.previous_year} erbij."
    other = ticked_other(ch, needs.question)
    if other:
        note += f" {text.municipalities_did(other, 'koos', 'kozen')} (ook) ‘anders, namelijk’; die optie is hier niet opgenomen."
    return note


def note_wave_wording(ch, question: str) -> None:
    """A note when this wave worded the question otherwise than the codebook (the caption shows the codebook's)."""
    asked, _ = ch.wave_wording(question)
    if asked != ch.question_text(question):
        ch.note(f"In {ch.year} luidde de vraag: ‘{asked}’")


def any_need(ch, question: str, year: int | None = None) -> pd.Series:
    """The municipalities that ticked at least one need (any option but the exclusive one): a tidy row with count,
    n and pct."""
    codes = [option.code for option in ch.question(question, year).options if not option.exclusive]
    return ch.group_share(question, codes, year=year).iloc[0]


# --------------------------------------------------------------------------------------------------------------------
# Comparing the needs with the previous wave


def overall_direction(needs: Needs) -> str | None:
    """ "meer" / "minder" when the needs moved one way across the board: significantly fewer (more) municipalities
    without a need and at least as many needs significantly higher (lower) as lower (higher); else None (a mixed
    picture)."""
    no_need = needs.compare(needs.exclusive[0])
    changes = text.change_counts((needs.counts[c], needs.previous_counts[c]) for c in needs.compared_wishes)
    if no_need == text.LOWER and changes[text.HIGHER] >= changes[text.LOWER]:
        return "meer"
    if no_need == text.HIGHER and changes[text.LOWER] >= changes[text.HIGHER]:
        return "minder"
    return None


def more_need(needs: Needs) -> bool | None:
    """Do significantly fewer municipalities than in the previous wave say they need none of the options (the test on
    the counts of the exclusive option)? None without a previous wave."""
    word = needs.compare(needs.exclusive[0])
    return None if word is None else word == text.LOWER


def mixed_phrase(needs: Needs) -> str:
    """ "bij twee onderdelen hoger en bij drie onderdelen gelijk (niet significant veranderd)": how many needs the
    test finds higher, lower and equal."""
    changes = text.change_counts((needs.counts[c], needs.previous_counts[c]) for c in needs.compared_wishes)
    parts = [f"bij {text.counted(changes[w], 'onderdeel', 'onderdelen')} {w}"
             for w in (text.HIGHER, text.LOWER, text.EQUAL) if changes[w]]
    return fmt.join(parts) + (" (niet significant veranderd)" if changes[text.EQUAL] else "")


def no_need_sentences(needs: Needs) -> list[str]:
    """The sentences on the municipalities without a need and the largest change among the needs."""
    no_need, largest = needs.exclusive[0], needs.largest_change()
    label = text.short_label(needs.label(largest)) if largest else ""
    if needs.compare(no_need) != text.EQUAL:
        sentence = (f"Er zijn {needs.more_or_fewer(no_need)} gemeenten die zeggen géén behoefte te hebben aan "
                    f"ondersteuning ({needs.versus(no_need)})")
        if largest:
            sentence += f" en {needs.more_or_fewer(largest)} die behoefte hebben aan {label} ({needs.versus(largest)})"
        return [sentence + "."]
    sentences = [f"Het aandeel gemeenten dat zegt géén behoefte te hebben aan ondersteuning is "
                 f"{needs.compared_phrase(no_need)}."]
    if largest and needs.compare(largest) != text.EQUAL:
        sentences.append(f"De grootste verandering zien we bij {label} ({needs.versus(largest)}).")
    elif largest:  # the largest difference as shown is within noise too: no "verandering" (one claim, one wording)
        sentences.append(f"Het grootste verschil zien we bij {label} ({needs.versus(largest)}), maar ook dat is niet "
                         "significant.")
    return sentences


def mixed_sentence(needs: Needs) -> str:
    """The comparison of all needs with the previous wave when they did not move one way (overall_direction None):
    "Vergeleken met 2022 is het beeld gemengd: het percentage ligt bij twee onderdelen hoger en …", or, when the test
    finds no need changed, "Vergeleken met 2022 is bij geen van de vijf onderdelen het percentage significant
    veranderd." (a picture without any change is not "gemengd")."""
    changes = text.change_counts((needs.counts[c], needs.previous_counts[c]) for c in needs.wishes["item"])
    if not changes[text.HIGHER] and not changes[text.LOWER]:
        return (f"Vergeleken met {needs.previous_year} is bij geen van de {fmt.words(changes[text.EQUAL])} onderdelen "
                "het percentage significant veranderd.")
    return f"Vergeleken met {needs.previous_year} is het beeld gemengd: het percentage ligt {mixed_phrase(needs)}."


def register_claims(ch, needs: Needs, prefix: str) -> None:
    """Register every option's comparison with the previous wave as a claim (helpers.report.claims), indicator
    `<prefix>_<option code>` as in data/codebook/indicators.yml ("inhoud_geen_behoefte"), with the wording
    compared_phrase gives it."""
    if needs.previous is None:
        return
    for code in needs.table["item"]:
        label = text.short_label(needs.label(code))
        subject = ("het aandeel gemeenten zonder behoefte aan ondersteuning" if code in needs.exclusive else
                   f"het aandeel gemeenten met behoefte aan {text.in_sentence(label)}")
        ch.claim(claims.from_test(f"{prefix}_{code}", label, needs.counts[code], needs.previous_counts[code],
                                  needs.previous_year, needs.year, needs.compared_phrase(code), subject=subject))


def overall_need_sentence(now, before, year_before: int, subject: str) -> str:
    """How the share of municipalities with at least one need (any_need rows of this wave and `year_before`) changed,
    after the test: "Over het geheel genomen is {subject} niet significant veranderd ten opzichte van 2022: …", "…
    blijft {subject} gelijk aan 2022: in beide jaren …" (equal as shown) or "… ligt {subject} hoger dan in 2022: …"."""
    word, shown_now, shown_before = text.compare(now, before), fmt.pct(now["pct"]), fmt.pct(before["pct"])
    share = f"{shown_now} van de gemeenten heeft behoefte aan ten minste één vorm ervan, tegen {shown_before} in {year_before}"
    if word == text.EQUAL and text.rounded(now["pct"]) != text.rounded(before["pct"]):
        return f"Over het geheel genomen is {subject} niet significant veranderd ten opzichte van {year_before}: {share}."
    if word == text.EQUAL:
        return (f"Over het geheel genomen blijft {subject} gelijk aan {year_before}: in beide jaren heeft {shown_now} van "
                "de gemeenten behoefte aan ten minste één vorm ervan.")
    return f"Over het geheel genomen ligt {subject} {word} dan in {year_before}: {share}."


def beginners(ch, year: int | None = None) -> pd.Series:
    """The municipalities at the start of implementing the convention (exploring, or examined what ratification means;
    lia_phase, chapter 2): a tidy row with count, n and pct."""
    return ch.group_share("lia_phase", BEGINNING_PHASES, year=year).iloc[0]


def previous_top_three(ch, question: str) -> tuple[list[int], dict[int, list[str]]]:
    """(the earlier waves that asked the question, {wave: its three most chosen option codes})."""
    earlier = [w for w in ch.waves() if w < ch.year and ch.asks(question, w)]
    return earlier, {w: list(ranked_options(ch, question, w)["item"].iloc[:3]) for w in earlier}


def top_three_sentences(ch, needs: Needs) -> list[str]:
    """How this wave's three most chosen options compare with the earlier waves' top three (as a set)."""
    top3 = set(needs.table["item"].iloc[:3])
    earlier, top3_then = previous_top_three(ch, needs.question)
    same = [w for w in earlier if set(top3_then[w]) == top3]
    other = [w for w in earlier if w not in same]
    if earlier and not other:
        return [f"Dit sluit aan bij de resultaten van voorgaande jaren ({fmt.join(str(w) for w in earlier)}). Ook toen "
                "scoorden deze drie vormen van ondersteuning het hoogst."]
    sentences = []
    for wave in other:
        dropped = [c for c in top3_then[wave] if c not in top3]
        label = ch.cb.question(needs.question).option  # an option of then may not have been asked now
        sentences.append(f"In {wave} stond{'en' if len(dropped) > 1 else ''} "
                         f"{fmt.join(text.in_sentence(label(c).label) for c in dropped)} nog in de top drie.")
    if same:
        sentences.append(f"In {fmt.join(str(w) for w in same)} scoorden dezelfde drie vormen het hoogst als nu.")
    return sentences


# --------------------------------------------------------------------------------------------------------------------
# Open answers


class OpenAnswers:
    """The open answers of the chapter coded with the frame ondersteuning (manual codings in
    data/codebook/coding/manual_codings.yml, section ondersteuning, override the rules). Remembers the quotes shown, so
    that the note on quotes comes once, under the first."""

    def __init__(self, ch, frame: str = FRAME):
        self.ch = ch
        self.frame_name = frame
        self.frame = coding.load_frame(frame)
        self.quotes_explained = False

    def coded(self, question: str, kinds=("comment", "other")) -> tuple[pd.DataFrame, pd.DataFrame]:
        """(texts, coded) of `question`: the texts of the given kinds this wave ("comment" toelichting, "other"
        'anders, namelijk') and their coding with the frame (helpers.analysis.coding.code_texts)."""
        _, answers = self.ch.data()
        texts = coding.frame_texts(answers, self.frame)
        texts = texts[(texts["question"] == question) & texts["kind"].isin(kinds)]
        return texts, coding.code_texts(texts, self.frame, manual=coding.MANUAL_FILE)

    def theme_paragraphs(self, question: str, coded: pd.DataFrame, themes: pd.DataFrame, intro: str, quotes: int
                         ) -> tuple[list[str], list[str]]:
        """(one paragraph per theme: the description with its count and up to `quotes` quotes, the quotes shown). The
        quotes are chosen reproducibly per wave, question and theme; no answer is quoted twice."""
        paragraphs: list[str] = []
        shown: list[str] = []
        for position, theme in enumerate(themes.itertuples()):
            opening = THEME_OPENINGS[min(position, len(THEME_OPENINGS) - 1)].format(intro=intro)
            sentence = f"{opening} {self.frame.theme(theme.theme).description} ({text.counted_municipalities(theme.count)})."
            chosen = text.theme_quotes(coded, theme.theme, quotes,
                                       seed_key=f"{self.ch.year}/{self.frame_name}/{question}/{theme.theme}",
                                       exclude=[coding.text_hash(t) for t in shown])
            shown += chosen
            paragraphs.append(sentence + ("\n\n" + "\n\n".join(coding.blockquote(t) for t in chosen) if chosen else ""))
        return paragraphs, shown

    def show(self, question: str, kinds=("comment", "other"), intro: str = "Uit de toelichtingen", max_themes: int = 3,
             quotes: int = 2) -> pd.DataFrame | None:
        """Show what the municipalities wrote with `question`: how many wrote something, the `max_themes` most frequent
        themes with their count and quotes, the other themes in one line, the answers that fit no theme. Returns the
        theme counts (None when nobody wrote anything)."""
        ch, frame = self.ch, self.frame
        texts, coded = self.coded(question, kinds)
        n = int(texts["response_id"].nunique())
        what = ("een toelichting" if tuple(kinds) == ("comment",)
                else "een toelichting of vulden bij ‘anders, namelijk’ iets in" if n != 1
                else "een toelichting of vulde bij ‘anders, namelijk’ iets in")
        if not n:
            ch.text(f"Bij deze vraag gaf geen enkele gemeente {what.split(' of ')[0]}.")
            return None
        counts = coding.theme_counts(coded, texts, frame)
        themes = counts[(counts["count"] > 0) & (counts["theme"] != frame.fallback)]
        unthemed = int(counts.loc[counts["theme"] == frame.fallback, "count"].sum())
        paragraphs, shown = self.theme_paragraphs(question, coded, themes.head(max_themes), intro, quotes)
        parts = [f"{text.municipalities_did(n, 'gaf', 'gaven')} {what}.", *paragraphs]
        if len(themes) > max_themes:
            parts.append("Verder noemen gemeenten: " + fmt.join(f"{text.in_sentence(row.label)} ({fmt.number(row.count)})"
                                                                for row in themes.iloc[max_themes:].itertuples()) + ".")
        if unthemed and not len(themes):
            parts.append(f"{'Die valt' if n == 1 else 'Die vallen'} onder geen van de thema's van het codeerschema.")
        elif unthemed:
            parts.append(f"{text.municipalities_did(unthemed, 'schreef', 'schreven')} iets dat onder geen van deze "
                         "thema's valt.")
        ch.text("\n\n".join(parts))
        if shown and not self.quotes_explained:
            ch.note(QUOTES_NOTE.format(synthetic=" (hier: de synthetische vervanging van de peiling)" if ch.synthetic
                                       else ""))
            self.quotes_explained = True
        if coded.attrs.get("unused_manual"):
            ch.note("Handmatige coderingen zonder bijbehorend antwoord: " + ", ".join(coded.attrs["unused_manual"]) + ".")
        return counts
