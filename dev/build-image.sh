#!/usr/bin/env bash
# Builds the DEV APPENGINE (called by `make appengine-dev`): real Pantavisor, compiled from a source
# tree without Yocto, against Debian's LXC, as the Docker image
#   pantavisor-appengine-dev:<pantavisor commit, 8 hex digits[-dirty]>  and  :latest
# Inputs (values are paths; nothing of them is copied into the repository, the user's tree is
# never modified: the build works on copies):
#   PV_SOURCES=DIR       the dependency sources, each a tarball NAME-*.tar.gz or a directory NAME
#                        or NAME-*: libevent (2.2.1-alpha), libthttp, picohttpparser, meta-pantavisor
#                        (for its two libevent patches)
#   PANTAVISOR_SRC=DIR   a pantavisor checkout (default: the pantavisor-*.tar.gz in PV_SOURCES)
#   DEV_CACHE=DIR        build cache (default dev/out/cache), keyed by the sha256 of the sources
#   DEV_IMAGE=NAME       image repository (default pantavisor-appengine-dev)
#   DEV_APT=0            do not apt-get install missing build packages (fail naming them instead)
#   DEV_CCACHE=0         do not compile pantavisor through ccache (used when the host has it)
#   DEV_TAG_LATEST=0     only the <commit> tag: no :latest, dev/out/preset.env left as it is
#                        (`make bisect` builds many commits and must not change what TARGET=dev runs)
# A second run with the same sources finds the image (label pv-ipam-tests.dev.key) and only tags it.
# Exit 2: bad usage (a path that is not what it should be); 3: the environment lacks something.
set -euo pipefail

DEV_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$DEV_DIR/.." && pwd)
IMAGE_REPO=${DEV_IMAGE:-pantavisor-appengine-dev}
CACHE=${DEV_CACHE:-$DEV_DIR/out/cache}
T0=$(date +%s)

say() { echo "dev/build-image.sh: $*"; }
usage_error() { echo "dev/build-image.sh: $*" >&2; exit 2; }
env_error() { echo "dev/build-image.sh: $*" >&2; exit 3; }
fail() { echo "dev/build-image.sh: $*" >&2; exit 1; }
# echo a major command (each word quoted as the shell would need it), then run it
run() { echo "+ $(printf '%q ' "$@")"; "$@"; }
# the same, its output kept in a log file and shown only when it fails
run_logged() { # LOG CMD...
	local log=$1; shift
	echo "+ $(printf '%q ' "$@") > ${log#"$CACHE"/}"
	if ! "$@" >"$log" 2>&1; then
		tail -n 30 "$log" >&2
		fail "failed: $1 ... (whole output: $log)"
	fi
}

# ================================================================ inputs
[ -n "${PV_SOURCES:-}" ] || usage_error "PV_SOURCES is not set (a directory with libevent, libthttp, picohttpparser and meta-pantavisor sources; e.g. PV_SOURCES=/path/to/pantavisor-sources)"
[ -d "$PV_SOURCES" ] || usage_error "PV_SOURCES is not a directory: '$PV_SOURCES'"
PV_SOURCES=$(cd "$PV_SOURCES" && pwd)

