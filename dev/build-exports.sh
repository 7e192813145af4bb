#!/usr/bin/env bash
# Builds the 12 example pvrexports for the dev appengine (real Pantavisor built from source),
# in the format a Yocto build's deploy directory holds them (facts §4, §8), called by
# `make exports-dev`:
#   - device exports: {"#spec", "device.json"} from meta-pantavisor's device-ipam*.json;
#   - container exports: <PN>/run.json and <PN>/src.json from the example's args.json (as pvr's
#     builtin-lxc-docker template renders them), <PN>/lxc.container.conf (the same template),
#     <PN>/root.squashfs (a REAL squashfs: busybox + the example's entry point from
#     meta-pantavisor + what it runs), _sigs/<PN>.json (pvs@2; unsigned: the appengine config
#     disables secure boot).
# Inputs are read, never copied into the repository: meta-pantavisor (a meta-pantavisor*.tar.gz
# or a meta-pantavisor* directory) in PV_SOURCES (required: CI gives
# the sources beside its clone); BUSYBOX (default: the busybox on PATH; static or dynamic, a dynamic one brings its
# libraries). Output: DEPLOY_DIR (default dev/out/tmp-scarthgap/deploy/images/docker-x86_64,
# named like the kas deploy directory). Offline; the same inputs give the same bytes.
# Exit 2: bad usage; 3: a missing tool or input.
set -euo pipefail
umask 022

DEV_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$DEV_DIR/.." && pwd)
DEPLOY_DIR=${DEPLOY_DIR:-$DEV_DIR/out/tmp-scarthgap/deploy/images/docker-x86_64}
BUSYBOX=${BUSYBOX:-$(command -v busybox || true)}
case "$DEPLOY_DIR" in /*) ;; *) DEPLOY_DIR=$PWD/$DEPLOY_DIR ;; esac

die() { echo "dev/build-exports.sh: $1" >&2; exit "${2:-3}"; }
say() { echo "dev/build-exports.sh: $*"; }
# echo a command (each word shell-quoted), then run it
run() { printf '+'; printf ' %q' "$@"; printf '\n'; "$@"; }
[ -n "${PV_SOURCES:-}" ] || die "PV_SOURCES is not set (the directory holding meta-pantavisor*.tar.gz or a meta-pantavisor* directory)" 2

[ $# -eq 0 ] || die "takes no arguments (settings: PV_SOURCES=DIR DEPLOY_DIR=DIR BUSYBOX=FILE)" 2

# ---- host tools (one-line error naming the Debian package)
need() { command -v "$1" >/dev/null 2>&1 || die "missing host tool '$1' (apt-get install -y $2)"; }
need jq jq
need mksquashfs squashfs-tools
need sha256sum coreutils
need tar tar
need gzip gzip
need ldd libc-bin
[ -f "$REPO/lab/pvrexport.jq" ] || die "$REPO/lab/pvrexport.jq is missing (the export json this build shares with the lab's)"
[ -n "$BUSYBOX" ] && [ -x "$BUSYBOX" ] || die "no busybox: BUSYBOX='$BUSYBOX' is not an executable (apt-get install -y busybox-static, or set BUSYBOX=FILE)"
BUSYBOX=$(readlink -f "$BUSYBOX")
applets=$("$BUSYBOX" --list)
for a in sh ip ping sleep hostname date awk httpd wget nc nslookup; do
	grep -qx "$a" <<<"$applets" || die "$BUSYBOX lacks the '$a' applet the example containers run"
done

# ---- meta-pantavisor: its example files, read from PV_SOURCES
[ -d "$PV_SOURCES" ] || die "PV_SOURCES='$PV_SOURCES' is not a directory (it holds meta-pantavisor*.tar.gz or a meta-pantavisor* directory)"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/pv-dev-exports.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
shopt -s nullglob
metas=("$PV_SOURCES"/meta-pantavisor*)
shopt -u nullglob
[ ${#metas[@]} -eq 1 ] || die "PV_SOURCES='$PV_SOURCES' must hold exactly one meta-pantavisor* tarball or directory (found ${#metas[@]})"
META=${metas[0]}
EX=recipes-containers/pv-examples
if [ -d "$META" ]; then
	EXAMPLES=$META/$EX
else
	run tar -xzf "$META" -C "$WORK" --wildcards "*/$EX/*"
	EXAMPLES=$(find "$WORK" -maxdepth 4 -type d -path "*/$EX" | head -n 1)
