#!/usr/bin/env bash
# Runs the whole fault suite (tests/Bacalhau.FaultTests): each case starts a cluster as processes on loopback
# (nats-server, orchestrator, compute nodes), injects one fault and prints one row: jobs accepted, completed, failed
# with reason, lost, never ended, duplicated, time to recover, submissions refused during the fault. The disk-full
# case mounts a tmpfs, so it needs root. Exits non-zero when any job was lost, run twice or never ended.
# Extra arguments go to dotnet test (for example --filter FullyQualifiedName~NatsPause).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/prerequisites.sh
bacalhau_require_dotnet
bacalhau_install_packages
dotnet build -v quiet -nologo tests/Bacalhau.FaultTests >&2
report="$(mktemp)"
trap 'rm -f "$report"' EXIT
status=0
BACALHAU_FAULTS=all BACALHAU_FAULTS_REPORT="$report" \
  dotnet test tests/Bacalhau.FaultTests --no-build --blame-hang-timeout 15m "$@" || status=$?
echo
cat "$report"
exit "$status"