# find_source NAME: the one tarball NAME-*.tar.gz or directory NAME / NAME-* in PV_SOURCES
find_source() {
	local name=$1 found=() f
	shopt -s nullglob
	for f in "$PV_SOURCES/$name"-*.tar.gz "$PV_SOURCES/$name"-*.tgz; do
		[ -f "$f" ] && found+=("$f")
	done
	for f in "$PV_SOURCES/$name" "$PV_SOURCES/$name"-*; do
		[ -d "$f" ] && found+=("$f")
	done
	shopt -u nullglob
	[ ${#found[@]} -gt 0 ] || usage_error "PV_SOURCES has no $name source ('$PV_SOURCES' needs $name-*.tar.gz or a directory $name)"
	[ ${#found[@]} -eq 1 ] || usage_error "PV_SOURCES has more than one $name source: $(printf "'%s' " "${found[@]}")"
	printf '%s\n' "${found[0]}"
}

SRC_LIBEVENT=$(find_source libevent)
SRC_LIBTHTTP=$(find_source libthttp)
SRC_PICO=$(find_source picohttpparser)
SRC_META=$(find_source meta-pantavisor)
if [ -n "${PANTAVISOR_SRC:-}" ]; then
	[ -d "$PANTAVISOR_SRC" ] || usage_error "PANTAVISOR_SRC is not a directory: '$PANTAVISOR_SRC'"
	SRC_PV=$(cd "$PANTAVISOR_SRC" && pwd)
else
	SRC_PV=$(find_source pantavisor)
fi
if [ -d "$SRC_PV" ]; then
	for f in CMakeLists.txt plugins/pv_lxc.c; do
		[ -f "$SRC_PV/$f" ] || usage_error "not a pantavisor tree (no $f): '$SRC_PV'"
	done
	# a pantavisor this build cannot make an appengine of (before 932c6c8, December 2025; release 025): exit 3
	for f in appengine/pv-appengine.in appengine/pantavisor.config.in; do
		[ -f "$SRC_PV/$f" ] || env_error "this pantavisor has no appengine to build (no $f; it came with 932c6c8, release 025): '$SRC_PV'"
	done
	grep -q PANTAVISOR_APPENGINE "$SRC_PV/CMakeLists.txt" || env_error "this pantavisor has no appengine to build (CMakeLists.txt has no PANTAVISOR_APPENGINE): '$SRC_PV'"
fi

# ================================================================ source identities
# what the build copies of each source and its key: dev/source-tree.sh (st_hash, st_copy, st_is_checkout)
# shellcheck source=dev/source-tree.sh
. "$DEV_DIR/source-tree.sh"
source_hash() { st_hash "$1"; }

# source_commit SRC: a tarball's commit (git archive's pax header), a checkout's HEAD (+ -dirty)
source_commit() {
	local src=$1 c
	if [ -f "$src" ]; then
		c=$(gzip -dc <"$src" | git get-tar-commit-id 2>/dev/null || true)
		[ -n "$c" ] && echo "$c" || echo "unknown"
	elif st_is_checkout "$src"; then
		c=$(git -C "$src" rev-parse HEAD)
		if [ -n "$(git -C "$src" status --porcelain --untracked-files=normal 2>/dev/null)" ]; then c="$c-dirty"; fi
		echo "$c"
	else
		echo "unknown"
	fi
}

# the recipe: this script (a change is a new build of everything) and the adaptation (of pantavisor)
RECIPE_HASH=$(cat "$DEV_DIR/build-image.sh" "$DEV_DIR/source-tree.sh" "$DEV_DIR/dropbear-n.sh" "$DEV_DIR/peer.sh" | sha256sum | cut -d' ' -f1)
ADAPT_HASH=$(cat "$DEV_DIR/pv_lxc-debian-lxc.sed" "$DEV_DIR/adapt-pv-lxc.sh" "$DEV_DIR/peer.sh" "$DEV_DIR/version-info.sh" "$DEV_DIR/compat-env.sh" | sha256sum | cut -d' ' -f1)
H_LIBEVENT=$(source_hash "$SRC_LIBEVENT")
H_LIBTHTTP=$(source_hash "$SRC_LIBTHTTP")
H_PICO=$(source_hash "$SRC_PICO")
H_META=$(source_hash "$SRC_META")
H_PV=$(source_hash "$SRC_PV")
DEPS_KEY=$(printf '%s\n' "$RECIPE_HASH" "$H_LIBEVENT" "$H_LIBTHTTP" "$H_PICO" "$H_META" | sha256sum | cut -c1-16)
KEY=$(printf '%s\n' "$DEPS_KEY" "$ADAPT_HASH" "$H_PV" | sha256sum | cut -c1-16)
PV_COMMIT=$(source_commit "$SRC_PV")
case "$PV_COMMIT" in
unknown) PV_SHORT="src-${H_PV:0:8}" ;;
*-dirty) PV_SHORT="${PV_COMMIT:0:8}-dirty" ;;
*) PV_SHORT=${PV_COMMIT:0:8} ;;
esac
TAG="$IMAGE_REPO:$PV_SHORT"
# ================================================================ host packages
PACKAGES=(build-essential cmake pkg-config patch libmbedtls-dev zlib1g-dev lxc lxc-dev squashfs-tools
	nftables iproute2 util-linux netcat-openbsd bash procps git jq)
missing=()
for p in "${PACKAGES[@]}"; do
	dpkg-query -W -f '${db:Status-Status}' "$p" 2>/dev/null | grep -qx installed || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	[ "${DEV_APT:-1}" != 0 ] || env_error "missing Debian packages (DEV_APT=0): apt-get install -y ${missing[*]}"
	command -v apt-get >/dev/null || env_error "missing packages ${missing[*]} and no apt-get (this build needs Debian 12 or 13)"
	[ "$(id -u)" = 0 ] || env_error "missing packages ${missing[*]}: run as root, or apt-get install -y ${missing[*]} first"
	say "installing ${missing[*]}"
	run apt-get update -qq || env_error "apt-get update failed"
	DEBIAN_FRONTEND=noninteractive run apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${missing[@]}" ||
		env_error "apt-get install ${missing[*]} failed"
fi
command -v docker >/dev/null || env_error "docker is not installed (apt-get install -y docker.io)"
docker info >/dev/null 2>&1 || env_error "dockerd is not reachable (is the docker service running?)"

# which pantavisor (dev/version-info.sh): into the image, its labels and every report's target line
VERSION_JSON=$(bash "$DEV_DIR/version-info.sh" "$SRC_PV") || env_error "cannot read the version of '$SRC_PV' (dev/version-info.sh)"
PV_DESCRIBE=$(jq -r .describe <<<"$VERSION_JSON")
PV_DATE=$(jq -r .date <<<"$VERSION_JSON")
# the image's key: the sources' and the version's (a new tag on the same commit is a new image, not a new build)
IMAGE_KEY=$(printf '%s\n' "$KEY" "$VERSION_JSON" | sha256sum | cut -c1-16)
# (a tarball's describe is its commit: not said twice)
case "$PV_COMMIT" in "$PV_DESCRIBE"*) SHOWN_DESCRIBE="" ;; *) SHOWN_DESCRIBE=$PV_DESCRIBE ;; esac
DESCRIPTION="pantavisor-appengine-dev (pantavisor $PV_SHORT${SHOWN_DESCRIBE:+, $SHOWN_DESCRIBE}${PV_DATE:+ of ${PV_DATE:0:10}}, built from source with Debian LXC, not the Yocto image)"
say "pantavisor $PV_COMMIT from $SRC_PV"
say "sources key $KEY (dependencies $DEPS_KEY)"

