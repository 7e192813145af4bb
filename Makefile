# pv-ipam-tests: Pantavisor's IPAM Networking Test Plan, automated.
# `make help` lists everything. Each target calls one small script in scripts/ (tsx, or Deno
# with RUNTIME=deno); variables set here or on the command line reach them as environment.
# What each target does is lib/tooling/verbs.ts (one line each; make help, deno.json's tasks and the
# single file's verbs come from it), what each variable means lib/tooling/variables.ts: a target or a
# VARS name added here and not there fails make unit (test/verbs.test.ts, test/variables.test.ts).

RUNTIME ?= node
# node or deno (empty: node); its text is never expanded by make ($(value ...))
ifneq ($(filter-out node deno,$(value RUNTIME)),)
$(error RUNTIME must be node or deno (or empty for node), got '$(value RUNTIME)')
endif
ifeq ($(value RUNTIME),deno)
# deno from PATH if there is one, else the one npm installed
RUN := $(or $(shell command -v deno 2>/dev/null),./node_modules/.bin/deno) run -A --quiet
else
# node with tsx's loader: the same as ./node_modules/.bin/tsx without its extra process (about
# half a second less for every script started)
RUN := node --import tsx
endif

# TARGET=lab points the toolkit at the appengine lab (a simulator) instead of a real appengine:
# the scripts load lab/preset.env as defaults (TARGET=NAME loads NAME/preset.env).

# Pass the toolkit's variables to the scripts. Only defined ones are exported, so that an
# unset variable keeps its preset or default value.
VARS := TARGET TARGET_LABEL IMAGE CONTAINER VOLUME PVTXD ARTIFACTS IMAGE_TAR KAS KAS_CONFIG META_PANTAVISOR \
	DOCKER_RUN_OPTS EXTERNAL_HOST BOOT_TIMEOUT STEP_TIMEOUT SETTLE_TIMEOUT SETTLE_STABLE POLL_INTERVAL \
	CMD_TIMEOUT PING_WAIT REPORT_DIR WORK_DIR KEEP DRY_RUN LABEL SNAPSHOT CAPTURE_DIR CMD LOG FOLLOW \
	SCENARIOS LAB_FAULTS LAB_VARIANTS ONLY JOBS STRICT REQUIRE VERBOSE REPORT PROGRESS BENCH_ONLY BENCH_JOBS \
	PV_SOURCES PANTAVISOR_SRC DEV_CACHE DEV_IMAGE DEV_APT GOOD BAD \
	REPORTS OUT FORCE DEVICE DEVICE_KEY DEVICE_KNOWN_HOSTS DEVICE_RESTORE
# A value given on the command line is kept as typed (OUT='$$(shell ...)' is a file name, not
# make's $$(shell)): it becomes a simple variable holding its own unexpanded text.
$(foreach v,$(VARS),$(if $(filter command line,$(origin $(v))),$(eval override $(v) := $$(value $(v)))))
$(foreach v,$(VARS),$(if $(filter undefined,$(origin $(v))),,$(eval export $(v))))
# No recipe pastes a value a user passes into its shell line: the scripts read the variables
# above from the environment, and a pattern target's stem (the N of test-N) arrives as N.

.PHONY: help build load up down shell logs clean lint lint-ts rerun chaos test-all unit typecheck lab lab-if-stale lab-selftest appengine-dev mutation bench ci setup demo

help:
	@$(RUN) scripts/help.ts

build:
	@$(RUN) scripts/build.ts
load:
	@$(RUN) scripts/load.ts
up:
	@$(RUN) scripts/up.ts
down:
	@$(RUN) scripts/down.ts
shell:
	@$(RUN) scripts/shell.ts
logs:
	@$(RUN) scripts/logs.ts
clean:
	@$(RUN) scripts/clean.ts
lint:
	@$(RUN) scripts/lint.ts

test-all:
	@$(RUN) scripts/test.ts all
rerun:
	@$(RUN) scripts/rerun.ts
test-%: export N = $*
test-%:
	@$(RUN) scripts/test.ts
stage-%: export N = $*
stage-%:
	@$(RUN) scripts/stage.ts
verify-%: export N = $*
verify-%:
	@$(RUN) scripts/verify.ts
capture-%: export N = $*
capture-%:
	@$(RUN) scripts/capture.ts

# --- the plan as a document; CI on GitHub Actions (see README) ------------------------------
.PHONY: plan plan-check ci-matrix junit-merge workflow-lint deno-alone dist

