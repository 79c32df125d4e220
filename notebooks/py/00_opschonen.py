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

# %% [markdown] tags=["remove_cell"]
# # Opschonen: van ruwe export naar verwerkte gegevens

# %% [markdown]
# Dit notebook schoont de export van één ronde van de flitspeiling op en schrijft de verwerkte gegevens naar
# `data/processed/<jaar>/` (`responses.parquet`, `answers.parquet`, `quality.json`). De uitvoer zonder code is de
# bijlage over datakwaliteit en opschoning van die ronde.
#
# Het notebook rekent zelf niets uit: de regels staan in `data/codebook/cleaning.yml` en worden toegepast door
# `helpers.data.cleaning`; elk getal in de tekst hieronder komt uit het kwaliteitslogboek van die stap. Draai het met
# `make data` (papermill, één keer per ronde) of met de parameters hieronder.

# %% tags=["parameters"]
year = 2023
raw_dir = "../data/raw"
processed_dir = ""  # make passes ../data/processed; empty: a run outside make writes to build/<year>/interactive/
small_threshold = 25000

# %%
from pathlib import Path

from IPython import get_ipython
from IPython.display import HTML, Markdown, display

from helpers.data import cleaning
from helpers.data.processed import write_processed
from helpers.report import appendix

# %%
get_ipython().InteractiveTB.set_mode("Minimal")  # an error shows its message (one line per problem), not a traceback

# %% [markdown]
# De opschoning leest en controleert de export (elke cel tegen het codeboek). Bij een fout stopt het notebook met één
# regel per probleem (bestand, rij, kolom, gevonden, verwacht, suggestie) en blijven eerder verwerkte gegevens staan.

# %%
result = cleaning.clean_wave(year, raw_dir=Path(raw_dir), small_threshold=small_threshold)
out_dir = write_processed(result, appendix.output_dir(year, processed_dir))
quality, responses = result.quality, result.responses
counts, provenance, parameters = quality["counts"], quality["provenance"], quality["parameters"]

# %%
display(Markdown(f"# Bijlage: datakwaliteit en opschoning {year}"))

# %%
if provenance["synthetic"]:
    display(Markdown(
        "> **Let op: synthetische gegevens.** De export van deze ronde is de synthetische vervanger die dit project "
        "zelf maakt (`data/raw/survey/provenance.yml`, gecontroleerd op de SHA-256 van het bestand). Alle aantallen in "
        "deze bijlage gaan over die vervanger, niet over de echte peiling."))
else:
    display(Markdown(f"Status van de gegevens: **{provenance['data_status']}**. {provenance['provenance_note']}."))

# %%
source = provenance["input_files"][0]
approximate = parameters["population_source"] == "frame_approximate"
display(Markdown(
    f"Bron: `{source['file']}` in de map met ruwe gegevens ({source['size_bytes']} bytes, SHA-256 `{source['sha256']}`), "
    f"gelezen volgens `data/codebook/{quality['source']['codebook']}`. Gemeentelijke indeling op "
    f"{parameters['frame_date']}; inwonertallen voor de grootteklassen op 1 januari {parameters['population_year']}"
    + (" (niet beschikbaar: benaderd met de inwonertallen van de gemeentelijke indeling, zie "
       "`helpers.data.municipalities`)." if approximate else ".")))

# %% [markdown]
# ## Van export naar eenheden
#
# Elke regel uit `cleaning.yml` wordt in deze volgorde toegepast. Een *eenheid* is één gemeente met één ingevulde
# peiling; een gezamenlijk antwoord voor meer gemeenten telt voor elke genoemde gemeente, zoals het rapport de
# deelnemende gemeenten telt. Gezamenlijke antwoorden worden gesplitst vóór het oplossen van dubbele inzendingen, zodat een
# gemeente die ook zelf invulde één eenheid houdt en haar partners de hunne.

