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
sh docs/build-if-stale.sh
exec node --max-semi-space-size=64 dist/server/main.js "$@"
