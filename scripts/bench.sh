#!/usr/bin/env bash
# Builds the orchestrator, compute node, CLI and benchmark in Release and runs the benchmark scenarios
# (all by default; --scenarios 1,2 --quick for a short run; --help for the options). Prints a table and writes
# bench/results/<timestamp>.json. Ctrl+C stops every process it started.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/prerequisites.sh
bacalhau_require_dotnet
bacalhau_install_packages
# One build: the benchmark references the orchestrator and compute node and builds the CLI with them.
dotnet build -c Release -v quiet -nologo bench/Bacalhau.Bench >&2
exec dotnet bench/Bacalhau.Bench/bin/Release/net10.0/Bacalhau.Bench.dll "$@"
