#!/usr/bin/env bash
# Installs, with apt, the system packages the cluster and its tests need when they are missing.
# Sourced by the other scripts; safe to run again.
set -euo pipefail

bacalhau_require_dotnet() {
  if ! command -v dotnet >/dev/null 2>&1; then
    echo "The .NET 10 SDK is required: https://dotnet.microsoft.com/download/dotnet/10.0" >&2
    exit 1
  fi
}

bacalhau_install_packages() {
  local missing=()
  command -v nats-server >/dev/null 2>&1 || missing+=(nats-server)
  # The docker executor's tests start their own dockerd and build their images around a static busybox.
  command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
  if command -v dpkg-query >/dev/null 2>&1; then
    dpkg-query -W -f='${Status}' busybox-static 2>/dev/null | grep -q "ok installed" || missing+=(busybox-static)
  else
    [ -x /bin/busybox ] || missing+=(busybox-static)
  fi
  # The API authentication tests reach the API from a network namespace they create, with curl.
  command -v ip >/dev/null 2>&1 || missing+=(iproute2)
  command -v curl >/dev/null 2>&1 || missing+=(curl)
  # The web UI's browser tests drive Debian's Chromium through its chromedriver, both by path.
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  [ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
  # The S3 tests run an S3-compatible store (npm's s3rver) with Node.js.
  command -v node >/dev/null 2>&1 || missing+=(nodejs)
  command -v npm >/dev/null 2>&1 || missing+=(npm)
  bacalhau_apt_install "${missing[@]}"
}

# Docker jobs need a running dockerd. Containers and WSL have no service manager to start it: where it is installed
# but not running and this is root, it is started here (BACALHAU_DOCKERD_PID is set; the caller stops it); otherwise
# one line says why Docker jobs will queue and how to fix it.
bacalhau_ensure_docker_daemon() {
  local log_dir="$1"
  command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1 && return 0
  if ! command -v dockerd >/dev/null 2>&1; then
    echo "Docker jobs will queue: dockerd is not installed (apt-get install docker.io)." >&2
    return 0
  fi
  if [ -S /var/run/docker.sock ]; then
    echo "Docker jobs will queue: dockerd runs but cannot be reached from this user (add it to the 'docker' group)." >&2
    return 0
  fi
  if [ "$(id -u)" -ne 0 ]; then
    echo "Docker jobs will queue until dockerd runs: 'sudo systemctl start docker' (or 'sudo dockerd &' without a service manager)." >&2
    return 0
  fi
  mkdir -p "$log_dir"
  local log="$log_dir/dockerd.log"
  echo "Starting dockerd (log: $log); it stops with the cluster."
  dockerd >"$log" 2>&1 &
  BACALHAU_DOCKERD_PID=$!
  local _
  for _ in $(seq 1 120); do
    docker info >/dev/null 2>&1 && return 0
    kill -0 "$BACALHAU_DOCKERD_PID" 2>/dev/null || break
    sleep 0.5
  done
  echo "Docker jobs will queue: dockerd did not start (see $log)." >&2
}

# Publishing the CLI as a native executable (Native AOT) links it with a C toolchain.
bacalhau_require_native_toolchain() {
  if command -v clang >/dev/null 2>&1 || command -v gcc >/dev/null 2>&1; then
    return 0
  fi
  bacalhau_apt_install clang
}

bacalhau_apt_install() {
  local missing=("$@")
  [ ${#missing[@]} -eq 0 ] && return 0
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "Missing: ${missing[*]}. Install them with your package manager and run again." >&2
    exit 1
  fi
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "Installing ${missing[*]} with apt-get..."
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}