# %%
display(Markdown(
    f"De export telt {counts['rows_in']} rijen. Daarvan zijn {counts['test_responses']} testresponses verwijderd en "
    f"{counts['excluded_no_first_content']} rijen niet meegeteld omdat de eerste inhoudelijke vraag niet is "
    f"beantwoord (rapport 2023, voetnoot 1). Er blijven {counts['valid_rows']} geldige responsen over. "
    f"Na splitsen van {counts['joint_rows']} gezamenlijke antwoorden (+{counts['joint_units_added']}) en het "
    f"verwijderen van {counts['duplicates_removed']} dubbele inzendingen zijn er {counts['units_out']} eenheden, "
    f"waarvan {counts['identified_municipalities']} met een gemeente uit de CBS-lijst en "
    f"{counts['unmatched_total']} zonder gemeentecode."))
display(HTML(appendix.quality_table(cleaning.steps_table(quality),
                                    "Van export naar eenheden: de stappen van de opschoning")))

# %% [markdown]
# ## Dubbele inzendingen
#
# Heeft één gemeente meer dan eens ingevuld, dan blijft de inzending met de meeste beantwoorde vragen over; bij
# gelijkspel de laatst ingezonden, dan de laatst begonnen, dan het hoogste respondentnummer. Ze staan hier op
# responsnummer, niet op naam.

# %%
duplicates = cleaning.duplicates_table(quality)
display(Markdown(f"Aantal verwijderde dubbele inzendingen: {counts['duplicates_removed']} "
                 f"(bij {len(duplicates)} gemeenten)."))
if len(duplicates):
    display(HTML(appendix.quality_table(duplicates, "Verwijderde dubbele inzendingen, per gemeente")))

# %%
joint = quality["joint"]
display(Markdown(f"Gezamenlijke antwoorden: {len(joint)}. " + " ".join(
    f"Respons {j['joint_group']} telt voor {len(j['municipality_codes'])} gemeenten "
    f"({', '.join(j['municipality_codes'])})." for j in joint)))

# %% [markdown]
# ## Niet te koppelen gemeentenamen
#
# Namen die niet aan precies één gemeente van de CBS-lijst te koppelen zijn, blijven als geldige respons staan zonder
# gemeentecode (en dus zonder grootteklasse). Een onderzoeker die weet welke gemeente bedoeld is, legt dat vast in
# `data/codebook/municipality_resolutions.yml` met een controleerbare reden; er wordt niets gegokt. De ingevulde tekst
# is eerst geschoond van persoonsgegevens.

# %%
unmatched = cleaning.unmatched_table(quality)
display(Markdown(f"Eenheden zonder gemeentecode: {counts['unmatched_total']} "
                 f"({appendix.unmatched_by_status(counts['unmatched'])}). "
                 f"Besluiten van onderzoekers toegepast: {parameters['resolutions']}."))
if len(unmatched):
    display(HTML(appendix.quality_table(unmatched, "Eenheden zonder gemeentecode")))

# %% [markdown]
# ## Privacy en routing
#
# De persoonsgegevens in de export (naam, e-mailadres, telefoonnummer, IP-adres) gaan niet mee naar de verwerkte
# gegevens. Vrije tekst is geschoond van e-mailadressen, telefoonnummers, IP-adressen en de naam van de invuller zelf.
# Antwoorden op vragen die volgens de routering niet aan de invuller gesteld zijn, worden verwijderd en geteld.

# %%
scrubbed = counts["scrubbed"]
placeholders = parameters["scrub_placeholders"]
display(Markdown(
    f"Verwijderde kolommen: {', '.join(f'`{c}`' for c in counts['personal_columns_dropped'])}. Vervangen in vrije "
    f"tekst: {scrubbed['email']} e-mailadressen (door `{placeholders['email']}`), {scrubbed['phone']} "
    f"telefoonnummers (`{placeholders['phone']}`), {scrubbed['ip']} IP-adressen (`{placeholders['ip']}`) en "
    f"{scrubbed['name']} namen (`{placeholders['name']}`). Antwoorden op niet-gerouteerde vragen verwijderd: "
    f"{counts['not_routed_answers_dropped']} (bij {len(quality['not_routed'])} eenheid/vraag-combinaties)."))

