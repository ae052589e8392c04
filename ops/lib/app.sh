# shellcheck shell=bash
# The service as ops/run, ops/claims and bench/ run it. Source this file, then:
#   app_build    publishes the service into $APP_DIR (Release, for this machine's runtime, ReadyToRun)
#   APP_DIR      the published service: `dotnet "$APP_DIR/ClaimsLedger.dll" ...`, run from that directory
#                so it finds its appsettings.json
#
# ReadyToRun ships machine code next to the IL of the service and of every library it loads (Marten,
# Wolverine, Npgsql, ASP.NET Core's own are already), so the process does not start on unoptimised
# tier-0 JIT code: it serves its first requests at close to its warm speed and starts faster, instead of
# spending its first tens of seconds compiling (figures 4 and 7 in docs/benchmarks.md). The tiered JIT
# still recompiles what runs hot. A change to the service's code is published again in about 20 s.

APP_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/src/ClaimsLedger/bin/Release/app"

app_build() {
  local repo_root
  repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
  dotnet publish "$repo_root/src/ClaimsLedger/ClaimsLedger.csproj" -c Release --use-current-runtime --self-contained false \
    -p:PublishReadyToRun=true -o "$APP_DIR" -nologo -v quiet -clp:ErrorsOnly
}
