#!/usr/bin/env bash
# The whole test suite, exactly as CI runs it (.ci/run calls this script).
# Installs nothing it does not need; restores NuGet packages; builds Release; runs every test project;
# ends with one summary line "N passed, N failed" that CI reads.
set -uo pipefail
cd "$(dirname "$0")/.."

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# The int8 model the tests load is quantized once and cached here, inside the clone, not in the user's home.
export INFCTX_MODEL_CACHE="${INFCTX_MODEL_CACHE:-$PWD/artifacts/model-cache}"

if ! command -v dotnet >/dev/null 2>&1; then
  echo "test.sh: the .NET 10 SDK is required (dotnet not on PATH)" >&2
  exit 1
fi

# Unicode normalization in the analyzer uses ICU (the SDK's globalization library on Linux).
if ! ldconfig -p 2>/dev/null | grep -q libicuuc; then
  echo "test.sh: installing ICU (libicu) for Unicode normalization" >&2
  if [ "$(id -u)" -eq 0 ]; then apt-get update -qq && apt-get install -y -qq libicu-dev >/dev/null; else sudo apt-get update -qq && sudo apt-get install -y -qq libicu-dev >/dev/null; fi
fi

# eval niah renders its heatmap to PNG with a headless Chromium; the CLI test checks the PNG is written.
if ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1; then
  echo "test.sh: installing Chromium (headless PNG rendering of heatmaps)" >&2
  if [ "$(id -u)" -eq 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; else sudo apt-get update -qq && sudo apt-get install -y -qq chromium >/dev/null; fi
fi

dotnet restore InfiniteContext.slnx || exit 1
dotnet build InfiniteContext.slnx -c Release --no-restore -warnaserror || exit 1

log=$(mktemp)
status=0
for proj in tests/*/*.csproj; do
  dotnet test "$proj" -c Release --no-build --logger "console;verbosity=minimal" 2>&1 | tee -a "$log"
  [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
done

passed=$(grep -Eo 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -Eo 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
skipped=$(grep -Eo 'Skipped: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
rm -f "$log"
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
if [ "$passed" -eq 0 ]; then
  echo "test.sh: no test ran" >&2
  exit 1
fi
exit $status
