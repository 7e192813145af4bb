/**
 * The JSON schema of scenarios.json, stated once: the check branches (definitions.check.oneOf),
 * with each kind's knownIssue failure vocabulary, come from the kinds' own definitions
 * (lib/checks/<kind>.ts via checkSchemaBranches); the rest is written here. `make plan` writes
 * it to scenarios.schema.json (for editors and readers) and `make plan-check` fails when that
 * file is not what this function gives.
 */
import { type CheckKind, checkKinds, checkSchemaBranches } from '../checks/index.ts';

/** The schema of scenarios.json, its check branches from `kinds` (the registry's). */
export function planSchema(kinds: CheckKind[] = checkKinds()): object {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://pv-ipam-tests.local/scenarios.schema.json',
    title: 'pv-ipam-tests scenarios: the IPAM test plan as data',
    type: 'object',
    required: ['plan', 'troubleshooting', 'scenarios'],
    additionalProperties: false,
    properties: {
      $schema: { type: 'string' },
      plan: {
        type: 'object',
        required: ['title', 'version'],
        additionalProperties: false,
        properties: {
          title: { type: 'string' },
          version: { type: 'string' },
          source: { type: 'string' },
          notes: { type: 'array', items: { type: 'string' } },
          buildTargets: { description: "the kas --target list of the plan's Prerequisites", type: 'array', items: { type: 'string' } },
        },
      },
      troubleshooting: {
        type: 'object',
        additionalProperties: {
          type: 'object',
          required: ['symptom', 'cause', 'fix'],
          additionalProperties: false,
          properties: { symptom: { type: 'string' }, cause: { type: 'string' }, fix: { type: 'string' } },
        },
      },
      scenarios: { type: 'array', minItems: 1, items: { $ref: '#/definitions/scenario' } },
      derivedArtifacts: {
        description: 'artifacts built from another by edits (scripts/derive.ts); the name shows the derivation',
        type: 'object',
        propertyNames: { $ref: '#/definitions/name' },
        additionalProperties: {
          type: 'object',
          required: ['from', 'edits'],
          additionalProperties: false,
          properties: { from: { $ref: '#/definitions/name' }, why: { type: 'string' }, edits: { type: 'array', minItems: 1, items: { $ref: '#/definitions/edit' } } },
        },
      },
      waits: {
        description:
          'shared readiness conditions by name: a step\'s waitFor names one ("waitFor": ["boot-settled"]) instead of copying its conditions; resolved when the plan is loaded (lib/plan/scenarios.ts resolveWaits)',
        type: 'object',
        propertyNames: { $ref: '#/definitions/waitName' },
        additionalProperties: { type: 'array', minItems: 1, items: { $ref: '#/definitions/check' } },
      },
      capabilities: {
        description: 'what a scenario may require of the target, probed once per run',
        type: 'object',
        propertyNames: { pattern: '^[a-z0-9][a-z0-9-]*$' },
        additionalProperties: {
          type: 'object',
          required: ['describe', 'probe'],
          additionalProperties: false,
          properties: {
            describe: { type: 'string' },
            absent: { type: 'string', description: 'what the report says when it is absent' },
            probe: {
              oneOf: [{
                type: 'object',
                required: ['command'],
                additionalProperties: false,
                properties: { command: { type: 'string', description: 'sh command run in the container after the before-boot commands; exit 0 = present' } },
              }, { type: 'object', required: ['logLine'], additionalProperties: false, properties: { logLine: { $ref: '#/definitions/logPattern' } } }],
            },
          },
        },
      },
    },
    definitions: {
      name: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._+-]*$' },
      scenario: {
        type: 'object',
        required: ['id', 'title', 'purpose', 'artifacts', 'steps'],
        additionalProperties: false,
        properties: {
          id: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]*$', description: 'the make target suffix: make test-<id>' },
          title: { type: 'string' },
          purpose: { type: 'string' },
          artifacts: {
            description: 'pvrexports staged into pvtx.d, by name without .pvrexport.tgz; a name in derivedArtifacts is derived first',
            type: 'array',
            minItems: 1,
            items: { $ref: '#/definitions/name' },
          },
          notes: { type: 'array', items: { type: 'string' } },
          steps: { type: 'array', minItems: 1, items: { $ref: '#/definitions/step' } },
          section: {
            enum: ['plan', 'beyond-plan', 'updates'],
            description: 'plan (default): a test of the seed plan; beyond-plan: a case the plan leaves out; updates: a running device updated (pvtx, pvcontrol) or recovering a crashed container',
          },
          observed: { type: 'string', description: "what today's Pantavisor does in this case (beyond-plan scenarios)" },
          since: {
            type: 'object',
            required: ['ref', 'why'],
            additionalProperties: false,
            properties: {
              ref: { type: 'string', pattern: '^[0-9a-f]{7,40}$|^[A-Za-z0-9][A-Za-z0-9._-]*$' },
              why: { type: 'string' },
              checks: { type: 'array', minItems: 1, items: { type: 'string' }, description: "the checks the expectation concerns (default: all of the scenario's)" },
            },
            description:
              "the scenario's expectation holds only since this pantavisor commit (or tag): on a version that does not contain it, its failures are XFAIL, the known behaviour before it (lib/judge/pv-version.ts)",
          },
          knownIssue: { $ref: '#/definitions/knownIssue' },
          device: {
            description:
              "whether a device that is already running (TARGET=device) runs the scenario, as an update of its revision (lib/device/form.ts): form update; form testing-rollback (a test tied to a factory first boot, run as its TESTING/ROLLBACK form: `why`, and `replace`: checks standing in for the scenario's checks of the same ids, `locals/pv-ipam-tests-device` names the installed revision); or skip: why it is SKIPPED on a device",
            oneOf: [
              { type: 'object', required: ['form'], additionalProperties: false, properties: { form: { const: 'update' } } },
              {
                type: 'object',
                required: ['form', 'why', 'replace'],
                additionalProperties: false,
                properties: { form: { const: 'testing-rollback' }, why: { type: 'string' }, replace: { type: 'array', minItems: 1, items: { $ref: '#/definitions/check' } } },
              },
              { type: 'object', required: ['skip'], additionalProperties: false, properties: { skip: { type: 'string', minLength: 1 } } },
            ],
          },
          requires: {
            type: 'array',
            items: { type: 'string' },
            description: 'capabilities (top-level `capabilities`) the target must have, else the scenario is SKIPPED (REQUIRE=<capability> makes that a failure)',
          },
          skipEvidence: { type: 'array', items: { type: 'string' }, description: 'check ids whose results are quoted when the scenario is skipped' },
          beforeBoot: { type: 'array', items: { type: 'string' }, description: 'commands run in the container after docker run, before pv-appengine starts' },
          gather: {
            type: 'object',
            description: 'bundle file -> the command that gathers it instead of the usual one (e.g. nft-ruleset.txt read with the hidden nft)',
            propertyNames: { enum: ['lxc-ls.txt', 'nft-ruleset.txt', 'ip-addr.txt', 'iptables-nat.txt', 'pvcontrol-ls.json'] },
            additionalProperties: { type: 'string' },
          },
        },
      },
      step: {
        type: 'object',
        required: ['id', 'waitFor', 'checks'],
        dependencies: { allowStatus: ['run', 'allowStatusWhy'] },
        not: { required: ['run', 'update'] },
        additionalProperties: false,
        properties: {
          id: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]*$' },
          run: { description: "command run inside the appengine container before waiting (the first step's action is the boot)", type: 'string' },
          update: {
            description:
              'instead of run: install and run a new revision as a user does (pvtx begin current, pvtx add of each export, pvtx remove of each part, pvtx commit REVISION, pvcontrol cmd run REVISION); the step then waits (BOOT_TIMEOUT) until pvcontrol steps show-progress REVISION reports a final status (UPDATED, DONE, WONTGO, ERROR) with the logs it has written, then for its own waitFor',
            type: 'object',
            required: ['revision', 'add'],
            additionalProperties: false,
            properties: {
              revision: { type: 'string', pattern: '^locals/[A-Za-z0-9][A-Za-z0-9._-]{0,63}$', description: "the new revision's name" },
              add: { type: 'array', items: { type: 'string' }, description: 'artifacts (plan.buildTargets or derivedArtifacts) whose pvrexports the transaction adds' },
              remove: { type: 'array', items: { type: 'string' }, minItems: 1, description: 'parts (container names) the transaction removes' },
            },
          },
          allowStatus: {
            description: "exit statuses run may end with (default [0]); any other, and 126/127 always, is an ERROR of the run (exit 3) and the step's checks are not judged",
            type: 'array',
            minItems: 1,
            uniqueItems: true,
            items: { type: 'integer', minimum: 0, maximum: 255, not: { enum: [126, 127] } },
          },
          allowStatusWhy: { description: 'why allowStatus allows more than 0: what the real system does', type: 'string', minLength: 1 },
          waitFor: {
            description: 'readiness conditions, polled with a deadline: a condition, or the name of a shared one in the top-level waits (its conditions, in its place)',
            type: 'array',
            items: { if: { type: 'string' }, then: { $ref: '#/definitions/waitName' }, else: { $ref: '#/definitions/check' } },
          },
          pings: { type: 'array', items: { type: 'object', required: ['from', 'to'], additionalProperties: false, properties: { from: { $ref: '#/definitions/name' }, to: { type: 'string' } } } },
          checks: { type: 'array', minItems: 1, items: { $ref: '#/definitions/check' } },
        },
      },
      waitName: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]*$' },
      logPattern: {
        type: 'object',
        additionalProperties: false,
        minProperties: 1,
        properties: {
          level: { enum: ['FATAL', 'ERROR', 'WARN', 'INFO', 'DEBUG', 'TRACE'] },
          module: { type: 'string' },
          function: { type: 'string' },
          text: { type: 'string' },
          regex: { type: 'string', format: 'regex' },
        },
      },
      count: {
        type: 'object',
        additionalProperties: false,
        minProperties: 1,
        properties: { eq: { type: 'integer', minimum: 0 }, ge: { type: 'integer', minimum: 0 }, le: { type: 'integer', minimum: 0 } },
      },
      check: {
        type: 'object',
        required: ['id', 'kind'],
        discriminator: { propertyName: 'kind' },
        oneOf: checkSchemaBranches(kinds),
        properties: {
          id: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]*$' },
          row: { type: 'string' },
          hint: { type: 'string' },
          realSystem: { type: 'string' },
          kind: { type: 'string' },
          knownIssue: { $ref: '#/definitions/knownIssue' },
        },
      },
      knownIssue: {
        description:
          "a behaviour of today's Pantavisor the check (or scenario) states as wrong, and what its failure looks like: a failure that matches it is reported XFAIL, any other failure FAIL, a pass XPASS (README: How a known issue is written)",
        type: 'object',
        required: ['summary', 'seenIn'],
        additionalProperties: false,
        properties: {
          summary: { type: 'string' },
          seenIn: { type: 'string', description: 'where it was seen, e.g. pantavisor 303584a7' },
          checks: {
            type: 'array',
            minItems: 1,
            items: { type: 'string' },
            description: "on a scenario: the checks the issue explains (they are XFAIL when they fail); the scenario's other checks fail as usual",
          },
          intermittent: { type: 'boolean', description: 'a race that shows in some runs only: a matching failure is XFAIL, a pass a plain PASS (not XPASS); on a scenario, its all-pass is PASSED' },
          failure: {
            type: 'object',
            description: "on a check: what its failure looks like, in the words of its kind (lib/checks/<kind>.ts knownFailure; the kind's branch of definitions.check says which)",
          },
          failures: {
            type: 'object',
            additionalProperties: { type: 'object' },
            description: 'on a scenario: for each check of `checks`, by id, what its failure looks like in the words of its kind (lib/checks/<kind>.ts knownFailure)',
          },
          since: { type: 'string', description: 'the pantavisor commit (7+ hex) or tag that brought the issue: a version that does not contain it does not have the issue (lib/judge/pv-version.ts)' },
          fixedIn: { type: 'string', description: 'the pantavisor commit or tag that fixed it: a version that contains it does not have the issue' },
        },
      },
      edit: {
        oneOf: [{
          type: 'object',
          required: ['deviceJson'],
          additionalProperties: false,
          properties: {
            deviceJson: { type: 'object', required: ['set', 'to'], additionalProperties: false, properties: { set: { type: 'string', description: 'dotted path in device.json' }, to: {} } },
          },
        }, {
          type: 'object',
          required: ['runJson'],
          additionalProperties: false,
          properties: {
            runJson: { type: 'object', required: ['container', 'set', 'to'], additionalProperties: false, properties: { container: { $ref: '#/definitions/name' }, set: { type: 'string' }, to: {} } },
          },
        }, {
          type: 'object',
          required: ['srcJson'],
          additionalProperties: false,
          properties: {
            srcJson: { type: 'object', required: ['container', 'set', 'to'], additionalProperties: false, properties: { container: { $ref: '#/definitions/name' }, set: { type: 'string' }, to: {} } },
          },
        }, {
          type: 'object',
          required: ['containerConfig'],
          additionalProperties: false,
          properties: {
            containerConfig: { type: 'object', required: ['container', 'append'], additionalProperties: false, properties: { container: { $ref: '#/definitions/name' }, append: { type: 'string' } } },
          },
        }],
      },
    },
  };
}

/** The schema as scenarios.schema.json holds it. */
export function planSchemaText(kinds: CheckKind[] = checkKinds()): string {
  return `${JSON.stringify(planSchema(kinds), null, 2)}\n`;
}
