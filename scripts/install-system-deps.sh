#!/usr/bin/env bash
# Installs the Debian packages the tests and the local stack use, when missing:
#   swaks (real SMTP client in end-to-end tests), chromium (the dashboard's browser test, driven by
#   playwright-core at /usr/bin/chromium), postfix (the fault suite's real sending MTA, run as a private
#   instance with its own config directory: the package is installed unconfigured, so no system Postfix
#   runs and /etc/postfix gets no main.cf), mariadb-server (when no MariaDB/MySQL answers on
#   127.0.0.1:3306 and DATABASE_URL is unset, and always for its binaries: the fault suite stops a
#   private mariadbd of its own).
# Idempotent; needs root (or sudo) only when something is missing. Used by .ci/run.
set -euo pipefail

need=()
command -v swaks >/dev/null 2>&1 || need+=(swaks)
[ -x /usr/bin/chromium ] || need+=(chromium)
[ -x /usr/sbin/postfix ] || need+=(postfix)

db_up() { (exec 3<>/dev/tcp/127.0.0.1/3306) 2>/dev/null; }
if ! command -v mariadbd >/dev/null 2>&1 && [ ! -x /usr/sbin/mariadbd ]; then
  need+=(mariadb-server)
fi

if [ ${#need[@]} -gt 0 ]; then
  echo "installing Debian packages: ${need[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  # Postfix unconfigured: no system instance, no /etc/postfix/main.cf (the tests bring their own).
  echo "postfix postfix/main_mailer_type select No configuration" | $SUDO debconf-set-selections
  $SUDO apt-get update -qq || true
  $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
fi

# A MariaDB that is installed but not running (e.g. right after install): start it.
if [ -z "${DATABASE_URL:-}" ] && ! db_up && [ -x /usr/sbin/mariadbd ] && [ "$(id -u)" -eq 0 ]; then
  echo "starting MariaDB"
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd || true
  for _ in $(seq 1 30); do db_up && break; sleep 1; done
fi
echo "system dependencies ok"
