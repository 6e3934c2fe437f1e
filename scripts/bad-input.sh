#!/usr/bin/env bash
# The full bad-input suite: 10,000 generated requests per REST endpoint against a served orchestrator, and as many
# generated `config set` values and `docker run` flags (in-process, plus a sample as processes). Prints its figures:
# requests per endpoint, answers by status code, the slowest answer, and the orchestrator's RSS before and after.
#   ./scripts/bad-input.sh             # 10,000 per endpoint
#   ./scripts/bad-input.sh 50000       # another count
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/prerequisites.sh
bacalhau_require_dotnet
bacalhau_install_packages
report=$(mktemp)
trap 'rm -f "$report"' EXIT
dotnet build tests/Bacalhau.Cli.Tests/Bacalhau.Cli.Tests.csproj
status=0
BACALHAU_BAD_INPUT_COUNT="${1:-10000}" BACALHAU_BAD_INPUT_REPORT="$report" \
  dotnet test tests/Bacalhau.Cli.Tests --no-build --filter "FullyQualifiedName~Bacalhau.Cli.Tests.BadInput" || status=$?
echo
cat "$report"
exit "$status"
