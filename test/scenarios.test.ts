import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { builtArtifacts, type Check, findScenario, parsePlan, type PlanFile, resolveStep, selectScenarios, type Step, substitute, validatePlan } from '../lib/plan/scenarios.ts';
import { EVALUATORS } from '../lib/checks/index.ts';
import { UsageError } from '../lib/tooling/errors.ts';

const planText = readFileSync(new URL('../scenarios.json', import.meta.url), 'utf8');
const schemaText = readFileSync(new URL('../scenarios.schema.json', import.meta.url), 'utf8');
const schema = JSON.parse(schemaText);

function allChecks(plan: PlanFile) {
  return plan.scenarios.flatMap((s) => s.steps.flatMap((st) => [...st.waitFor, ...st.checks]));
}

test('the real scenarios.json validates', () => {
  const plan = parsePlan(planText, schemaText);
  assert.equal(plan.plan.title, 'IPAM Networking Test Plan');
  assert.deepEqual(plan.scenarios.filter((s) => (s.section ?? 'plan') === 'plan').map((s) => s.id), ['1', '2', '3', '4', '6', '7', '8', '9']);
  assert.deepEqual(plan.scenarios.filter((s) => s.section === 'beyond-plan').map((s) => s.id), [
    'invalid',
    'collision',
    'pool-exhaustion',
    'static-restart',
    'no-nat-backend',
    'iptables-fallback',
    '5',
    'auto-recovery',
    'relaunch',
  ]);
  for (const s of plan.scenarios) assert.equal(s.steps[0].run, undefined, `Test ${s.id} first step`);
});

test('every check kind used in scenarios.json has an evaluator', () => {
  const plan = parsePlan(planText, schemaText);
  const used = new Set(allChecks(plan).map((c) => c.kind));
  for (const kind of used) assert.ok(kind in EVALUATORS, kind);
  // and every kind the schema allows has an evaluator
  const schemaKinds = schema.definitions.check.oneOf.map((o: { properties: { kind: { const: string } } }) => o.properties.kind.const);
  assert.deepEqual([...schemaKinds].sort(), Object.keys(EVALUATORS).sort());
});

test('every hint named in the plan exists and every log regex compiles', () => {
  const plan = parsePlan(planText, schemaText);
  for (const c of allChecks(plan)) {
    if (c.hint) assert.ok(plan.troubleshooting[c.hint], c.id);
    const x = c as unknown as Record<string, unknown>;
    const patterns = [x.line, ...((x.lines as unknown[]) ?? [])].filter(Boolean) as { regex?: string }[];
    for (const p of patterns) if (p.regex) new RegExp(p.regex);
  }
});

test('the plan never hard-codes the external host in pings; it uses ${EXTERNAL_HOST}', () => {
  const plan = parsePlan(planText, schemaText);
  const t3 = findScenario(plan, '3');
  const tos = t3.steps.flatMap((s) => (s.pings ?? []).map((p) => p.to));
  assert.ok(tos.includes('${EXTERNAL_HOST}'));
});

// ---- invalid files ----

// deno-lint-ignore no-explicit-any
function minimal(): Record<string, any> {
  return {
    plan: { title: 'T', version: '1' },
    troubleshooting: { 'no-ips': { symptom: 's', cause: 'c', fix: 'f' } },
    scenarios: [{
      id: '1',
      title: 'x',
      purpose: 'p',
      artifacts: ['pv-example-device-ipam'],
      steps: [{
        id: 'boot',
        waitFor: [],
        pings: [{ from: 'pv-a', to: '10.0.5.3' }],
        checks: [
          { id: 'a-running', kind: 'container-state', container: 'pv-a', state: 'RUNNING', hint: 'no-ips' },
          { id: 'a-ping', kind: 'ping-loss', from: 'pv-a', to: '10.0.5.3', lossPercent: 0 },
          { id: 'a-log', kind: 'log-contains', line: { module: 'ipam', regex: '^allocated' } },
        ],
      }, {
        id: 'after',
        run: 'pvcontrol containers stop pv-a',
        waitFor: [],
        checks: [{ id: 'a-same', kind: 'ip-unchanged', container: 'pv-a', from: 'boot', to: 'after' }],
      }],
    }],
  };
}

