# shellcheck shell=bash
# Debian's chromium for the dashboard's browser tests (Playwright drives it; its own browser download
# is not used). Source this file, then call chromium_ensure: it installs the package when it is
# missing and we are root with apt-get, and exports CLAIMSLEDGER_CHROMIUM. Idempotent and quiet.

chromium_log() { printf '[chromium] %s\n' "$*" >&2; }

chromium_ensure() {
  local binary="${CLAIMSLEDGER_CHROMIUM:-/usr/bin/chromium}"
  if [[ ! -x "$binary" ]]; then
    if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null; then
      chromium_log "no chromium at $binary and cannot install it: install the Debian package chromium (or set CLAIMSLEDGER_CHROMIUM)."
      return 1
    fi
    chromium_log "installing chromium from Debian packages (for the dashboard's browser tests)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq chromium >&2
  fi
  export CLAIMSLEDGER_CHROMIUM="$binary"
}
