#!/usr/bin/env bash
# Builds the lab (lab/build.sh) only when it is missing or stale: the image is absent, the
# pvrexports are absent, or the lab's sources (build.sh, pvrexport.jq, rootfs/, examples/) changed since the
# last build (a hash of them is kept in lab/out/.sources-sha256).
set -euo pipefail
cd "$(dirname "$0")/.."
IMAGE=${LAB_IMAGE:-pantavisor-appengine-lab:latest}
stamp=lab/out/.sources-sha256
sha=$( (cd lab && find build.sh pvrexport.jq rootfs examples -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum) | sha256sum | cut -d' ' -f1)
why=""
if ! docker image inspect "$IMAGE" >/dev/null 2>&1; then why="image $IMAGE is missing"
elif ! ls lab/out/deploy/*.pvrexport.tgz >/dev/null 2>&1; then why="lab/out/deploy has no pvrexports"
elif [ "$(cat "$stamp" 2>/dev/null)" != "$sha" ]; then why="the lab's sources changed since the last build"
fi
if [ -z "$why" ]; then echo "lab: up to date ($IMAGE, $(ls lab/out/deploy/*.pvrexport.tgz | wc -l) pvrexports)"; exit 0; fi
echo "lab: building ($why)"
bash lab/build.sh
echo "$sha" >"$stamp"
