#!/bin/sh
# Starts the agent's `current` version (the systemd unit runs this). While a new version is on trial
# (trial.json), each start is counted; a version that keeps crashing before it can prove itself is switched
# back to the one before (trial.ts does the same for a version that runs but never stays connected).
# Usage: launch.sh DIR CONFIG
set -eu
dir=$1
config=$2
if [ -f "$dir/trial.json" ]; then
  starts=$(( $(cat "$dir/trial-starts" 2>/dev/null || echo 0) + 1 ))
  echo "$starts" > "$dir/trial-starts"
  if [ "$starts" -gt 3 ]; then
    previous=$(sed -n 's/.*"previous":"\([^"]*\)".*/\1/p' "$dir/trial.json")
    mark=$(sed -n 's/.*"mark":"\([^"]*\)".*/\1/p' "$dir/trial.json")
    version=$(sed -n 's/.*"version":"\([^"]*\)".*/\1/p' "$dir/trial.json")
    if [ -n "$previous" ] && [ -d "$dir/$previous" ]; then
      echo "smart-os-agent: $version crashed $((starts - 1)) times on trial: switching back to $previous" >&2
      ln -sfn "$previous" "$dir/current.new" && mv -T "$dir/current.new" "$dir/current"
      printf '{"mark":"%s","version":"%s"}' "$mark" "$version" > "$dir/rolled-back.json"
      rm -f "$dir/trial.json" "$dir/trial-starts"
    fi
  fi
fi
exec node "$dir/current/smart-os-agent.mjs" --config "$config"
