#!/usr/bin/env bash
# npm run bench: start-up benchmark of eks-auth against node, the AWS CLI and kubectl.
# Needs hyperfine (Debian: apt-get install -y hyperfine), kubectl and the AWS CLI v1.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v hyperfine >/dev/null || { echo "bench: hyperfine is not installed (apt-get install -y hyperfine)" >&2; exit 1; }
[ -f dist/cli/cli.cjs ] || npm run build
exec node --import tsx bench/bench.ts "$@"
