#!/usr/bin/env bash
# Builds the orchestrator, compute node and benchmark in Release, publishes the CLI (a native executable) and runs
# the benchmark scenarios (all by default; --scenarios 1,2 --quick for a short run; --help for the options). Prints a
# table and writes bench/results/<timestamp>.json. Ctrl+C stops every process it started.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/prerequisites.sh
bacalhau_require_dotnet
bacalhau_install_packages
bacalhau_require_native_toolchain
# The benchmark references the orchestrator and compute node; scenario 4 runs the CLI as users get it, published.
dotnet build -c Release -v quiet -nologo bench/Bacalhau.Bench >&2
dotnet publish -c Release -v quiet -nologo src/Bacalhau.Cli >&2
# Scenario 9 starts the AppHost as cluster.sh builds it (Debug): built here, so it never times an older build.
dotnet build -v quiet -nologo src/Bacalhau.AppHost >&2
exec dotnet bench/Bacalhau.Bench/bin/Release/net10.0/Bacalhau.Bench.dll "$@"