tag_latest() {
	if [ "${DEV_TAG_LATEST:-1}" = 0 ]; then
		say "$TAG (DEV_TAG_LATEST=0: :latest and dev/out/preset.env unchanged): $DESCRIPTION"
		say "done in $(($(date +%s) - T0)) s"
		return 0
	fi
	run docker tag "$TAG" "$IMAGE_REPO:latest"
	# TARGET=dev runs the image this build made, and every report names its pantavisor commit
	# (dev/out/preset.env overrides dev/preset.env; the environment still wins over both)
	mkdir -p "$DEV_DIR/out"
	printf '# written by dev/build-image.sh; TARGET=dev reads it after dev/preset.env\nIMAGE=%s\nTARGET_LABEL=%s\n' "$TAG" "$DESCRIPTION" >"$DEV_DIR/out/preset.env"
	say "$TAG and $IMAGE_REPO:latest: $DESCRIPTION"
	say "done in $(($(date +%s) - T0)) s; size $(docker image inspect -f '{{.Size}}' "$TAG" | awk '{ printf "%.0f MB", $1 / 1e6 }')"
}

# ================================================================ cached image?
if [ "$(docker image inspect -f '{{ index .Config.Labels "pv-ipam-tests.dev.key" }}' "$TAG" 2>/dev/null || true)" = "$IMAGE_KEY" ]; then
	say "cached: $TAG was built from these sources"
	tag_latest
	exit 0
fi

mkdir -p "$CACHE"
CACHE=$(cd "$CACHE" && pwd)

