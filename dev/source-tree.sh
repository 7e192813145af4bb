#!/usr/bin/env bash
# What dev/build-image.sh copies of a source, and the key of exactly that (sourced by it; also a
# command, for the tests):
#   dev/source-tree.sh list DIR          the relative paths it copies, NUL-separated
#   dev/source-tree.sh hash SRC          sha256 of what it copies (a tarball: its bytes)
#   dev/source-tree.sh copy SRC DEST     the copy (a tarball: unpacked, its top directory stripped)
# A git checkout (DIR is the top of its work tree): its tracked files as they are in the work tree
# (a deleted one is not copied) and its untracked files that are not ignored. Any other directory
# (a plain tree, or a folder inside another repository, ignored there or not): everything in it.
# The key covers each path's type, permission bits, a file's content and a link's target, so a
# changed link, a chmod or an untracked file is a new build; a link is copied as a link (dangling
# or not). A tree holding what cannot be copied (an unreadable file, a fifo, a socket, a device)
# is refused: one line naming it, exit 2.

# st_is_checkout DIR: DIR is the top of a git work tree (not a folder inside one)
st_is_checkout() {
	local top
	top=$(git -C "$1" rev-parse --show-toplevel 2>/dev/null) || return 1
	[ "$top" = "$(cd "$1" && pwd -P)" ]
}

# st_list DIR: the copied paths, relative, sorted, NUL-separated
st_list() {
	local dir=$1
	if st_is_checkout "$dir"; then
		LC_ALL=C comm -z -23 \
			<(git -C "$dir" ls-files -z --cached --others --exclude-standard | LC_ALL=C sort -zu) \
			<(git -C "$dir" ls-files -z --deleted | LC_ALL=C sort -zu)
	else
		(cd "$dir" && find . -mindepth 1 -printf '%P\0' | LC_ALL=C sort -z)
	fi
}

# st_refuse_uncopyable DIR LISTFILE: exit 2 naming the first path that cannot be copied
st_refuse_uncopyable() {
	local dir=$1 list=$2 bad
	bad=$(cd "$dir" && find -files0-from "$list" -maxdepth 0 \( \( ! -type f ! -type d ! -type l \) -o \( -type f ! -readable \) -o \( -type d ! -readable \) \) -print -quit 2>&1)
	if [ -n "$bad" ]; then
		echo "dev/source-tree.sh: cannot copy '$dir/${bad#./}': not a readable file, directory or link" >&2
		exit 2
	fi
}

# st_hash SRC
st_hash() {
	local src=$1 list
	if [ -f "$src" ]; then
		sha256sum <"$src" | cut -d' ' -f1
		return
	fi
	list=$(mktemp)
	st_list "$src" >"$list"
	st_refuse_uncopyable "$src" "$list"
	{
		st_is_checkout "$src" && git -C "$src" rev-parse HEAD
		# type, permission bits, path, link target; then every regular file's content
		(cd "$src" && find -files0-from "$list" -maxdepth 0 -printf '%y %m %p -> %l\0' &&
			find -files0-from "$list" -maxdepth 0 -type f -print0 | xargs -0r sha256sum --)
	} | sha256sum | cut -d' ' -f1
	rm -f "$list"
}

# st_copy SRC DEST
st_copy() {
	local src=$1 dst=$2 list
	rm -rf "$dst"
	mkdir -p "$dst"
	if [ -f "$src" ]; then
		tar -xzf "$src" -C "$dst" --strip-components=1
		return
	fi
	list=$(mktemp)
	st_list "$src" >"$list"
	st_refuse_uncopyable "$src" "$list"
	if ! (cd "$src" && tar --null --no-recursion -T "$list" -cf -) | tar -xf - -C "$dst"; then
		rm -f "$list"
		echo "dev/source-tree.sh: copying '$src' failed (tar above)" >&2
		exit 2
	fi
	rm -f "$list"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	set -euo pipefail
	case "${1:-}:$#" in
	list:2) st_list "$2" ;;
	hash:2) st_hash "$2" ;;
	copy:3) st_copy "$2" "$3" ;;
	*) echo "usage: dev/source-tree.sh list DIR | hash SRC | copy SRC DEST" >&2; exit 2 ;;
	esac
fi
