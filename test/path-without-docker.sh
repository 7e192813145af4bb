# shellcheck shell=bash
# Sourced by test/device-no-docker.sh, test/device-faults.sh and .ci/device: a PATH without
# docker, for proving that TARGET=device never needs it (issue 25).
#   path_without_docker DIR CALLS WHO
# makes DIR hold a link to every command of the current PATH except docker, and a `docker` that
# appends its arguments to the file CALLS, says "WHO: docker was called (ARGS): TARGET=device
# must not need it" on stderr and exits 99; then checks that `docker` on PATH=DIR is that one.
# Use it as `env PATH="$DIR" make ...`.
path_without_docker() {
  local bin=$1 calls=$2 who=$3 d f n dirs
  mkdir -p "$bin"
  IFS=: read -ra dirs <<<"$PATH"
  for d in "${dirs[@]}"; do
    for f in "$d"/*; do
      n=${f##*/}
      [ "$n" != docker ] && [ -x "$f" ] && [ ! -e "$bin/$n" ] && ln -s "$f" "$bin/$n"
    done
  done
  # the stub's words are fixed when it is written: CALLS and WHO quoted for sh
  printf '#!/bin/sh\necho "docker $*" >>%q\necho %q" (docker $*): TARGET=device must not need it" >&2\nexit 99\n' "$calls" "$who: docker was called" >"$bin/docker"
  chmod +x "$bin/docker"
  [ "$(env PATH="$bin" sh -c 'command -v docker')" = "$bin/docker" ] || { echo "$who: the PATH without docker is not the one made ($bin)" >&2; return 1; }
}
