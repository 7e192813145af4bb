#!/usr/bin/env bash
# Builds the pv-ipam-tests APPENGINE LAB (called by `make lab`):
#   1. a rootfs in lab/out/rootfs from host binaries (+ their libraries), busybox applet links and
#      the lab's own scripts (lab/rootfs), imported as the Docker image pantavisor-appengine-lab:latest;
#   2. lab pvrexports in lab/out/deploy, named like the real build's deploy artifacts.
# Offline, idempotent. Example data comes from ${LAB_EXAMPLES:-lab/examples}
# (relative to the repository root). The lab is a simulator, not Pantavisor.
set -euo pipefail

LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$LAB_DIR/.." && pwd)
OUT=$LAB_DIR/out
ROOTFS=$OUT/rootfs
DEPLOY=$OUT/deploy
IMAGE=${LAB_IMAGE:-pantavisor-appengine-lab:latest}
EXAMPLES=${LAB_EXAMPLES:-lab/examples}
case "$EXAMPLES" in /*) ;; *) EXAMPLES=$REPO/$EXAMPLES ;; esac

die() { echo "lab/build.sh: $*" >&2; exit 1; }
say() { echo "lab/build.sh: $*"; }

# ---- host tools (one-line error naming the Debian package)
need() { # command package
	command -v "$1" >/dev/null 2>&1 || die "missing host tool '$1' (apt-get install -y $2)"
}
need docker docker.io
need jq jq
need busybox busybox-static
need bash bash
need sha256sum coreutils
need tar tar
need gzip gzip
need ldd libc-bin
need base64 coreutils
need truncate coreutils
need pgrep procps
[ -x /usr/sbin/ip ] || [ -x /sbin/ip ] || die "missing host tool 'ip' (apt-get install -y iproute2)"
[ -x /usr/sbin/nft ] || die "missing host tool 'nft' (apt-get install -y nftables)"
[ -x /usr/sbin/xtables-nft-multi ] || die "missing host tool 'xtables-nft-multi' (apt-get install -y iptables)"
applets=$(busybox --list)
for a in sh ip ping nsenter unshare timeout setsid tar sha256sum hostname; do
	grep -qx "$a" <<<"$applets" || die "host busybox lacks the '$a' applet (apt-get install -y busybox-static)"
done
docker info >/dev/null 2>&1 || die "dockerd is not reachable (is the docker service running?)"

# ---- example data
[ -d "$EXAMPLES" ] || die "example data not found: $EXAMPLES (set LAB_EXAMPLES)"
DEVICES=(device-ipam device-ipam-2pools device-ipam-lxcbr)
CONTAINERS=(pv-example-net-server pv-example-net-lab-server pv-example-net-client pv-example-net-pvcnet
	pv-example-ipam-valid pv-example-ipam-invalid pv-example-ipam-collision pv-example-ipam-nopool pv-example-ipam-static)
for d in "${DEVICES[@]}"; do
	[ -f "$EXAMPLES/$d.json" ] || die "example data incomplete: $EXAMPLES/$d.json is missing"
done
for c in "${CONTAINERS[@]}"; do
	[ -f "$EXAMPLES/$c.args.json" ] || die "example data incomplete: $EXAMPLES/$c.args.json is missing"
done

# ================================================================ rootfs
say "assembling rootfs in ${ROOTFS#"$REPO"/}"
rm -rf "$ROOTFS"
mkdir -p "$ROOTFS"
cd "$ROOTFS"
mkdir -p bin sbin usr/bin usr/sbin lib lib64 usr/lib etc tmp run var/run proc sys dev root \
	usr/lib/pv-lab/bin usr/lib/pantavisor/pvtx.d usr/var/lib/lxc var/pantavisor/storage \
	storage volumes
chmod 1777 tmp

copy_with_libs() { # SRC DEST(in rootfs)
	local src=$1 dst=$2 lib
	install -D -m 0755 "$src" "$ROOTFS/$dst"
	while read -r lib; do
		[ -n "$lib" ] || continue
		[ -e "$ROOTFS$lib" ] || install -D -m 0755 "$(readlink -f "$lib")" "$ROOTFS$lib"
	done < <(ldd "$src" 2>/dev/null | awk '/=>/ { if ($3 ~ /^\//) print $3; next } $1 ~ /^\// { print $1 }')
}

# busybox provides the appengine's userland (sh, ip, ping, timeout, ps, tail, ...)
install -m 0755 "$(readlink -f "$(command -v busybox)")" bin/busybox
while read -r a; do
	[ -n "$a" ] || continue
	[ -e "bin/$a" ] || ln -s busybox "bin/$a"
done <<<"$applets"
copy_with_libs "$(readlink -f "$(command -v bash)")" bin/bash
copy_with_libs "$(readlink -f "$(command -v jq)")" usr/bin/jq
copy_with_libs /usr/sbin/nft usr/sbin/nft
# iproute2 for the lab's internals only (the appengine's own 'ip' is busybox)
IPSRC=/usr/sbin/ip
[ -x "$IPSRC" ] || IPSRC=/sbin/ip
copy_with_libs "$IPSRC" usr/lib/pv-lab/bin/ip
# pgrep (procps: busybox-static has no pgrep applet), for `kill -9 $(pgrep -o -x pantavisor)`
copy_with_libs "$(readlink -f "$(command -v pgrep)")" usr/bin/pgrep
# iptables (nf_tables backend) on PATH, so that hiding nft exercises Pantavisor's iptables
# fallback; the lab-private link in usr/lib/pv-lab/bin serves the 'nat-iptables' fault only
copy_with_libs /usr/sbin/xtables-nft-multi usr/sbin/xtables-nft-multi
ln -s xtables-nft-multi usr/sbin/iptables
ln -s /usr/sbin/xtables-nft-multi usr/lib/pv-lab/bin/iptables
XT=/usr/lib/x86_64-linux-gnu/xtables
[ -d "$XT" ] || XT=$(dirname "$(find /usr/lib /lib -name 'libxt_MASQUERADE.so' 2>/dev/null | head -n 1)")
if [ -n "$XT" ] && [ -d "$XT" ]; then
	mkdir -p "$ROOTFS$XT"
	cp -a "$XT"/. "$ROOTFS$XT"/
	for so in "$XT"/*.so; do
		while read -r lib; do
			[ -e "$ROOTFS$lib" ] || install -D -m 0755 "$(readlink -f "$lib")" "$ROOTFS$lib"
		done < <(ldd "$so" 2>/dev/null | awk '/=>/ && $3 ~ /^\// { print $3 }')
	done
fi
for d in /etc/iproute2 /usr/share/iproute2 /usr/lib/iproute2; do
	[ -d "$d" ] && mkdir -p "$ROOTFS$d" && cp -a "$d"/. "$ROOTFS$d"/
done

# the lab's own scripts
cp -a "$LAB_DIR/rootfs"/. "$ROOTFS"/
chmod 0755 usr/bin/pv-appengine usr/bin/pantavisor usr/bin/pvcontrol usr/bin/pventer \
	usr/bin/lxc-ls usr/bin/lxc-info usr/bin/pvtx

printf 'root:x:0:0:root:/root:/bin/sh\n' >etc/passwd
printf 'root:x:0:\n' >etc/group
printf 'pv-ipam-tests appengine lab (%s) - a simulator, not Pantavisor\n' "$(date -u +%Y-%m-%d)" >etc/pv-lab-release
# storage skeleton copied by pv-appengine on first boot
mkdir -p usr/lib/pantavisor/skel/{boot,config,disks,logs,objects,trails,cache}

cd "$REPO"
old_id=$(docker image inspect -f '{{.Id}}' "$IMAGE" 2>/dev/null || true)
say "importing $IMAGE"
tar -C "$ROOTFS" --numeric-owner --owner=0 --group=0 -cf - . |
	docker import \
		--change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
		--change 'ENTRYPOINT ["/usr/bin/pv-appengine"]' \
		--change 'LABEL org.opencontainers.image.title=pantavisor-appengine-lab' \
		--change 'LABEL pv-ipam-tests.lab=simulator-not-pantavisor' \
		- "$IMAGE" >/dev/null
new_id=$(docker image inspect -f '{{.Id}}' "$IMAGE")
if [ -n "$old_id" ] && [ "$old_id" != "$new_id" ]; then
	docker rmi "$old_id" >/dev/null 2>&1 || true
fi

# ================================================================ pvrexports
say "building lab pvrexports in ${DEPLOY#"$REPO"/}"
rm -rf "$DEPLOY"
mkdir -p "$DEPLOY"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/pv-lab-build.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

b64url() { base64 -w0 | tr '+/' '-_' | tr -d '='; }

# add_object DIR FILE -> prints sha256, stores DIR/objects/<sha>
add_object() {
	local dir=$1 file=$2 sha
	sha=$(sha256sum "$file" | cut -d' ' -f1)
	mkdir -p "$dir/objects"
	cp "$file" "$dir/objects/$sha"
	echo "$sha"
}

# pack DIR OUT: gzip tar with exactly 'json' and 'objects/<sha>' entries (no ./ prefix)
pack() {
	local dir=$1 out=$2 members=(json)
	if [ -d "$dir/objects" ]; then
		while IFS= read -r o; do members+=("objects/$o"); done < <(ls -1 "$dir/objects" | LC_ALL=C sort)
	fi
	tar -C "$dir" --numeric-owner --owner=0 --group=0 --mtime=@0 --no-recursion -cf - "${members[@]}" | gzip -n -9 >"$out"
}

for d in "${DEVICES[@]}"; do
	w=$WORK/pv-example-$d
	mkdir -p "$w"
	jq -S -L "$LAB_DIR" 'include "pvrexport"; device_export' "$EXAMPLES/$d.json" >"$w/json"
	pack "$w" "$DEPLOY/pv-example-$d.pvrexport.tgz"
done

entrypoint_of() {
	case "$1" in
	pv-example-net-server | pv-example-net-lab-server) echo "/usr/bin/pv-net-server.py" ;;
	pv-example-net-client) echo "/usr/bin/pv-net-client.sh" ;;
	*) echo "/usr/bin/pv-ipam-test.sh" ;;
	esac
}

placeholder=$WORK/root.squashfs
printf 'pv-ipam-tests APPENGINE LAB placeholder: this is not a squashfs image and holds no root filesystem.\n' >"$placeholder"
# padded to 4 KiB so that a loop device can be attached to it (the lab's root.squashfs "mount")
truncate -s 4096 "$placeholder"

for pn in "${CONTAINERS[@]}"; do
	args=$EXAMPLES/$pn.args.json
	jq -e 'type == "object"' "$args" >/dev/null || die "$args is not a JSON object"
	w=$WORK/$pn
	mkdir -p "$w"
	arg() { jq -r --arg k "$1" '.[$k] // empty | tostring' "$args"; }
	ntype=$(arg PV_LXC_NETWORK_TYPE)
	{
		echo "# lxc.container.conf of $pn, generated by the pv-ipam-tests lab build (placeholder image, not pvr)"
		echo "lxc.tty.max = 8"
		echo "lxc.pty.max = 1024"
		echo "lxc.cgroup.devices.allow = a"
		echo "lxc.rootfs.path = overlayfs:/volumes/$pn/root.squashfs:/volumes/$pn/lxc-overlay/upper"
		echo "lxc.init.cmd = $(entrypoint_of "$pn")"
		echo "lxc.mount.auto = proc sys:rw cgroup"
		echo "lxc.mount.entry = /etc/resolv.conf etc/resolv.conf none bind,rw,create=file 0 0"
		echo "lxc.mount.entry = tmpfs run tmpfs rw,nodev,relatime,create=dir,mode=755 0 0"
		echo "lxc.uts.name = $pn"
		case "$ntype" in
		veth)
			# pvr builtin-lxc-docker PV_LXC_NETWORK_*: link is hard-coded to lxcbr0, 'net' leaves keep
			echo "lxc.net.0.type = veth"
			echo "lxc.net.0.link = lxcbr0"
			echo "lxc.net.0.flags = up"
			a=$(arg PV_LXC_NETWORK_IPV4_ADDRESS)
			[ -n "$a" ] && echo "lxc.net.0.ipv4.address = $a"
			gw=$(arg PV_LXC_NETWORK_IPV4_GATEWAY)
			echo "lxc.net.0.ipv4.gateway = ${gw:-auto}"
			echo "lxc.namespace.keep = user ipc"
			;;
		empty)
			echo "lxc.net.0.type = empty"
			echo "lxc.namespace.keep = user ipc"
			;;
		phys)
			echo "lxc.net.0.type = phys"
			echo "lxc.net.0.link = $(arg PV_LXC_NETWORK_LINK)"
			echo "lxc.net.0.flags = up"
			echo "lxc.namespace.keep = user ipc"
			;;
		*) echo "lxc.namespace.keep = user net ipc" ;;
		esac
		echo "lxc.mount.entry = /dev/log dev/log none bind,create=file 0 0"
		extra=$(arg PV_LXC_EXTRA_CONF)
		[ -n "$extra" ] && printf '%s\n' "$extra"
	} >"$w/lxc.container.conf"
	conf_sha=$(add_object "$w" "$w/lxc.container.conf")
	root_sha=$(add_object "$w" "$placeholder")
	protected=$(jq -cn --arg pn "$pn" '{"alg":"RS256","typ":"PVS","pvs.include":[($pn + "/**"), ("_config/" + $pn + "/**")],"pvs.exclude":[($pn + "/src.json")]}' | b64url)
	jq -S -n -L "$LAB_DIR" --arg pn "$pn" --slurpfile args "$args" --arg conf "$conf_sha" --arg root "$root_sha" --arg prot "$protected" '
		include "pvrexport";
		($args[0]) as $a
		| container_json($pn;
			run_json($pn; $a; {"storage": {"docker--etc-volume": {"persistence": "permanent"}, "lxc-overlay": {"persistence": "boot"}}});
			src_json($a; {"config": {}, "docker_name": ("pv-ipam-tests-lab/" + $pn), "docker_tag": "lab"});
			$conf; $root; $prot; "PV-IPAM-TESTS-LAB-PLACEHOLDER-NOT-A-SIGNATURE")' >"$w/json"
	pack "$w" "$DEPLOY/$pn.pvrexport.tgz"
done

say "done: image $IMAGE ($(docker image inspect -f '{{.Size}}' "$IMAGE" | awk '{printf "%.1f MB", $1/1e6}')), $(ls "$DEPLOY" | wc -l) pvrexports"
