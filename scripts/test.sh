#!/usr/bin/env bash
# Runs every test: unit tests and integration tests against the real cluster (real nats-server).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/prerequisites.sh
bacalhau_require_dotnet
bacalhau_install_packages
dotnet build Bacalhau.sln
# A hung test fails the run (with a dump) instead of eating the CI budget.
dotnet test Bacalhau.sln --no-build --blame-hang-timeout 10m "$@"
