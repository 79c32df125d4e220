#!/usr/bin/env bash
# make diff [YEAR=2023] [BASE=<git ref>]: build the wave at BASE in a scratch worktree (build/diff/<commit>) and write
# reports/<year>/wijzigingen.html and .csv (helpers.publish.changes), then reports/index.html (helpers.publish.index).
# Called by the Makefile after it built reports/<year>/ of this checkout. See docs/reviewing-changes.md.
#
# BASE defaults to HEAD (the last commit) when the inputs in the working tree differ from it, else to HEAD~1 (what the
# last commit changed). What is reused: this checkout's .venv when the base pins the same environment (the base's own
# code comes first on PYTHONPATH), the CBS reference files, the processed data when the base cleans with the same
# inputs, and the base's worktree with its build from an earlier `make diff` (make rebuilds only what changed).
set -euo pipefail

year=${1:?usage: tools/diff_report.sh YEAR [BASE]}
base=${2:-}
root=$(pwd)
py="$root/.venv/bin/python"
# Everything a build reads (compared with `git diff` against the base).
inputs=(src notebooks data/codebook data/published data/raw/survey Makefile make requirements.lock pyproject.toml)
# What the cleaning reads: its notebook, the data, the runner and the helpers it imported at its last run here (the
# .d files of helpers.publish.runner; every helper when there are none).
cleaning_helpers=$(sed -n 's/^data\/processed\/[0-9]*\/responses.parquet: //p' build/notebooks/*/00_opschonen.d 2>/dev/null \
                   | tr ' ' '\n' | sort -u)
cleaning_inputs=(notebooks/00_opschonen.ipynb data/codebook data/published data/raw/survey requirements.lock pyproject.toml
                 src/helpers/publish/runner.py src/helpers/publish/fragments.py src/helpers/templates/flitspeiling
                 ${cleaning_helpers:-src/helpers})

if [ -z "$base" ]; then
    if git diff --quiet HEAD -- "${inputs[@]}"; then base=HEAD~1; else base=HEAD; fi
fi
commit=$(git rev-parse --verify --quiet "$base^{commit}") \
    || { echo "error: BASE=$base is not a commit of this repository (try BASE=HEAD, BASE=main or a commit hash)" >&2; exit 1; }
label="$base (${commit:0:12})"

if git diff --quiet "$commit" -- "${inputs[@]}"; then
    # Nothing a build reads differs: the base's build is this one.
    "$py" -m helpers.publish.changes --year "$year" --base-root "$root" --ref "$label" --root "$root"
    exec "$py" -m helpers.publish.index --reports reports
fi

dir="build/diff/${commit:0:12}"
git worktree prune
if ! git -C "$dir" rev-parse --git-dir >/dev/null 2>&1; then
    rm -rf "$dir"
    mkdir -p build/diff
    git worktree add --detach --force "$dir" "$commit" >/dev/null
    echo "diff: base $label checked out in $dir"
    # The environment: this one when the base pins the same (its stamp then stays newer than the base's lock).
    if git diff --quiet "$commit" -- requirements.lock pyproject.toml; then
        ln -s "$root/.venv" "$dir/.venv"
        touch -d @0 "$dir/requirements.lock" "$dir/pyproject.toml"
    fi
    if [ -d data/raw/reference ]; then
        cp -a data/raw/reference "$dir/data/raw/reference"
    fi
    # The processed data, when the base cleans the same exports with the same code and codebook: copied and marked
    # newer than the base's freshly checked-out sources, in the order make checks them.
    if git diff --quiet "$commit" -- "${cleaning_inputs[@]}" && [ -d data/processed ]; then
        echo "diff: the base cleans with the same inputs: data/processed reused"
        cp -r data/processed/. "$dir/data/processed/"
        [ -d build/notebooks ] && mkdir -p "$dir/build" && cp -r build/notebooks "$dir/build/notebooks"
        for report in reports/*/datakwaliteit.html; do
            [ -f "$report" ] && mkdir -p "$dir/$(dirname "$report")" && cp "$report" "$dir/$report"
        done
        touch "$dir"/data/raw/reference/* 2>/dev/null || true
        touch "$dir"/data/processed/frames.parquet "$dir"/data/processed/crosswalk.parquet 2>/dev/null || true
        touch "$dir"/data/processed/*/* "$dir"/reports/*/datakwaliteit.html 2>/dev/null || true
    fi
fi

echo "diff: building $year at $label (make report in $dir)"
# A make of its own (not a sub-make of ours: our command-line variables and jobserver stay out).
( cd "$dir" && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL PYTHONPATH="$root/$dir/src" \
      make --no-print-directory -j2 report YEAR="$year" >"build-diff.log" 2>&1 ) \
    || { echo "error: the base did not build; its log: $dir/build-diff.log" >&2; tail -20 "$dir/build-diff.log" >&2; exit 1; }
"$py" -m helpers.publish.changes --year "$year" --base-root "$dir" --ref "$label" --root "$root"
"$py" -m helpers.publish.index --reports reports
