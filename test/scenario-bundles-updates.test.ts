/**
 * The update and recovery scenarios (scenarios.json `section: updates`) against bundles the
 * toolkit captured from real Pantavisor 303584a7 (the dev appengine, `make test-all TARGET=dev`,
 * copied unchanged into test/fixtures/bundles/test-<id>): each gives the verdict the real build
 * gives (.ci/real-verdicts), and edits of the real files that make a check wrong make exactly
 * that check fail, so each check of these scenarios is shown able to fail on real outputs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bundle, checkVariant, dropLines, evaluate, insertAfter, lxc, plan, replace, replaceWith, unknownCheckIds, type Variant, variantTitle, verdict } from './bundle-helpers.ts';

const UPDATES = plan.scenarios.filter((s) => s.section === 'updates');

/** What the real build gave: the scenario status and the checks that failed (its known issues). */
const REAL: Record<string, { status: string; failing: string[] }> = {
  'update-add-container': { status: 'xfail', failing: ['upd-add-no-error-reported', 'upd-add-no-error-logged', 'upd-add-one-masquerade'] },
  'update-unknown-pool': { status: 'passed', failing: [] },
  'update-baked-net': { status: 'passed', failing: [] },
  'update-pool-change': { status: 'xfail', failing: ['upd-pool-no-stale-masquerade'] },
  'recovery-delayed': { status: 'passed', failing: [] },
  'recovery-immediate': { status: 'passed', failing: [] },
  'recovery-exhausted': { status: 'passed', failing: [] },
};

test('every update scenario has a real bundle and an expected verdict', () => {
  assert.deepEqual(UPDATES.map((s) => s.id).sort(), Object.keys(REAL).sort());
  for (const s of UPDATES) assert.match(bundle(s.id).meta.targetLabel, /pantavisor-appengine-dev/, `Test ${s.id}: captured on the dev appengine`);
});

for (const s of UPDATES) {
  test(`Test ${s.id}: the real bundle gives real Pantavisor's verdict (${REAL[s.id].status})`, () => {
    const b = bundle(s.id);
    const failing = evaluate(s.id, b.files, b.meta).filter((r) => !r.pass).map((r) => r.id);
    assert.deepEqual(failing.sort(), [...REAL[s.id].failing].sort());
    assert.equal(verdict(s.id, b.files, b.meta).status, REAL[s.id].status);
  });
}

const LOG = 'pantavisor.log';
const progress = (rev: string) => `progress-${rev.replace(/\//g, '+')}.json`;
const revLog = (rev: string) => `pantavisor-${rev.replace(/\//g, '+')}.log`;
const KNOWN_ADD = REAL['update-add-container'].failing;
const KNOWN_POOL = REAL['update-pool-change'].failing;