// deno-lint-ignore no-explicit-any
function rejects(mutate: (p: Record<string, any>) => void, message: RegExp) {
  const p = minimal();
  mutate(p);
  assert.throws(() => parsePlan(JSON.stringify(p), schemaText), (e: unknown) => {
    assert.ok(e instanceof UsageError, String(e));
    assert.equal((e as UsageError).exitCode, 2);
    const msg = (e as Error).message;
    assert.ok(!msg.includes('\n'), `one line: ${msg}`);
    assert.match(msg, message);
    return true;
  });
}

test('the minimal plan is valid', () => {
  const plan = parsePlan(JSON.stringify(minimal()), schemaText);
  assert.equal(plan.scenarios[0].steps.length, 2);
  assert.equal(validatePlan(minimal(), schema).scenarios[0].id, '1');
});

test('unknown check kind', () => {
  rejects((p) => {
    p.scenarios[0].steps[0].checks[0].kind = 'container-colour';
  }, /^scenarios\.json\/scenarios\/0\/steps\/0\/checks\/0.*kind/);
});

test('missing field', () => {
  rejects((p) => {
    delete p.scenarios[0].steps[0].checks[0].state;
  }, /^scenarios\.json\/scenarios\/0\/steps\/0\/checks\/0: must have required property 'state'$/);
  rejects((p) => {
    delete p.scenarios[0].purpose;
  }, /^scenarios\.json\/scenarios\/0: must have required property 'purpose'$/);
  rejects((p) => {
    delete p.plan;
  }, /^scenarios\.json: must have required property 'plan'$/);
});

test('unknown property and bad enum value', () => {
  rejects((p) => {
    p.scenarios[0].steps[0].checks[0].colour = 'red';
  }, /must NOT have additional properties 'colour'/);
  rejects((p) => {
    p.scenarios[0].steps[0].checks[0].state = 'running';
  }, /checks\/0\/state: must be equal to one of the allowed values \(RUNNING, STOPPED, FROZEN\)$/);
});

test('duplicate check id', () => {
  rejects((p) => {
    p.scenarios[0].steps[0].checks[2].id = 'a-running';
  }, /^scenarios\.json: check id 'a-running' appears twice$/);
  // across steps too
  rejects((p) => {
    p.scenarios[0].steps[1].checks[0].id = 'a-log';
  }, /check id 'a-log' appears twice/);
});

test('duplicate scenario and step ids', () => {
  rejects((p) => {
    p.scenarios.push({ ...p.scenarios[0], steps: [{ id: 'boot', waitFor: [], checks: [{ id: 'other', kind: 'ips-unique' }] }] });
  }, /scenario id '1' appears twice/);
  rejects((p) => {
    p.scenarios[0].steps[1].id = 'boot';
  }, /Test 1 has step 'boot' twice/);
});

test('unknown hint', () => {
  rejects((p) => {
    p.scenarios[0].steps[0].checks[0].hint = 'no-such-hint';
  }, /^scenarios\.json: check 'a-running' names hint 'no-such-hint', which is not in troubleshooting$/);
});