# %% [markdown]
# ## Eenheden naar grootteklasse
#
# Grootteklasse naar aantal inwoners op de peildatum voor inwonertallen; "klein" is minder dan de drempel hieronder.
# Eenheden zonder gemeentecode hebben geen grootteklasse.

# %%
sizes = cleaning.size_class_table(responses)
n_small = int(responses["klein"].fillna(False).sum())
display(Markdown(f"Kleine gemeenten (minder dan {small_threshold} inwoners): {n_small} van "
                 f"{counts['identified_municipalities']} eenheden met een gemeente."))
display(HTML(appendix.quality_table(sizes, "Eenheden naar grootteklasse")))

# %% [markdown]
# ## Beantwoording per vraag
#
# Per vraag: aan hoeveel eenheden de vraag gesteld is (volgens de routering), hoeveel haar beantwoordden, en bij
# hoeveel eenheden dit de laatst beantwoorde vraag was (afhaken). Een toelichting alleen telt niet als antwoord.

# %%
items = cleaning.item_response_table(quality)
n_completed = int(responses["completed"].sum())
display(Markdown(f"Volledig ingezonden: {n_completed} van {counts['units_out']} eenheden."))
display(HTML(appendix.quality_table(items, "Beantwoording per vraag")))

# %% [markdown]
# ## Aansluiting met de gepubliceerde aantallen
#
# Het gepubliceerde aantal deelnemers (uit `data/published/published_numbers.yml`) naast de geldige responsen en de
# geïdentificeerde gemeenten van deze opschoning. Voor 2023 ook de vergelijking met de lijst deelnemende gemeenten in
# Bijlage A van het rapport (`data/published/bijlage_a_2023.csv`).

# %%
published = cleaning.published_participants(year)
published_text = published if published is not None else "niet gepubliceerd"
display(Markdown(
    f"Gepubliceerd aantal deelnemende gemeenten {year}: {published_text}. Geldige responsen: {counts['valid_rows']}. "
    f"Eenheden na opschoning: {counts['units_out']}. Geïdentificeerde gemeenten: "
    f"{counts['identified_municipalities']}."))

# %%
reconciliation = cleaning.reconcile_participant_list(responses, year) if year == 2023 else None
if reconciliation is not None and not reconciliation.available:
    display(Markdown(f"**Bijlage A:** {reconciliation.message}"))
elif reconciliation is not None:
    display(Markdown(
        f"Bijlage A telt {reconciliation.entries} vermeldingen die samen {reconciliation.municipalities} gemeenten "
        f"noemen; {reconciliation.unmatched_entries} vermeldingen zijn niet aan één gemeente te koppelen. Van de "
        f"genoemde gemeenten hebben er {reconciliation.matched_to_units} een eenheid in deze gegevens. Niet "
        f"teruggevonden vermeldingen: {len(reconciliation.not_in_responses)}; eenheden met een gemeente die niet in "
        f"Bijlage A staat: {len(reconciliation.not_in_list)}."))

# %%
if reconciliation is not None and reconciliation.available and len(reconciliation.not_in_responses):
    display(Markdown("Vermeldingen in Bijlage A zonder bijbehorende respons:"))
    display(HTML(appendix.quality_table(reconciliation.not_in_responses,
                                        "Vermeldingen in Bijlage A zonder bijbehorende respons")))
if reconciliation is not None and reconciliation.available and len(reconciliation.not_in_list):
    display(Markdown("Eenheden met een gemeente die niet in Bijlage A staat:"))
    display(HTML(appendix.quality_table(reconciliation.not_in_list,
                                        "Eenheden met een gemeente die niet in Bijlage A staat")))

# %%
display(Markdown(f"Verwerkte gegevens geschreven naar `data/processed/{out_dir.name}/`: "
                 f"{len(responses)} eenheden en {counts['answers_rows']} antwoordregels."))
