#!/usr/bin/env bash
# Starts the local cluster: NATS, an orchestrator (REST API on localhost:1234) and compute nodes
# (3 by default; --Cluster:ComputeReplicas=N to change), with the Aspire dashboard. Ctrl+C stops it all.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/prerequisites.sh
bacalhau_require_dotnet
bacalhau_install_packages
BACALHAU_DOCKERD_PID=""
bacalhau_ensure_docker_daemon src/Bacalhau.AppHost/.data
if [ -z "$BACALHAU_DOCKERD_PID" ]; then
  exec dotnet run --project src/Bacalhau.AppHost --launch-profile http -- "$@"
fi
# dockerd was started here: stopped by its PID when the cluster stops (a background job of this script ignores Ctrl+C).
trap 'kill "$BACALHAU_DOCKERD_PID" 2>/dev/null; wait "$BACALHAU_DOCKERD_PID" 2>/dev/null || true' EXIT
dotnet run --project src/Bacalhau.AppHost --launch-profile http -- "$@"
