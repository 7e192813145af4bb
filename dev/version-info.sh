#!/usr/bin/env bash
# dev/version-info.sh SRC: which pantavisor SRC is, as JSON (dev/build-image.sh writes it into the
# image as /usr/share/pv-ipam-tests/pantavisor-version.json; the toolkit resolves since/fixedIn
# refs against it):
#   {"commit": "<40 hex>", "describe": "...", "date": "<ISO 8601>", "subject": "...",
#    "source": "git"|"tarball"|"directory", "tags": [...], "history": ["<12 hex>", ...]}
# git: HEAD, `git describe --tags --always --dirty`, the commit date and subject, the tags HEAD
# contains (`git tag --merged HEAD`) and the 12-hex abbreviation of every commit of `git rev-list
# HEAD`. A git-archive tarball: its commit (pax header), the mtime git archive gave its entries,
# describe = the 12-hex abbreviation, subject "", tags [] and history [commit]. Any other
# directory: commit "", history [].
set -euo pipefail
DEV_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=dev/source-tree.sh
. "$DEV_DIR/source-tree.sh"
[ $# = 1 ] && [ -e "$1" ] || { echo "usage: dev/version-info.sh SRC (a pantavisor checkout, directory or tarball)" >&2; exit 2; }
src=$1
if [ -f "$src" ]; then
	commit=$(gzip -dc <"$src" | git get-tar-commit-id 2>/dev/null || true)
	[[ $commit =~ ^[0-9a-f]{40}$ ]] || commit=""
	stamp=$(TZ=UTC tar --full-time -tvzf "$src" 2>/dev/null | head -n 1 | awk '{ print $4 " " $5 }' || true)
	date=""
	[ -z "$stamp" ] || date=$(TZ=UTC date -d "$stamp" -Iseconds)
	jq -n --arg c "$commit" --arg d "$date" \
		'{commit: $c, describe: $c[0:12], date: $d, subject: "", source: "tarball", tags: [], history: (if $c == "" then [] else [$c[0:12]] end)}'
elif st_is_checkout "$src"; then
	g() { git -C "$src" "$@"; }
	jq -n --arg c "$(g rev-parse HEAD)" --arg describe "$(g describe --tags --always --dirty --abbrev=12)" \
		--arg d "$(g log -1 --format=%cI HEAD)" --arg s "$(g log -1 --format=%s HEAD)" \
		--rawfile tags <(g tag --merged HEAD | LC_ALL=C sort) --rawfile history <(g rev-list HEAD | cut -c1-12) \
		'{commit: $c, describe: $describe, date: $d, subject: $s, source: "git",
		  tags: ($tags | split("\n") | map(select(. != ""))), history: ($history | split("\n") | map(select(. != "")))}'
else
	jq -n '{commit: "", describe: "", date: "", subject: "", source: "directory", tags: [], history: []}'
fi
