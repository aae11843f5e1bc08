#!/bin/sh
# Installs the agent from this folder: sudo sh install.sh (Debian, Raspberry Pi OS; Node 18 or newer).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
command -v node >/dev/null || { echo "install Node.js 18 or newer first (apt-get install nodejs)" >&2; exit 1; }
id smart-os-agent >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin smart-os-agent
version=$(node "$here/smart-os-agent.mjs" --version)
install -d -o smart-os-agent /opt/smart-os-agent /opt/smart-os-agent/versions "/opt/smart-os-agent/versions/$version"
install -d /etc/smart-os-agent
install -m 644 "$here/smart-os-agent.mjs" "/opt/smart-os-agent/versions/$version/smart-os-agent.mjs"
install -m 755 "$here/launch.sh" /opt/smart-os-agent/launch.sh
# Versions side by side; `current` names the one that runs (signed updates switch it).
ln -sfn "versions/$version" /opt/smart-os-agent/current
chown -h smart-os-agent /opt/smart-os-agent/current
if [ ! -f /etc/smart-os-agent/config.yaml ]; then
  install -m 640 -g smart-os-agent "$here/config.example.yaml" /etc/smart-os-agent/config.yaml
  echo "edit /etc/smart-os-agent/config.yaml (server, serial, token), then: systemctl enable --now smart-os-agent"
fi
install -m 644 "$here/smart-os-agent.service" /etc/systemd/system/smart-os-agent.service
systemctl daemon-reload
node /opt/smart-os-agent/current/smart-os-agent.mjs --config /etc/smart-os-agent/config.yaml --check >/dev/null && systemctl restart smart-os-agent || true