plan:
	@$(RUN) scripts/registries.ts
	@$(RUN) scripts/plan.ts
plan-check:
	@$(RUN) scripts/registries.ts --check
	@$(RUN) scripts/plan.ts --check
ci-matrix:
	@$(RUN) scripts/ci-matrix.ts
junit-merge:
	@$(RUN) scripts/junit-merge.ts
workflow-lint:
	@node --import tsx scripts/workflow-lint.ts examples/github-actions/*.yml
deno-alone:
	bash .ci/deno-alone
dist:
	@node --import tsx scripts/dist/build.ts

# --- the project itself -------------------------------------------------------------------
setup:
	@bash .ci/setup

# The main job on the embedded default: install what is missing, build the lab if it is absent
# or stale, run the whole plan on it, then say how to point the same command at a real build.
demo:
	@bash .ci/setup
	@bash lab/ensure.sh
	@$(MAKE) --no-print-directory test-all TARGET=lab; s=$$?; echo; \
	  echo "That was the appengine LAB, a simulator: it shows the toolkit works, not that Pantavisor does."; \
	  echo "On your build: make build && make load && make test-all   (or ARTIFACTS=<deploy dir> IMAGE=<appengine image> make test-all)"; \
	  exit $$s

unit:
	node --import tsx --test test/all.ts

typecheck:
	./node_modules/.bin/tsc --noEmit -p . --noUnusedLocals --noUnusedParameters

# deno lint over lib/, scripts/ and test/ (its rules: deno.json "lint")
DENO := $(or $(shell command -v deno 2>/dev/null),./node_modules/.bin/deno)
lint-ts:
	$(DENO) lint
# deno fmt over the TypeScript of lib/, scripts/ and test/ (its options: deno.json "fmt")
.PHONY: fmt fmt-check
fmt:
	$(DENO) fmt
fmt-check:
	$(DENO) fmt --check

lab:
	bash lab/build.sh
# the DEV APPENGINE: real Pantavisor built from PANTAVISOR_SRC (a checkout; default the tarball in
# PV_SOURCES) against Debian's LXC, without Yocto: image pantavisor-appengine-dev:<commit> and :latest
.PHONY: appengine-dev exports-dev bisect
appengine-dev:
	@bash dev/build-image.sh
bisect:
	@$(RUN) scripts/bisect.ts
exports-dev:
	bash dev/build-exports.sh
lab-if-stale:
	@bash lab/ensure.sh
# the dev appengine as a DEVICE reached over Pantavisor's own SSH (dev/device-dev.sh; issue 25):
# prints DEVICE=... DEVICE_KEY=... DEVICE_KNOWN_HOSTS=...; device-dev-down removes what it made
.PHONY: device-dev device-dev-down device-dev-check
device-dev:
	@bash dev/device-dev.sh up
device-dev-down:
	@bash dev/device-dev.sh down
# boots device-dev, runs commands over its SSH, checks the answers, tears down (test/device-dev.sh)
device-dev-check:
	@bash test/device-dev.sh

mutation:
	bash lab/mutation.sh

# the lab's own selftests, what the scenarios cannot say (lab/selftest.sh, lab/selftest-updates.sh;
# containers <LAB_SELFTEST_NAME>, <LAB_SELFTEST_NAME>-upd): both run, the first failure's status wins
lab-selftest:
	@s=0; bash lab/selftest.sh || s=$$?; bash lab/selftest-updates.sh || { r=$$?; [ $$s -ne 0 ] || s=$$r; }; exit $$s

# the toolkit's own failure modes against the lab (CHAOS_CASES="signal hang" runs some)
chaos:
	@bash test/chaos.sh
# issue 25's five faults on make device-dev (wrong key, refused, a reboot mid-run, no return, a
# rejected update): each one line, exit 3, the device back on its baseline (FAULTS="reject" runs some)
.PHONY: device-faults
device-faults:
	@bash test/device-faults.sh
# hostile values and files, whole commands, offline and in seconds (HOSTILE_CASES="switch junit" runs some)
.PHONY: hostile
hostile:
	@bash test/hostile.sh

# speed and memory targets: the offline path, then the live overhead per test and the JOBS speed-up
bench:
	@$(RUN) test/bench.ts
	@$(RUN) test/bench-live.ts

# What CI runs (.ci/run): .ci/ci.sh runs every stage in order (set-up first), times each and
# prints the table at the end; CI_STAGES="unit lab" runs some of them.
ci:
	@bash .ci/ci.sh