test('ping-loss without its ping', () => {
  rejects((p) => {
    delete p.scenarios[0].steps[0].pings;
  }, /^scenarios\.json: check 'a-ping' needs a ping from pv-a to 10\.0\.5\.3; add it to the step's pings$/);
  rejects((p) => {
    p.scenarios[0].steps[0].pings[0].to = '10.0.5.4';
  }, /check 'a-ping' needs a ping from pv-a to 10\.0\.5\.3/);
});

test('ip-unchanged naming a missing step', () => {
  rejects((p) => {
    p.scenarios[0].steps[1].checks[0].from = 'baseline';
  }, /^scenarios\.json: check 'a-same' names step 'baseline', which Test 1 does not have$/);
  rejects((p) => {
    p.scenarios[0].steps[1].checks[0].to = 'later';
  }, /names step 'later'/);
});

test('bad regex', () => {
  rejects((p) => {
    p.scenarios[0].steps[0].checks[2].line.regex = '^allocated (';
  }, /^scenarios\.json\/scenarios\/0\/steps\/0\/checks\/2\/line\/regex: must match format "regex"$/);
});

test('run on the first step', () => {
  rejects((p) => {
    p.scenarios[0].steps[0].run = 'pvcontrol containers stop pv-a';
  }, /^scenarios\.json: Test 1: the first step is the boot and cannot have 'run'$/);
});

test('not JSON', () => {
  assert.throws(() => parsePlan('{ "plan": ', schemaText), (e: unknown) => {
    assert.ok(e instanceof UsageError);
    assert.match((e as Error).message, /^scenarios\.json is not valid JSON: /);
    assert.ok(!(e as Error).message.includes('\n'));
    return true;
  });
  assert.throws(() => parsePlan('', schemaText), UsageError);
});

// ---- lookups and substitution ----

test('findScenario finds a test and explains a missing one', () => {
  const plan = parsePlan(planText, schemaText);
  assert.equal(findScenario(plan, '6').title, 'IPAM lease stability across stop/start');
  assert.equal(findScenario(plan, 'pool-exhaustion').artifacts[0], 'pv-example-device-ipam+internal-30');
  assert.throws(() => findScenario(plan, '42'), (e: unknown) => {
    assert.ok(e instanceof UsageError);
    assert.doesNotMatch((e as Error).message, /cross-pool/);
    assert.match((e as Error).message, /^no Test 42 in scenarios\.json; tests are /);
    return true;
  });
});

test('substitute replaces ${NAME} and rejects unknown names', () => {
  assert.equal(substitute('ping ${EXTERNAL_HOST}', { EXTERNAL_HOST: '203.0.113.9' }), 'ping 203.0.113.9');
  assert.equal(substitute('${A}-${B}-${A}', { A: 'x', B: 'y' }), 'x-y-x');
  assert.equal(substitute('no vars $HOME ${lower}', {}), 'no vars $HOME ${lower}');
  assert.equal(substitute('${A}', { A: '' }), '');
  assert.throws(() => substitute('${MISSING}', { A: 'x' }), (e: unknown) => {
    assert.ok(e instanceof UsageError);
    assert.equal((e as Error).message, 'scenarios.json uses ${MISSING}, which has no value');
    return true;
  });
});

test('resolveStep substitutes every string deeply and leaves the original alone', () => {
  const plan = parsePlan(planText, schemaText);
  const step = findScenario(plan, '3').steps[0];
  const before = JSON.stringify(step);
  const r = resolveStep(step, { EXTERNAL_HOST: '198.51.100.20' });
  assert.equal(JSON.stringify(step), before);
  assert.ok(!JSON.stringify(r).includes('${'));
  assert.ok(r.pings!.some((p) => p.to === '198.51.100.20'));
  const pingChecks = r.checks.filter((c) => c.kind === 'ping-loss');
  assert.ok(pingChecks.some((c) => c.to === '198.51.100.20'));
  // numbers, booleans and structure are kept
  const s: Step = { id: 'x', waitFor: [], checks: [{ id: 'c', kind: 'ping-loss', from: 'a', to: '${H}', lossPercent: 100, flag: true, none: null, list: ['${H}', 1] } as Check] };
  assert.deepEqual(resolveStep(s, { H: 'h' }).checks[0], { id: 'c', kind: 'ping-loss', from: 'a', to: 'h', lossPercent: 100, flag: true, none: null, list: ['h', 1] });
  assert.throws(() => resolveStep(step, {}), UsageError);
});

test('builtArtifacts maps derived artifacts to their source', () => {
  const plan = parsePlan(planText, schemaText);
  const built = builtArtifacts(plan);
  assert.ok(built.includes('pv-example-net-pvcnet'));
  for (const name of Object.keys(plan.derivedArtifacts ?? {})) assert.ok(!built.includes(name), name);
  assert.deepEqual(built, [...new Set(built)].sort());
  assert.ok(findScenario(plan, '8').artifacts.includes('pv-example-net-pvcnet+baked-net'));

  const p = minimal();
  p.scenarios[0].artifacts = ['pv-example-net-pvcnet+baked-net', 'b', 'a', 'b'];
  (p as PlanFile).derivedArtifacts = { 'pv-example-net-pvcnet+baked-net': { from: 'pv-example-net-pvcnet', edits: [] } };
  assert.deepEqual(builtArtifacts(p as PlanFile), ['a', 'b', 'pv-example-net-pvcnet']);
  // every built artifact except the appengine itself is a buildTarget of the plan
  for (const a of built) assert.ok(plan.plan.buildTargets!.includes(a), a);
});

test('selectScenarios: ONLY picks ids in the given order; unknown ids are a usage error', () => {
  const plan = parsePlan(planText, schemaText);
  assert.deepEqual(selectScenarios(plan, undefined).map((s) => s.id), plan.scenarios.map((s) => s.id));
  assert.deepEqual(selectScenarios(plan, '  ').map((s) => s.id), plan.scenarios.map((s) => s.id));
  assert.deepEqual(selectScenarios(plan, '3 1,8 3').map((s) => s.id), ['3', '1', '8']);
  assert.throws(() => selectScenarios(plan, '1 nope'), (e: Error) => e instanceof UsageError && /no Test nope/.test(e.message));
});

test('a scenario knownIssue must name the checks it explains, and only its own', () => {
  const p = minimal();
  p.scenarios[0].knownIssue = { summary: 's', seenIn: 'x' };
  assert.throws(() => validatePlan(p, schema), (e: Error) => e instanceof UsageError && /must name the checks it explains/.test(e.message));
  p.scenarios[0].knownIssue = { summary: 's', seenIn: 'x', checks: ['nope'] };
  assert.throws(() => validatePlan(p, schema), (e: Error) => e instanceof UsageError && /knownIssue names 'nope'/.test(e.message));
});

test('a scenario artifact must be built (plan.buildTargets) or derived', () => {
  const plan = JSON.parse(planText);
  plan.scenarios[0].artifacts.push('pv-example-net-nonexistent');
  assert.throws(
    () => validatePlan(plan, schema),
    (e: Error) => e instanceof UsageError && /Test 1 names artifact 'pv-example-net-nonexistent', which is neither in plan\.buildTargets nor a derived artifact/.test(e.message),
  );
  const p2 = JSON.parse(planText);
  p2.derivedArtifacts['pv-example-net-pvcnet+baked-net'].from = 'pv-example-elsewhere';
  assert.throws(() => validatePlan(p2, schema), (e: Error) => e instanceof UsageError && /derives from 'pv-example-elsewhere', which is not in plan\.buildTargets/.test(e.message));
});

test('allowStatus: only on a step with run, with its why; 126/127 (the command did not run) can never be allowed', () => {
  const withStop = (over: Record<string, unknown>) => {
    const p = JSON.parse(planText);
    const st = p.scenarios.find((s: { id: string }) => s.id === '6').steps[1];
    Object.assign(st, over);
    for (const [k, v] of Object.entries(over)) if (v === undefined) delete st[k];
    return () => parsePlan(JSON.stringify(p), schemaText);
  };
  assert.doesNotThrow(withStop({ allowStatus: [0, 255], allowStatusWhy: 'observed §1' }));
  assert.throws(withStop({ allowStatus: [0, 127], allowStatusWhy: 'x' }), UsageError);
  assert.throws(withStop({ allowStatus: [126], allowStatusWhy: 'x' }), UsageError);
  assert.throws(withStop({ allowStatus: [0, 255], allowStatusWhy: undefined }), UsageError);
  const plan = parsePlan(planText, schemaText);
  assert.deepEqual(plan.scenarios.flatMap((s) => s.steps.filter((st) => st.allowStatus).map((st) => `${s.id}/${st.id}: ${st.run} ${st.allowStatus}`)), [
    '6/after-stop: pvcontrol containers stop pv-example-net-server 0,255',
    'static-restart/after-stop: pvcontrol containers stop pv-example-ipam-valid 0,255',
  ]);
});

test('a known issue says what its failure looks like, in the words of its kind', () => {
  const refused = (edit: (p: ReturnType<typeof JSON.parse>) => void, re: RegExp) => {
    const p = JSON.parse(planText);
    edit(p);
    assert.throws(() => validatePlan(p, schema), (e: Error) => e instanceof UsageError && re.test(e.message), re.source);
  };
  const scenario = (p: { scenarios: { id: string }[] }, id: string) => p.scenarios.find((s) => s.id === id) as ReturnType<typeof JSON.parse>;
  const check = (p: { scenarios: { id: string }[] }, id: string) =>
    p.scenarios.flatMap((s) => (s as ReturnType<typeof JSON.parse>).steps.flatMap((st: { checks: { id: string }[] }) => st.checks)).find((c) => c.id === id) as ReturnType<typeof JSON.parse>;
  // a check's: `failure` required, in its kind's vocabulary
  refused((p) => delete check(p, 'rel-one-masquerade').knownIssue.failure, /checks\/7\/knownIssue: must have required property 'failure'$/);
  refused((p) => (check(p, 'rel-one-masquerade').knownIssue.failure = { lines: [{ text: 'x' }] }), /knownIssue\/failure: must have required property 'count'$/);
  refused(
    (p) => (check(p, 'exh-no-container-running').knownIssue.failure = { present: [{ name: 'pv-x', states: ['STOPPED'] }] }),
    /failure\/present\/0\/states\/0: must be equal to one of the allowed values \(STARTING, RUNNING, /,
  );
  // a kind without words for its failure cannot carry one
  refused(
    (p) => (check(p, 't1-client-running').knownIssue = { summary: 's', seenIn: 'x', failure: {} }),
    /check 't1-client-running' is a container-state check: that kind cannot carry a known issue \(.*kinds that can: .*nft-masquerade/,
  );
  // a scenario's: one `failures` entry per check it names, none else, each in its kind's words
  refused((p) => delete scenario(p, 'static-restart').knownIssue.failures['sr-no-teardown'], /Test static-restart knownIssue\.failures has no 'sr-no-teardown'/);
  refused((p) => (scenario(p, 'static-restart').knownIssue.failures['sr-after-start-ip'] = { lines: [{ text: 'x' }] }), /failures has 'sr-after-start-ip', which knownIssue\.checks does not name/);
  refused(
    (p) => (scenario(p, 'static-restart').knownIssue.failures['sr-no-refusal'] = { count: { eq: 1 } }),
    /Test static-restart knownIssue\.failures\/sr-no-refusal: must have required property 'lines'/,
  );
  refused((p) => (scenario(p, 'static-restart').knownIssue.failure = { lines: [{ text: 'x' }] }), /has 'failure'; a scenario's says the failure of each check it names in 'failures'/);
  refused((p) => {
    scenario(p, 'static-restart').knownIssue.checks.push('sr-after-start-ip');
    scenario(p, 'static-restart').knownIssue.failures['sr-after-start-ip'] = {};
  }, /names check 'sr-after-start-ip', which is a container-ipv4 check: that kind cannot carry a known issue/);
  // an intermittent scenario issue is accepted (its all-pass is PASSED: lib/judge/verdict.ts)
  const p = JSON.parse(planText);
  scenario(p, 'static-restart').knownIssue.intermittent = true;
  assert.doesNotThrow(() => validatePlan(p, schema));
});
