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

# %% tags=["parameters"]
year = 2023
processed_dir = "../data/processed"
parts_dir = ""
small_threshold = 25000

# %%
from helpers.data import cleaning
from helpers.report import appendix
from helpers.report.chapter import Chapter

ch = Chapter(chapter="datakwaliteit", year=year, processed_dir=processed_dir, parts_dir=parts_dir,
             small_threshold=small_threshold)
ch.notice()
quality, responses = ch.quality, ch.responses

# %%
ch.text("Deze bijlage laat zien hoe de antwoorden van de peiling zijn opgeschoond voordat ze in dit rapport zijn "
        "geteld: welke inzendingen niet meetellen en waarom, hoe dubbele en gezamenlijke inzendingen zijn behandeld, "
        "welke deelnemers niet aan een gemeente te koppelen zijn, wat er is gedaan om persoonsgegevens te beschermen, "
        "en hoe volledig elke vraag is beantwoord. Alle aantallen komen uit het logboek van de opschoning.")

# %%
ch.text("## Van inzendingen naar deelnemers\n\n" + appendix.steps_sentences(quality))
stappen = appendix.report_table(cleaning.steps_table(quality))
ch.text_table(stappen, "Van inzendingen naar deelnemers: de stappen van de opschoning",
              note="Een gezamenlijk antwoord voor meer gemeenten telt voor elke genoemde gemeente. Van een gemeente "
                   "die meer dan eens invulde, blijft de inzending met de meeste beantwoorde vragen over.")

# %%
ch.text("## Deelnemers zonder gemeente\n\n" + appendix.unmatched_sentence(quality))
niet_gekoppeld = appendix.report_table(cleaning.unmatched_table(quality))
if len(niet_gekoppeld):
    ch.text_table(niet_gekoppeld, "Deelnemers die niet aan één gemeente te koppelen zijn",
                  note="De ingevulde naam is eerst geschoond van persoonsgegevens.")

# %%
ch.text("## Persoonsgegevens\n\n" + appendix.privacy_sentence(quality))

# %%
grootte = cleaning.size_class_table(responses)
ch.text("## Deelnemers naar grootte")
ch.text_table(grootte, "Deelnemers naar aantal inwoners van hun gemeente", formats=appendix.share_formats(grootte),
              note="Deelnemers zonder gemeente of zonder bekend inwonertal hebben geen grootteklasse.")

# %%
beantwoording = appendix.questions_table(quality)
ch.text("## Beantwoording per vraag\n\nPer vraag: aan hoeveel deelnemers de vraag gesteld is, hoeveel haar "
        "beantwoordden, en bij hoeveel deelnemers dit de laatste beantwoorde vraag was. Een toelichting alleen telt "
        "niet als antwoord.")
ch.text_table(beantwoording, "Beantwoording per vraag", formats=appendix.share_formats(beantwoording))

# %%
ch.text("## Aansluiting met het gepubliceerde rapport\n\n" + appendix.published_sentence(quality, year))
ch.finish()