fi
[ -n "$EXAMPLES" ] && [ -d "$EXAMPLES/files" ] || die "$META has no $EX/files"

DEVICES=(device-ipam device-ipam-2pools device-ipam-lxcbr)
CONTAINERS=(pv-example-net-server pv-example-net-lab-server pv-example-net-client pv-example-net-pvcnet
	pv-example-ipam-valid pv-example-ipam-invalid pv-example-ipam-collision pv-example-ipam-nopool pv-example-ipam-static)
for d in "${DEVICES[@]}"; do
	jq -e 'type == "object"' "$EXAMPLES/files/$d.json" >/dev/null 2>&1 || die "$META: $EX/files/$d.json is missing or not a JSON object"
done

# recipe_of PN: the example's recipe (PN.bb or PN_<version>.bb)
recipe_of() {
	local r
	for r in "$EXAMPLES/$1.bb" "$EXAMPLES/$1"_*.bb; do
		[ -f "$r" ] && { echo "$r"; return 0; }
	done
	die "$META: no recipe for $1 in $EX"
}
# entrypoint_of PN: the recipe's --config=Entrypoint=...
entrypoint_of() {
	local e
	e=$(sed -n 's/.*--config=Entrypoint=\([^" ]*\).*/\1/p' "$(recipe_of "$1")" | head -n 1)
	[ -n "$e" ] || die "$(recipe_of "$1"): no --config=Entrypoint= in PVR_APP_ADD_EXTRA_ARGS"
	echo "$e"
}
# script_of PN: the file in files/ the recipe installs as its entry point
script_of() {
	local s
	s=$(sed -n 's|.*install -m 0755 ${WORKDIR}/\([^ ]*\) ${IMAGE_ROOTFS}${bindir}/.*|\1|p' "$(recipe_of "$1")" | head -n 1)
	[ -n "$s" ] && [ -f "$EXAMPLES/files/$s" ] || die "$(recipe_of "$1"): no entry point script installed from files/"
	echo "$s"
}

