#!/usr/bin/env bash
# Lints faultline's Markdown postmortem drafts with markdownlint-cli2: npm install -g markdownlint-cli2@0.22.1
# (the newest for Node 20; 0.24 asks for Node 22 but runs on 20 too).
#   scripts/lint-markdown.sh            renders the demo postmortem (the location-handler-prefork recording,
#                                       as docs/postmortem.md shows it) and lints it and docs/postmortem.md
#   scripts/lint-markdown.sh FILE...    lints the given drafts
# Exit: 0 clean, 1 lint findings, 2 markdownlint-cli2 missing, other: the render failed.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
config="$here/scripts/postmortem.markdownlint-cli2.jsonc"

if ! command -v markdownlint-cli2 >/dev/null 2>&1; then
  echo "lint-markdown: markdownlint-cli2 not found (npm install -g markdownlint-cli2)" >&2
  exit 2
fi

files=("$@")
if [ ${#files[@]} -eq 0 ]; then
  tmp="$(mktemp -d /tmp/postmortem-lint-XXXXXX)"
  trap 'rm -rf "$tmp"' EXIT
  case_dir="$here/fixtures/httpd/location-handler-prefork"
  [ -d "$case_dir" ] || { echo "lint-markdown: no $case_dir" >&2; exit 3; }
  (cd "$here" && ./faultline analyze fixtures/httpd/location-handler-prefork/f.txt \
      --error-log fixtures/httpd/location-handler-prefork/error.log \
      --root fixtures/httpd/location-handler-prefork/snapshot --format markdown) >"$tmp/demo-postmortem.md" 2>"$tmp/stderr" \
    || { cat "$tmp/stderr" >&2; echo "lint-markdown: faultline analyze failed" >&2; exit 3; }
  # an empty draft would lint clean: make sure it is one
  grep -q '^# Postmortem draft' "$tmp/demo-postmortem.md" || { echo "lint-markdown: no draft rendered" >&2; exit 3; }
  files=("$tmp/demo-postmortem.md" "$here/docs/postmortem.md")
fi

# a leading ':' makes each argument a literal path, not a glob
args=()
for f in "${files[@]}"; do
  args+=(":$(cd "$(dirname "$f")" && pwd)/$(basename "$f")")
done
# not exec: the trap must still remove the demo draft
markdownlint-cli2 --config "$config" "${args[@]}"
