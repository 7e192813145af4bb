#!/bin/sh
# pv-ipam-tests' own /usr/sbin/dropbear for the dev appengine image (not Pantavisor's code).
#
# Pantavisor (debug.c, PV_DEBUG_SSH=1) starts its debug SSH server as
#   dropbear -F -p 0.0.0.0:8222 -n <authorized keys file> -R -c /usr/bin/fallbear-cmd
# `-n FILE` is an option of dropbear-pv, Pantavisor's fork: any login name is accepted with a key
# of FILE, and fallbear-cmd reads that name from USER (`_pv_`: Pantavisor's own namespaces; a
# container's name: nsenter into that container). Debian's dropbear (dropbear-bin 2022.83) has no
# -n: it logs in users of /etc/passwd with the keys of ~/.ssh/authorized_keys. So this wrapper
# turns `-n FILE` into passwd entries: `_pv_` and one per container name found in the revisions in
# storage (all uid 0, as dropbear-pv runs every login as root), each with a home whose
# .ssh/authorized_keys is a link to FILE, then execs Debian's dropbear (same pid, which Pantavisor
# kills on its stop) with the other options unchanged.
# Limit: the names are read when Pantavisor starts dropbear (each boot of Pantavisor).
set -eu
# (the PV_IPAM_TESTS_* overrides are for test/dev-dropbear.test.ts only)
REAL=${PV_IPAM_TESTS_DROPBEAR:-/usr/lib/pv-ipam-tests/dropbear} # Debian's binary
HOMES=${PV_IPAM_TESTS_SSH_HOMES:-/run/pv-ipam-tests/ssh-homes}
TRAILS=${PV_IPAM_TESTS_TRAILS:-/storage/trails}
PASSWD=${PV_IPAM_TESTS_PASSWD:-/etc/passwd}

keys= want_keys=0
for arg; do
	shift
	if [ "$want_keys" = 1 ]; then keys=$arg want_keys=0; continue; fi
	case $arg in
	-n) want_keys=1 ;;
	*) set -- "$@" "$arg" ;; # every other option, in order
	esac
done

if [ -n "$keys" ]; then
	# container names: the "NAME/run.json" keys of every revision's state json (trails/0 and
	# the updates' trails/locals/<name>)
	names=$(cat "$TRAILS"/*/.pvr/json "$TRAILS"/locals/*/.pvr/json 2>/dev/null | grep -o '"[^"/]*/run\.json"' | sed 's|^"||; s|/run\.json"$||' | sort -u || true)
	tmp=$PASSWD.pv-ipam-tests.$$
	grep -v ':pv-ipam-tests ssh login:' "$PASSWD" >"$tmp" || true
	printf '_pv_\n%s\n' "$names" | while IFS= read -r name; do
		case $name in "" | *[!A-Za-z0-9_.-]* | -*) continue ;; esac # only names a passwd line can hold
		mkdir -p "$HOMES/$name/.ssh"
		chmod 0755 "$HOMES/$name" && chmod 0700 "$HOMES/$name/.ssh"
		ln -sfn "$keys" "$HOMES/$name/.ssh/authorized_keys"
		printf '%s:x:0:0:pv-ipam-tests ssh login:%s:/bin/sh\n' "$name" "$HOMES/$name" >>"$tmp"
	done
	mv -f "$tmp" "$PASSWD"
fi
exec "$REAL" "$@"