# ================================================================ container roots
# One root per entry point script; examples sharing a script share the root (same sha256).
lib_paths() { # ELF -> its libraries and loader (nothing for a static binary)
	ldd "$1" 2>/dev/null | awk '/=>/ { if ($3 ~ /^\//) print $3; next } $1 ~ /^\// { print $1 }' || true
}
# base_tree DIR: busybox, its applet links and libraries, the directories a root needs
base_tree() {
	local tree=$1 link dir up lib
	mkdir -p "$tree"
	(cd "$tree" && mkdir -p bin sbin usr/bin usr/sbin etc proc sys dev run tmp var root)
	install -m 0755 "$BUSYBOX" "$tree/bin/busybox"
	while read -r lib; do
		[ -n "$lib" ] && install -D -m 0755 "$(readlink -f "$lib")" "$tree$lib"
	done < <(lib_paths "$BUSYBOX")
	while read -r link; do
		[ -n "$link" ] && [ "$link" != bin/busybox ] && [ ! -e "$tree/$link" ] || continue
		# relative links: bin/sh -> busybox, usr/bin/wget -> ../../bin/busybox
		case "$link" in
		*/*)
			dir=${link%/*}
			up=${dir//[!\/]/}
			up=${up//\//../}
			mkdir -p "$tree/$dir"
			ln -s "../$up""bin/busybox" "$tree/$link"
			;;
		*) ln -s bin/busybox "$tree/$link" ;;
		esac
	done < <("$BUSYBOX" --list-full)
	ln -sfn busybox "$tree/bin/sh"
	printf 'root:x:0:0:root:/root:/bin/sh\n' >"$tree/etc/passwd"
	printf 'root:x:0:\n' >"$tree/etc/group"
	printf '127.0.0.1\tlocalhost\n' >"$tree/etc/hosts"
	: >"$tree/etc/resolv.conf"
	chmod 1777 "$tree/tmp"
	chmod 0700 "$tree/root"
}

# make_root SCRIPT ENTRYPOINT: sets ROOT_FILE to the root.squashfs of that entry point
make_root() {
	local script=$1 entry=$2 tree=$WORK/root-$1 out=$WORK/root-$1.squashfs
	ROOT_FILE=$out
	if [ ! -f "$out" ]; then
		[ -d "$WORK/base" ] || base_tree "$WORK/base"
		cp -a "$WORK/base" "$tree"
		case "$script" in
		*.py)
			# python3 is not in a busybox root: the dev stand-in serves the same port and paths
			install -m 0755 "$DEV_DIR/container/pv-net-server" "$tree$entry"
			;;
		*)
			install -m 0755 "$EXAMPLES/files/$script" "$tree$entry"
			;;
		esac
		# pv-net-client.sh calls curl
		if grep -qw curl "$EXAMPLES/files/$script"; then install -m 0755 "$DEV_DIR/container/curl" "$tree/usr/bin/curl"; fi
		run mksquashfs "$tree" "$out" -noappend -all-root -no-xattrs -mkfs-time 0 -all-time 0 -no-progress -quiet
	fi
}

# ================================================================ pvrexports
# add_object DIR FILE -> prints the sha256, stores DIR/objects/<sha256>
add_object() {
	local sha
	sha=$(sha256sum "$2" | cut -d' ' -f1)
	mkdir -p "$1/objects"
	cp "$2" "$1/objects/$sha"
	echo "$sha"
}

# pack DIR OUT: a gzip tar with exactly 'json' and 'objects/<sha256>' entries, as pvr exports it
pack() {
	local dir=$1 out=$2 members=(json) o
	if [ -d "$dir/objects" ]; then
		while IFS= read -r o; do members+=("objects/$o"); done < <(cd "$dir/objects" && ls -1 | LC_ALL=C sort)
	fi
	echo "+ tar -C $(printf '%q' "$dir") --numeric-owner --owner=0 --group=0 --mode=0644 --mtime=@0 --no-recursion -cf - ${members[*]} | gzip -n -9 > $(printf '%q' "$out")"
	tar -C "$dir" --numeric-owner --owner=0 --group=0 --mode=0644 --mtime=@0 --no-recursion -cf - "${members[@]}" | gzip -n -9 >"$out.tmp"
	mv "$out.tmp" "$out"
}

# RENDER_CONF (jq, input: the args, $pn, $entry): lxc.container.conf as pvr's builtin-lxc-docker
# template renders it for a rootfs app with only an Entrypoint (no Cmd, Env, WorkingDir, volumes)
RENDER_CONF='
	def arg($k): .[$k] // empty | tostring;
	(arg("PV_LXC_NETWORK_TYPE") // "") as $ntype
	| "lxc.tty.max = 8",
	"lxc.pty.max = 1024",
	"lxc.cgroup.devices.allow = a",
	"lxc.rootfs.path = overlayfs:/volumes/\($pn)/root.squashfs:/volumes/\($pn)/lxc-overlay/upper",
	"lxc.init.cmd = \($entry)",
	# net is kept unless PV_LXC_NETWORK_TYPE names a network other than host
	"lxc.namespace.keep = \(arg("PV_LXC_NAMESPACE_KEEP") // (if $ntype != "" and $ntype != "host" then "user ipc" else "user net ipc" end))",
	"lxc.mount.auto = proc sys:rw cgroup",
	"lxc.mount.entry = /etc/resolv.conf etc/resolv.conf none bind,rw,create=file 0 0",
	"lxc.mount.entry = tmpfs run tmpfs rw,nodev,relatime,create=dir,mode=755 0 0",
	(if $ntype == "empty" then "lxc.net.0.type = empty"
	 elif $ntype == "phys" then "lxc.net.0.type = phys", "lxc.net.0.link =\(arg("PV_LXC_NETWORK_LINK") // "")"
	 elif $ntype == "veth" then
		# the link is hard-coded to lxcbr0 (facts §4.1)
		"lxc.net.0.type = veth", "lxc.net.0.link = lxcbr0", "lxc.net.0.flags = up",
		(arg("PV_LXC_NETWORK_IPV4_ADDRESS") | "lxc.net.0.ipv4.address = \(.)"),
		(if arg("PV_LXC_NETWORK_IPV4_ADDRESS") then "lxc.net.0.ipv4.gateway = \(arg("PV_LXC_NETWORK_IPV4_GATEWAY") // "auto")" else empty end)
	 else empty end),
	arg("PV_LXC_EXTRA_CONF")'

say "meta-pantavisor examples from $META"
# each export is written next to its final name and renamed: nothing else in DEPLOY_DIR is touched
run mkdir -p "$DEPLOY_DIR"

for d in "${DEVICES[@]}"; do
	w=$WORK/pv-example-$d
	mkdir -p "$w"
	jq -cS -L "$REPO/lab" 'include "pvrexport"; device_export' "$EXAMPLES/files/$d.json" >"$w/json"
	pack "$w" "$DEPLOY_DIR/pv-example-$d.pvrexport.tgz"
done

for pn in "${CONTAINERS[@]}"; do
	args=$EXAMPLES/files/$pn.args.json
	jq -e 'type == "object"' "$args" >/dev/null 2>&1 || die "$META: $EX/files/$pn.args.json is missing or not a JSON object"
	entry=$(entrypoint_of "$pn")
	script=$(script_of "$pn")
	w=$WORK/$pn
	mkdir -p "$w"
	jq -r --arg pn "$pn" --arg entry "$entry" "$RENDER_CONF" "$args" >"$w/lxc.container.conf"
	conf_sha=$(add_object "$w" "$w/lxc.container.conf")
	make_root "$script" "$entry"
	root_sha=$(add_object "$w" "$ROOT_FILE")
	# run.json as the template renders it (+ the PV_NETWORK_* patch of meta-pantavisor's pvr),
	# src.json as pvr writes it plus the class's pv_build_origin (both from lab/pvrexport.jq, shared
	# with the lab's build); pvr exports keys sorted, compact
	jq -cS -n -L "$REPO/lab" --arg pn "$pn" --slurpfile args "$args" --arg entry "$entry" --arg conf "$conf_sha" --arg root "$root_sha" '
		include "pvrexport";
		($args[0]) as $a
		# the pvs@2 header pvr writes (pvtx reads its include/exclude patterns), base64url
		| ({"alg": "RS256", "pvs": {"include": [($pn + "/**"), ("_config/" + $pn + "/**")], "exclude": [($pn + "/src.json"), ("_sigs/" + $pn + ".json")]}, "typ": "PVS"}
			| tojson | @base64 | gsub("[+]"; "-") | gsub("/"; "_") | gsub("="; "")) as $prot
		| container_json($pn;
			run_json($pn; $a; {"storage": {"lxc-overlay": {"persistence": "boot"}}, "exports": []});
			src_json($a; {"config": {"Entrypoint": $entry}});
			$conf; $root; $prot; "UNSIGNED-pv-ipam-tests-dev-build")' >"$w/json"
	pack "$w" "$DEPLOY_DIR/$pn.pvrexport.tgz"
done

say "done: $((${#DEVICES[@]} + ${#CONTAINERS[@]})) pvrexports in $DEPLOY_DIR"
