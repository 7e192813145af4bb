# TARGET=lab: the toolkit's own variables pointed at the appengine lab. Nothing else in the
# toolkit knows about the lab; the lab is a simulator of the appengine, not Pantavisor.
TARGET_LABEL ?= appengine LAB (pv-ipam-tests simulator, not Pantavisor)
IMAGE ?= pantavisor-appengine-lab:latest
ARTIFACTS ?= lab/out/deploy
# the lab's "external host": a peer netns inside the container, reachable only via its uplink
EXTERNAL_HOST ?= 198.51.100.1
LAB_FAULTS ?=
DOCKER_RUN_OPTS ?= --network none --cap-add NET_ADMIN --cap-add SYS_ADMIN --cap-add NET_RAW -e LAB_FAULTS=$(LAB_FAULTS)