const VARIANTS: Variant[] = [
  // ---- update-add-container
  {
    name: 'the update ends DONE (a rollback point) instead of UPDATED',
    test: 'update-add-container',
    step: 'update',
    file: progress('locals/add-client'),
    transform: replace('"status":"UPDATED","status-msg":"Update finished, revision not set as rollback point"', '"status":"DONE","status-msg":"Update finished, revision set as rollback point"'),
    expectFailing: ['upd-add-status', ...KNOWN_ADD],
  },
  {
    name: 'logs/current still names revision 0',
    test: 'update-add-container',
    step: 'update',
    file: 'logs-current.txt',
    transform: replaceWith('0\n'),
    expectFailing: ['upd-add-running-revision', ...KNOWN_ADD],
  },
  {
    name: 'the new revision starts net-server again',
    test: 'update-add-container',
    step: 'update',
    file: revLog('locals/add-client'),
    transform: insertAfter("starting platform 'pv-example-net-client'", (l) => l.replace(/pv-example-net-client/g, 'pv-example-net-server')),
    expectFailing: ['upd-add-server-not-restarted', ...KNOWN_ADD],
  },
  {
    name: 'net-client on another address',
    test: 'update-add-container',
    step: 'update',
    file: revLog('locals/add-client'),
    transform: replace('allocated 10.0.5.3/24 to pv-example-net-client', 'allocated 10.0.5.9/24 to pv-example-net-client', true),
    expectFailing: ['upd-add-client-allocated', ...KNOWN_ADD],
  },
  {
    name: 'a reboot instead of a non-reboot transition',
    test: 'update-add-container',
    step: 'update',
    file: LOG,
    transform: replace('running new state does not require reboot', 'running new state requires reboot', true),
    expectFailing: ['upd-add-non-reboot', ...KNOWN_ADD],
  },
  {
    name: 'the pool re-add bug fixed (nothing logged or reported)',
    test: 'update-add-container',
    step: 'update',
    file: progress('locals/add-client'),
    on: { name: 'no ERROR logged', edits: [{ step: 'update', file: LOG, transform: dropLines("failed to add pool 'internal'") }] },
    transform: (t) => t.replace(/,"logs":"(?:[^"\\]|\\.)*"/, ''),
    expectFailing: ['upd-add-one-masquerade'],
  },
  // ---- update-unknown-pool / update-baked-net
  {
    name: 'no STATE_ROLLBACK (the failure handled as on a first boot)',
    test: 'update-unknown-pool',
    step: 'update',
    file: revLog('locals/bad-pool'),
    transform: replace("next state: 'STATE_ROLLBACK'", "next state: 'STATE_REBOOT'"),
    expectFailing: ['upd-np-rollback'],
  },
  {
    name: 'the device stays on the failed revision',
    test: 'update-unknown-pool',
    step: 'update',
    file: 'logs-current.txt',
    transform: replaceWith('locals/bad-pool\n'),
    expectFailing: ['upd-np-back-on-0'],
  },
  {
    name: 'the update reported UPDATED',
    test: 'update-unknown-pool',
    step: 'update',
    file: progress('locals/bad-pool'),
    transform: replace('"status":"ERROR","status-msg":"A container could not be started"', '"status":"UPDATED","status-msg":"Update finished, revision not set as rollback point"'),
    expectFailing: ['upd-np-status'],
  },
  {
    name: 'net-server not back',
    test: 'update-unknown-pool',
    step: 'update',
    file: 'lxc-ls.txt',
    transform: lxc({ 'pv-example-net-server': { state: 'STOPPED', ip: '-' } }),
    expectFailing: ['upd-np-server-running', 'upd-np-server-ip'],
  },
  {
    name: 'the refusal not logged',
    test: 'update-baked-net',
    step: 'update',
    file: revLog('locals/baked-net'),
    transform: dropLines('refused by backend pre-start validation'),
    expectFailing: ['upd-bn-refusal-sequence'],
  },
  {
    name: 'revision 0 never booted again',
    test: 'update-baked-net',
    step: 'update',
    file: LOG,
    transform: (t) => {
      const i = t.lastIndexOf("state revision '0' status is now READY");
      return t.slice(0, i) + t.slice(i).replace("state revision '0' status is now READY", 'x');
    },
    expectFailing: ['upd-bn-second-boot'],
  },
  // ---- update-pool-change
  {
    name: 'the bridge kept its old gateway',
    test: 'update-pool-change',
    step: 'update',
    file: 'ip-addr.txt',
    transform: replace('10.0.7.1/24', '10.0.5.1/24', true),
    expectFailing: ['upd-pool-bridge', ...KNOWN_POOL],
  },
  {
    name: 'the stale rule removed (the known issue fixed)',
    test: 'update-pool-change',
    step: 'update',
    file: 'nft-ruleset.txt',
    transform: (t) => t.split('\n').filter((l) => !l.includes('ip saddr 10.0.5.0/24')).join('\n'),
    expectFailing: [],
  },
  {
    name: 'no NAT for the new subnet',
    test: 'update-pool-change',
    step: 'update',
    file: 'nft-ruleset.txt',
    transform: (t) => t.split('\n').filter((l) => !l.includes('ip saddr 10.0.7.0/24')).join('\n'),
    expectFailing: ['upd-pool-new-masquerade', ...KNOWN_POOL],
  },
  // ---- recovery
  {
    name: 'no RECOVERING between the crash and the restart',
    test: 'recovery-delayed',
    step: 'after-kill',
    file: LOG,
    transform: dropLines('status is now RECOVERING'),
    expectFailing: ['rec-d-sequence'],
  },
  {
    name: 'a teardown instead of a recovery',
    test: 'recovery-delayed',
    step: 'after-kill',
    file: LOG,
    transform: insertAfter(
      'Attempting auto-recovery (attempt 1/2)',
      (l) => l.replace(/INFO\t -- \[state\]: \(pv_state_check_auto_recovery:\d+\) .*/, 'ERROR\t -- [controller]: (_pv_wait:502) a platform did not work as expected. Tearing down...'),
    ),
    expectFailing: ['rec-d-no-teardown'],
  },
  {
    name: 'a fresh allocation instead of the lease',
    test: 'recovery-immediate',
    step: 'kill-2',
    file: LOG,
    transform: insertAfter(
      'reusing existing lease for pv-example-net-server',
      (l) => l.replace(/DEBUG\t -- \[ipam\]: \(pv_ipam_allocate:\d+\) .*/, 'INFO\t -- [ipam]: (pv_ipam_allocate:309) allocated 10.0.5.2/24 to pv-example-net-server from pool internal'),
    ),
    expectFailing: ['rec-i2-one-allocation'],
  },
  { name: 'no reboot once the retries are exhausted', test: 'recovery-exhausted', step: 'kill-3', file: LOG, transform: dropLines('backoff_policy=reboot'), expectFailing: ['rec-x-reached-max'] },
  {
    name: 'a third attempt',
    test: 'recovery-exhausted',
    step: 'kill-3',
    file: LOG,
    transform: replace('reached max retries (2).', 'crashed. Attempting auto-recovery (attempt 3/2) in 0 seconds...'),
    expectFailing: ['rec-x-reached-max', 'rec-x-no-third-attempt'],
  },
];

for (const v of VARIANTS) test(variantTitle(v), () => checkVariant(v));

test('the update variants name checks of their scenarios only', () => {
  assert.deepEqual(unknownCheckIds(VARIANTS), []);
});