# unpack SRC DEST: what source_hash keyed (dev/source-tree.sh)
unpack() { st_copy "$1" "$2"; }

# ================================================================ dependencies (own cache key)
DEPS=$CACHE/deps-$DEPS_KEY
if [ ! -f "$DEPS/.done" ]; then
	say "building libevent, picohttpparser, libthttp into ${DEPS#"$REPO"/}"
	W=$CACHE/work-deps
	rm -rf "$W" "$DEPS"
	mkdir -p "$W" "$DEPS/prefix/lib" "$DEPS/prefix/include"
	PREFIX=$DEPS/prefix
	unpack "$SRC_LIBEVENT" "$W/libevent"
	unpack "$SRC_META" "$W/meta-pantavisor"
	unpack "$SRC_PICO" "$W/picohttpparser"
	unpack "$SRC_LIBTHTTP" "$W/libthttp"

	shopt -s nullglob
	patches=("$W"/meta-pantavisor/recipes-pv/libevent/files/*.patch)
	shopt -u nullglob
	[ ${#patches[@]} -gt 0 ] || usage_error "meta-pantavisor source has no recipes-pv/libevent/files/*.patch: '$SRC_META'"
	for p in "${patches[@]}"; do
		run patch -d "$W/libevent" -p1 --forward -i "$p"
	done
	run_logged "$W/libevent.configure.log" cmake -S "$W/libevent" -B "$W/libevent/build" \
		-DCMAKE_INSTALL_PREFIX="$PREFIX" -DCMAKE_BUILD_TYPE=Release -DEVENT__LIBRARY_TYPE=STATIC \
		-DEVENT__DISABLE_OPENSSL=ON -DEVENT__DISABLE_TESTS=ON -DEVENT__DISABLE_REGRESS=ON \
		-DEVENT__DISABLE_SAMPLES=ON -DEVENT__DISABLE_BENCHMARK=ON -DCMAKE_POSITION_INDEPENDENT_CODE=ON
	run_logged "$W/libevent.build.log" cmake --build "$W/libevent/build" --parallel "$(nproc)" --target install

	run gcc -O2 -fPIC -c "$W/picohttpparser/picohttpparser.c" -o "$W/picohttpparser/picohttpparser.o"
	run ar rcs "$PREFIX/lib/libpicohttpparser.a" "$W/picohttpparser/picohttpparser.o"
	run install -m 0644 "$W/picohttpparser/picohttpparser.h" "$PREFIX/include/"

	run_logged "$W/libthttp.configure.log" cmake -S "$W/libthttp" -B "$W/libthttp/build" \
		-DCMAKE_INSTALL_PREFIX="$PREFIX" -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$PREFIX" \
		-DCMAKE_POSITION_INDEPENDENT_CODE=ON -DCMAKE_C_FLAGS="-I$PREFIX/include"
	run_logged "$W/libthttp.build.log" cmake --build "$W/libthttp/build" --parallel "$(nproc)" --target install
	rm -rf "$W"
	touch "$DEPS/.done"
else
	say "cached: dependencies in ${DEPS#"$REPO"/}"
fi
PREFIX=$DEPS/prefix

# ================================================================ pantavisor (a copy, adapted)
PVB=$CACHE/pv-$KEY
if [ ! -f "$PVB/.done" ]; then
	say "building pantavisor into ${PVB#"$REPO"/}"
	rm -rf "$PVB"
	mkdir -p "$PVB"
	unpack "$SRC_PV" "$PVB/src"
	run bash "$DEV_DIR/adapt-pv-lxc.sh" "$PVB/src/plugins/pv_lxc.c"
	# ccache when the host has it (DEV_CCACHE=0: never): builds of neighbouring commits, as `make
	# bisect` makes, recompile only the files that changed; paths under $PVB hashed relative
	LAUNCHER=()
	if [ "${DEV_CCACHE:-1}" != 0 ] && command -v ccache >/dev/null; then
		export CCACHE_DIR=$CACHE/ccache CCACHE_BASEDIR=$PVB CCACHE_NOHASHDIR=1
		LAUNCHER=(-DCMAKE_C_COMPILER_LAUNCHER=ccache)
		say "ccache in ${CCACHE_DIR#"$REPO"/}"
	fi
	CFLAGS_PV="-I$PREFIX/include -Wno-unused-result -ldl -Wno-error=implicit-function-declaration -Wno-error=deprecated-declarations"
	run_logged "$PVB/configure.log" cmake -S "$PVB/src" -B "$PVB/build" \
		-DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr -DCMAKE_INSTALL_SYSCONFDIR=/etc \
		-DCMAKE_INSTALL_LOCALSTATEDIR=/var -DCMAKE_INSTALL_LIBDIR=lib -DCMAKE_PREFIX_PATH="$PREFIX" \
		-DCMAKE_C_FLAGS="$CFLAGS_PV" -DCMAKE_EXE_LINKER_FLAGS="-L$PREFIX/lib" -DCMAKE_SHARED_LINKER_FLAGS="-L$PREFIX/lib" \
		-DPANTAVISOR_APPENGINE=ON -DPANTAVISOR_PVTX=ON -DPANTAVISOR_RUNTIME=ON -DPANTAVISOR_PVTEST=OFF -DPANTAVISOR_DEBUG=ON \
		-DPANTAVISOR_E2FSGROW_ENABLE=OFF -DPANTAVISOR_XCONNECT=OFF "${LAUNCHER[@]}"
	run_logged "$PVB/build.log" cmake --build "$PVB/build" --parallel "$(nproc)"
	run_logged "$PVB/install.log" make -C "$PVB/build" install DESTDIR="$PVB/install"
	rm -rf "$PVB/src"
	touch "$PVB/.done"
else
	say "cached: pantavisor build in ${PVB#"$REPO"/}"
fi
INSTALL=$PVB/install
[ -x "$INSTALL/usr/bin/pantavisor" ] || fail "the pantavisor install tree has no usr/bin/pantavisor: $INSTALL"
[ -x "$INSTALL/usr/bin/pv-appengine" ] || fail "the pantavisor install tree has no usr/bin/pv-appengine: $INSTALL"
# the toolkit mounts pvtx.d here, as on the Yocto image (Debian's GNUInstallDirs would say lib/<multiarch>)
# (August on: `for d in /usr/lib/pantavisor/pvtx.d ...`; 028/029: `ls /usr/lib/pantavisor/pvtx.d/*`)
grep -q '/usr/lib/pantavisor/pvtx\.d\b' "$INSTALL/usr/bin/pv-appengine" ||
	env_error "pv-appengine does not deploy from /usr/lib/pantavisor/pvtx.d (where the toolkit mounts PVTXD): $INSTALL/usr/bin/pv-appengine"
[ -f "$INSTALL/etc/pantavisor-appengine.config" ] || env_error "the pantavisor install tree has no etc/pantavisor-appengine.config: $INSTALL"
# what the Yocto appengine of this pantavisor's time gave it through the environment (dev/compat-env.sh)
COMPAT_ENV=$(bash "$DEV_DIR/compat-env.sh" "$INSTALL")
[ -z "$COMPAT_ENV" ] || say "settings its config lacks, given as the pvtest harness of its time did: $(tr '\n' ' ' <<<"$COMPAT_ENV")"
# the source of pv-appengine's /volumes bind mount (@CMAKE_INSTALL_RUNSTATEDIR@/pv/volumes): before
# 328025df pv-appengine did not create it (the Yocto harness mounted a tmpfs on /volumes instead)
VOLUMES_SRC=$(sed -n 's|^[[:space:]]*mount --bind \(/[^ ]*\) /volumes.*|\1|p' "$INSTALL/usr/bin/pv-appengine" | head -n 1)

# ================================================================ rootfs
ROOTFS=$CACHE/rootfs-$KEY
say "assembling the rootfs in ${ROOTFS#"$REPO"/}"
rm -rf "$ROOTFS"
mkdir -p "$ROOTFS"
(cd "$INSTALL" && tar -cf - .) | tar -xf - -C "$ROOTFS"
cd "$ROOTFS"
# merged /usr, as Debian: /bin /sbin /lib /lib64 are links into usr
mkdir -p usr/bin usr/sbin usr/lib usr/lib64 etc/lxc tmp run proc sys dev root var/log \
	usr/lib/lxc/rootfs usr/var/lib/lxc usr/lib/pantavisor/pvtx.d var/pantavisor/storage
for d in bin sbin lib lib64; do
	if [ -d "$d" ] && [ ! -L "$d" ]; then (cd "$d" && tar -cf - .) | tar -xf - -C "usr/$d" && rm -rf "$d"; fi
	ln -sfn "usr/$d" "$d"
done
chmod 1777 tmp

# copy_with_libs FILE...: each host file at the same path, with every shared library ldd names
copy_with_libs() {
	local f lib
	for f in "$@"; do
		[ -e "$f" ] || fail "host file missing: $f"
		mkdir -p "$ROOTFS$(dirname "$f")"
		cp -a "$f" "$ROOTFS$f"
		[ -L "$f" ] && cp -a "$(readlink -f "$f")" "$ROOTFS$(readlink -f "$f")" 2>/dev/null || true
		while read -r lib; do
			[ -n "$lib" ] || continue
			[ -e "$ROOTFS$lib" ] || install -D -m 0755 "$(readlink -f "$lib")" "$ROOTFS$lib"
		done < <(ldd "$f" 2>/dev/null | awk '/=>/ { if ($3 ~ /^\//) print $3; next } $1 ~ /^\// { print $1 }')
	done
}

# Debian's DYNAMIC busybox for the applets nothing else provides (busybox-static would prefer its
# own nc, and pvcontrol needs OpenBSD's `nc -U`)
BB_DIR=$CACHE/busybox
if ! ls "$BB_DIR"/busybox_*.deb >/dev/null 2>&1; then
	mkdir -p "$BB_DIR"
	# (a machine whose packages came preinstalled may have no package lists yet: update once, retry)
	(cd "$BB_DIR" && run apt-get -o APT::Sandbox::User=root download busybox) ||
		{ run apt-get update -qq && (cd "$BB_DIR" && run apt-get -o APT::Sandbox::User=root download busybox); } ||
		env_error "apt-get download busybox failed"
fi
rm -rf "$BB_DIR/x"
run dpkg-deb -x "$(ls "$BB_DIR"/busybox_*.deb | head -n 1)" "$BB_DIR/x"
install -D -m 0755 "$BB_DIR/x/bin/busybox" "$ROOTFS/usr/bin/busybox"
while read -r lib; do
	[ -n "$lib" ] || continue
	[ -e "$ROOTFS$lib" ] || install -D -m 0755 "$(readlink -f "$lib")" "$ROOTFS$lib"
done < <(ldd "$BB_DIR/x/bin/busybox" | awk '/=>/ { if ($3 ~ /^\//) print $3; next } $1 ~ /^\// { print $1 }')

# Debian's dropbear (dropbear-bin and its two libraries, taken like busybox) for Pantavisor's debug
# SSH (PANTAVISOR_DEBUG=ON, PV_DEBUG_SSH=1 in the appengine config; `make device-dev`): the binary
# as /usr/lib/pv-ipam-tests/dropbear, and the project's wrapper as /usr/sbin/dropbear, the name
# Pantavisor runs (dev/dropbear-n.sh: it gives Debian's dropbear what dropbear-pv's -n does)
DB_DIR=$CACHE/dropbear
DB_DEBS=(dropbear-bin libtomcrypt1 libtommath1)
if ! ls "$DB_DIR"/dropbear-bin_*.deb "$DB_DIR"/libtomcrypt1_*.deb "$DB_DIR"/libtommath1_*.deb >/dev/null 2>&1; then
	mkdir -p "$DB_DIR"
	(cd "$DB_DIR" && run apt-get -o APT::Sandbox::User=root download "${DB_DEBS[@]}") ||
		{ run apt-get update -qq && (cd "$DB_DIR" && run apt-get -o APT::Sandbox::User=root download "${DB_DEBS[@]}"); } ||
		env_error "apt-get download ${DB_DEBS[*]} failed"
fi
rm -rf "$DB_DIR/x"
for p in "${DB_DEBS[@]}"; do
	run dpkg-deb -x "$(ls "$DB_DIR/${p}"_*.deb | head -n 1)" "$DB_DIR/x"
done
install -D -m 0755 "$DB_DIR/x/usr/sbin/dropbear" "$ROOTFS/usr/lib/pv-ipam-tests/dropbear"
cp -a "$DB_DIR"/x/usr/lib/x86_64-linux-gnu/libtom* "$ROOTFS/usr/lib/x86_64-linux-gnu/"
while read -r lib; do
	[ -n "$lib" ] || continue
	[ -e "$ROOTFS$lib" ] || install -D -m 0755 "$(readlink -f "$lib")" "$ROOTFS$lib"
done < <(LD_LIBRARY_PATH=$DB_DIR/x/usr/lib/x86_64-linux-gnu ldd "$DB_DIR/x/usr/sbin/dropbear" | grep -v "$DB_DIR" |
	awk '/=>/ { if ($3 ~ /^\//) print $3; next } $1 ~ /^\// { print $1 }')
install -D -m 0755 "$DEV_DIR/dropbear-n.sh" "$ROOTFS/usr/sbin/dropbear"
# dropbearkey too: `make device-dev` reads the device's host key with it (dropbearkey -y) to check
# what ssh-keyscan got before it writes known_hosts
install -D -m 0755 "$DB_DIR/x/usr/bin/dropbearkey" "$ROOTFS/usr/bin/dropbearkey"

# host binaries (Debian paths, merged /usr)
HOST_BINS=(/usr/bin/bash /usr/sbin/nft /usr/bin/nsenter /usr/bin/unshare /usr/bin/nc.openbsd /usr/bin/pgrep
	/usr/sbin/ip /usr/sbin/losetup /usr/bin/mount /usr/bin/umount /usr/bin/mksquashfs /usr/bin/unsquashfs)
copy_with_libs "${HOST_BINS[@]}"
ln -sfn nc.openbsd usr/bin/nc
# lxc: every lxc-* tool, lxc's helpers and templates, the static init, the monitor daemon
mapfile -t LXC_TOOLS < <(ls /usr/bin/lxc-* 2>/dev/null)
[ ${#LXC_TOOLS[@]} -gt 0 ] || env_error "no /usr/bin/lxc-* tools (apt-get install -y lxc)"
copy_with_libs "${LXC_TOOLS[@]}"
for f in /usr/sbin/init.lxc.static /usr/libexec/lxc/lxc-monitord; do
	[ -e "$f" ] || env_error "missing $f (apt-get install -y lxc)"
	copy_with_libs "$f"
done
[ -d /usr/libexec/lxc ] && { mkdir -p usr/libexec/lxc; cp -a /usr/libexec/lxc/. usr/libexec/lxc/; }
[ -d /usr/share/lxc ] || env_error "missing /usr/share/lxc (apt-get install -y lxc)"
mkdir -p usr/share && cp -a /usr/share/lxc usr/share/
# liblxc itself (pantavisor's lxc plugin dlopens nothing else of lxc)
mapfile -t LIBLXC < <(ls /usr/lib/x86_64-linux-gnu/liblxc.so* 2>/dev/null || true)
[ ${#LIBLXC[@]} -gt 0 ] && copy_with_libs "${LIBLXC[@]}"
# the libraries of everything pantavisor installed (binaries and plugins), found by ldd
while IFS= read -r -d '' f; do
	while read -r lib; do
		[ -n "$lib" ] || continue
		[ -e "$ROOTFS$lib" ] || install -D -m 0755 "$(readlink -f "$lib")" "$ROOTFS$lib"
	done < <(ldd "$f" 2>/dev/null | awk '/=>/ { if ($3 ~ /^\//) print $3; next } $1 ~ /^\// { print $1 }')
done < <(find "$INSTALL" -type f -perm /111 -print0; find "$INSTALL" -type f -name '*.so*' -print0)
# nss for name lookups (getpwnam of root, etc.)
cp -a /usr/lib/x86_64-linux-gnu/libnss_files.so* usr/lib/x86_64-linux-gnu/ 2>/dev/null || true

# busybox applets for every command not already in the rootfs
while read -r a; do
	[ -n "$a" ] || continue
	[ -e "usr/bin/$a" ] || [ -e "usr/sbin/$a" ] || ln -s busybox "usr/bin/$a"
done < <("$BB_DIR/x/bin/busybox" --list)
ln -sfn bash usr/bin/sh

# configuration
printf 'lxc.lxcpath = /usr/var/lib/lxc\n' >etc/lxc/lxc.conf
printf 'root:x:0:0:root:/root:/bin/sh\n' >etc/passwd
printf 'root:x:0:\n' >etc/group
printf 'hosts: files\npasswd: files\ngroup: files\n' >etc/nsswitch.conf
printf '127.0.0.1 localhost\n' >etc/hosts
[ -z "$VOLUMES_SRC" ] || mkdir -p ".$VOLUMES_SRC"
install -d usr/share/pv-ipam-tests
printf '%s\n' "$VERSION_JSON" >usr/share/pv-ipam-tests/pantavisor-version.json
cat >etc/pantavisor-appengine-dev.txt <<EOF
$DESCRIPTION
pantavisor commit: $PV_COMMIT
pantavisor describe: $PV_DESCRIBE (version: /usr/share/pv-ipam-tests/pantavisor-version.json)
settings given through the environment (dev/compat-env.sh): $(if [ -n "$COMPAT_ENV" ]; then tr "\n" " " <<<"$COMPAT_ENV"; else echo none; fi)
sources key: $KEY
built by pv-ipam-tests dev/build-image.sh from: $SRC_PV
EOF
# the external host of Test 3 (TEST-NET-2 peer netns inside the container, dev/peer.sh): a
# pv-appengine first on PATH makes it, then runs the real one
install -D -m 0755 "$DEV_DIR/peer.sh" usr/lib/pv-ipam-tests/peer.sh
mkdir -p usr/local/bin
{
	printf '#!/bin/sh\n# pv-ipam-tests: the settings the config of this pantavisor lacks (dev/compat-env.sh; the environment wins),\n'
	printf '# then the external host of Test 3 (dev/peer.sh), then the real pv-appengine\n'
	while IFS= read -r kv; do
		[ -n "$kv" ] && printf '[ -n "${%s+set}" ] || export %s\n' "${kv%%=*}" "$kv"
	done <<<"$COMPAT_ENV"
	printf 'exec /usr/lib/pv-ipam-tests/peer.sh /usr/bin/pv-appengine "$@"\n'
} >usr/local/bin/pv-appengine
chmod 0755 usr/local/bin/pv-appengine

cd "$REPO"

# every binary runs in the rootfs (catches a library ldd did not name)
for b in /usr/bin/pantavisor /usr/bin/pvtx /usr/bin/bash /usr/sbin/nft /usr/bin/lxc-ls /usr/bin/nc /usr/bin/busybox \
	/usr/sbin/dropbear /usr/lib/pv-ipam-tests/dropbear /usr/bin/dropbearkey /usr/bin/fallbear-cmd; do
	[ -e "$ROOTFS$b" ] || fail "rootfs lacks $b"
done

# ================================================================ image
say "importing $TAG"
run tar -C "$ROOTFS" -cf "$CACHE/rootfs-$KEY.tar" .
run docker import \
	--change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
	--change 'WORKDIR /' \
	--change 'CMD ["/usr/bin/pv-appengine"]' \
	--change "LABEL pv-ipam-tests.dev.key=$IMAGE_KEY" \
	--change "LABEL pv-ipam-tests.dev.pantavisor-commit=$PV_COMMIT" \
	--change "LABEL pv-ipam-tests.dev.pantavisor-describe=$PV_DESCRIBE" \
	--change "LABEL pv-ipam-tests.dev.pantavisor-date=$PV_DATE" \
	--change "LABEL pv-ipam-tests.dev.description=\"$DESCRIPTION\"" \
	--message "$DESCRIPTION" \
	"$CACHE/rootfs-$KEY.tar" "$TAG"
rm -rf "$ROOTFS" "$CACHE/rootfs-$KEY.tar" "$BB_DIR/x" "$DB_DIR/x"
tag_latest
