#!/bin/sh
# `npm start [-- flags]`: compiles the server to JavaScript (incrementally: seconds when nothing changed)
# and the dashboard, then runs the compiled server in place of this shell. `--help` builds nothing.
set -e
cd "$(dirname "$0")/.."
for arg in "$@"; do
  case "$arg" in
    -h | --help)
      if [ -f dist/server/main.js ]; then exec node dist/server/main.js --help; fi
      exec node --import tsx server/main.ts --help
      ;;
  esac
done
node_modules/.bin/tsc -p tsconfig.build.json
npm run build --silent
# The documentation site (/docs/) when it is missing or older than its sources.
site=docs/.vitepress/dist/index.html
if [ ! -f "$site" ] || [ -n "$(find docs schema/schema.graphql agent -newer "$site" -type f \
  -not -path 'docs/.vitepress/dist/*' -not -path 'docs/.vitepress/cache/*' -not -path 'docs/reference/*.md' | head -n 1)" ]; then
  # Quiet unless it fails (its progress spinner is noise here).
  out=$(npm run docs:build --silent 2>&1) || { printf '%s\n' "$out" >&2; exit 1; }
fi
exec node --max-semi-space-size=64 dist/server/main.js "$@"
