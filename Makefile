# pv-ipam-tests: Pantavisor's IPAM Networking Test Plan, automated.
# `make help` lists everything. Each target calls one small script in scripts/ (tsx, or Deno
# with RUNTIME=deno); variables set here or on the command line reach them as environment.

RUNTIME ?= node
ifeq ($(RUNTIME),deno)
RUN := ./node_modules/.bin/deno run -A --quiet
else
RUN := ./node_modules/.bin/tsx
endif

# TARGET=lab points the toolkit at the appengine lab (a simulator) instead of a real appengine:
# the scripts load lab/preset.env as defaults (TARGET=NAME loads NAME/preset.env).

# Pass the toolkit's variables to the scripts. Only defined ones are exported, so that an
# unset variable keeps its preset or default value.
VARS := TARGET TARGET_LABEL IMAGE CONTAINER VOLUME PVTXD ARTIFACTS IMAGE_TAR KAS KAS_CONFIG \
	DOCKER_RUN_OPTS EXTERNAL_HOST BOOT_TIMEOUT STEP_TIMEOUT SETTLE_TIMEOUT SETTLE_STABLE POLL_INTERVAL \
	CMD_TIMEOUT PING_WAIT REPORT_DIR WORK_DIR KEEP DRY_RUN LABEL SNAPSHOT CAPTURE_DIR CMD LOG FOLLOW \
	SCENARIOS LAB_FAULTS LAB_VARIANTS ONLY JOBS STRICT REQUIRE VERBOSE
$(foreach v,$(VARS),$(if $(filter undefined,$(origin $(v))),,$(eval export $(v))))

.PHONY: help build load up down shell logs clean lint test-all unit typecheck lab mutation bench ci setup

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
test-%:
	@$(RUN) scripts/test.ts $*
stage-%:
	@$(RUN) scripts/stage.ts $*
verify-%:
	@$(RUN) scripts/verify.ts $*
capture-%:
	@$(RUN) scripts/capture.ts $*

# --- the project itself -------------------------------------------------------------------
setup:
	npm ci

unit:
	node --import tsx --test test/*.test.ts

typecheck:
	./node_modules/.bin/tsc --noEmit -p . --noUnusedLocals --noUnusedParameters

lab:
	bash lab/build.sh

mutation:
	bash lab/mutation.sh

bench:
	@$(RUN) test/bench.ts

# What CI runs (.ci/run): typecheck and unit tests; offline verdicts of the fixture bundles
# through the CLI (Node and Deno); the lab; the whole plan live on the lab; every bundle that
# run kept re-checked offline (Node and Deno); a capture re-checked; the mutation matrix; and
# a check that nothing was left behind.
ci: typecheck unit
	bash .ci/offline-verdicts
	$(MAKE) lab
	$(MAKE) test-all TARGET=lab REPORT_DIR=reports/ci
	bash .ci/reverify-bundles reports/ci
	bash .ci/capture-roundtrip
	$(MAKE) mutation
	bash .ci/leak-check
