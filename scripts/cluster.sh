#!/usr/bin/env bash
# Starts the local cluster: NATS, an orchestrator (REST API on localhost:1234) and compute nodes
# (3 by default; --Cluster:ComputeReplicas=N to change), with the Aspire dashboard. Ctrl+C stops it all.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/prerequisites.sh
bacalhau_require_dotnet
bacalhau_install_packages
exec dotnet run --project src/Bacalhau.AppHost --launch-profile http -- "$@"
