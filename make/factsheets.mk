# ---------------------------------------------------------------------------------------------------------------
# Factsheets per municipality ("Waar staat mijn gemeente?"), included from the Makefile. Confidential: one HTML and PDF
# per participating municipality in reports/<year>/factsheets/ with INDEX.csv for the researcher; never linked from
# the public report, never in its MANIFEST, never committed (reports/ is in .gitignore). helpers.factsheets executes
# notebooks/factsheet.ipynb once per municipality in FACTSHEET_JOBS long-lived kernels (helpers.publish.runner's
# KernelSession: no process or kernel start per municipality), renders the HTML with helpers.publish.assemble's
# templates and the PDF with helpers.publish.assemble.write_pdf, builds everything in build/<year>/factsheets/staging
# and swaps it in only when all succeeded. It prints "N factsheets in S s" (make bench reads that line).
FACTSHEET_JOBS    ?= 2
# The helpers: helpers.factsheets imports most of them (publish and its runner, report and through it disclosure,
# tables, ...), so every helper except the privacy scan; a hand-kept list missed new imports.
FACTSHEET_HELPERS := $(filter-out src/helpers/publish/privacy_scan.py,$(HELPERS))
FACTSHEET_INPUTS  := notebooks/factsheet.ipynb $(FACTSHEET_HELPERS) $(CODEBOOK) \
                     $(addprefix src/helpers/templates/,factsheet.html.j2 factsheet.css page.html.j2 notice.html.j2) \
                     $(shell find src/helpers/templates/flitspeiling -type f 2>/dev/null)
# The full-response scale test: a synthetic 2023 wave in which all municipalities of the frame answer (never in
# data/processed; made up data, so written by helpers.synthetic.full_response), and its factsheets.
FULL_RESPONSE     := build/bench/full_response

.PHONY: factsheets factsheets-full-response factsheets-clean
factsheets: reports/$(YEAR)/factsheets/INDEX.csv ## Confidential factsheet (HTML + PDF) per participant of YEAR in reports/YEAR/factsheets/ (not public)

factsheets-full-response: $(FULL_RESPONSE)/factsheets/INDEX.csv ## Scale test: factsheets of a synthetic full-response 2023 wave (all municipalities) in build/bench/

factsheets-clean: ## Remove the factsheets of YEAR and of the full-response test, so that the next build makes all again
	rm -rf reports/$(YEAR)/factsheets build/$(YEAR)/factsheets $(FULL_RESPONSE)

# Every wave's processed data: the LIA history reads the earlier waves through the crosswalk.
reports/%/factsheets/INDEX.csv: $(FACTSHEET_INPUTS) $(PROCESSED) $(FRAMES) $(ENV_STAMP) | system-packages
	@$(STEP) --last-line --log build/$*/logs/factsheets.log "factsheets ($*)" -- \
		$(PY) -m helpers.factsheets build --year $* --jobs $(FACTSHEET_JOBS)

$(FULL_RESPONSE)/processed/2023/responses.parquet: $(PROCESSED) $(FRAMES) $(REFERENCE) \
		src/helpers/synthetic/full_response.py $(ENV_STAMP)
	@$(STEP) --log $(FULL_RESPONSE)/logs/processed.log "full-response wave (synthetic, 2023)" -- \
		$(PY) -m helpers.synthetic.full_response --year 2023 --out $(FULL_RESPONSE)/processed

$(FULL_RESPONSE)/factsheets/INDEX.csv: $(FULL_RESPONSE)/processed/2023/responses.parquet $(FACTSHEET_INPUTS) \
		$(ENV_STAMP) | system-packages
	@$(STEP) --last-line --log $(FULL_RESPONSE)/logs/factsheets.log "factsheets (synthetic full response, 2023)" -- \
		$(PY) -m helpers.factsheets build --year 2023 --jobs $(FACTSHEET_JOBS) --processed-dir $(FULL_RESPONSE)/processed \
		--out $(FULL_RESPONSE)/factsheets --build-dir $(FULL_RESPONSE)/build --label "synthetic full response"
