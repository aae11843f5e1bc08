#!/bin/sh
# Builds the documentation site (/docs/) when it is missing or older than its sources: `npm start` and the
# production-layout test both call it, so a checkout builds it once.
set -e
cd "$(dirname "$0")/.."
site=docs/.vitepress/dist/index.html
if [ ! -f "$site" ] || [ -n "$(find docs schema/schema.graphql agent -newer "$site" -type f \
  -not -path 'docs/.vitepress/dist/*' -not -path 'docs/.vitepress/cache/*' -not -path 'docs/reference/*.md' | head -n 1)" ]; then
  # Quiet unless it fails (its progress spinner is noise here).
  out=$(npm run docs:build --silent 2>&1) || { printf '%s\n' "$out" >&2; exit 1; }
fi
