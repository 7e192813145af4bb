#!/usr/bin/env bash
# dev/compat-env.sh INSTALL_DIR: the settings that the Yocto appengine of a pantavisor's time gave
# it and the dev image must give it too, one KEY=VALUE a line (the image's pv-appengine wrapper
# exports them; pantavisor reads PV_* from its environment, config_parser.c).
#
# Until 2026-08-04 the appengine config (appengine/pantavisor.config.in) held only paths: the rest
# came from meta-pantavisor's pvtest harness, which ran each appengine with its test.json "env"
# (`docker run --env-file`; recipes-pv/pantavisor-pvtests/files/local/*/test.json, from May 2026):
#   PV_CONTROL_REMOTE=0 PV_LOG_CAPTURE_DMESG=0 PV_UPDATER_GOALS_TIMEOUT=10 PV_UPDATER_COMMIT_DELAY=5
#   PV_SECUREBOOT_MODE=disabled PV_WDT_MODE=disabled PV_DEBUG_SSH=0 PV_LOG_DIR_MAXSIZE=2147483647
# pantavisor 48709a5 ("set appengine config with common env from meta-pantavisor pvtest") moved them
# into the config. Without PV_LOG_DIR_MAXSIZE, 028/029 size the log directory as 10% of the storage
# partition (config.c pv_config_get_log_dir_maxsize) and logserver_rotation.c divides it into an
# `int`: above ~86 GB of disk that overflows, rot_size is negative and every line of pantavisor.log
# is rotated away (pantavisor.log.1.gz ... .10.gz), so the boot never shows a log.
# A key is given only when the installed config does not set it and the installed pantavisor knows
# it (its name is in the binary): a feature probe, not a list of commits.
set -euo pipefail
[ $# = 1 ] && [ -d "$1" ] || { echo "usage: dev/compat-env.sh INSTALL_DIR" >&2; exit 2; }
install=$1
config=$install/etc/pantavisor-appengine.config
binary=$install/usr/bin/pantavisor
[ -f "$config" ] && [ -f "$binary" ] || { echo "dev/compat-env.sh: no etc/pantavisor-appengine.config or usr/bin/pantavisor in '$install'" >&2; exit 2; }
# the pvtest env of meta-pantavisor, with pantavisor 48709a5's value of PV_DEBUG_SSH (the config's)
for kv in PV_CONTROL_REMOTE=0 PV_LOG_CAPTURE_DMESG=0 PV_UPDATER_GOALS_TIMEOUT=10 PV_UPDATER_COMMIT_DELAY=5 \
	PV_SECUREBOOT_MODE=disabled PV_WDT_MODE=disabled PV_DEBUG_SSH=1 PV_LOG_DIR_MAXSIZE=2147483647; do
	key=${kv%%=*}
	grep -q "^$key=" "$config" && continue
	grep -aq "$key" "$binary" || continue
	echo "$kv"
done
