/**
 * The checks of the plan's scenarios (Tests 1–9) against offline bundles in
 * test/fixtures/bundles/test-N: every passing bundle passes every check, and each failure variant
 * (one text change to one file of a passing bundle) fails exactly the checks it targets. Together
 * the variants make every check id of these scenarios fail at least once; the scenarios beyond
 * the plan have their own bundles and variants in scenario-bundles-beyond.test.ts (helpers shared
 * through bundle-helpers.ts), so between the two files every check id in scenarios.json fails.
 *
 * test-1 and test-4 are the real capture two-containers-one-pool (test/samples); the others
 * (test-2, -3, -6, -7, -8, -9) are hand-made in the real formats (pantavisor-ipam-facts.md §1–§2,
 * §5–§11), with external pings to 203.0.113.10 (meta.json externalHost).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findScenario } from '../lib/plan/scenarios.ts';
import {
  assertRealFormats,
  bundle,
  checkVariant,
  dropLines,
  evaluate,
  insertAfter,
  keepThrough,
  lines,
  lxc,
  need,
  pingAnswered,
  pingLost,
  plan,
  pv,
  removeFile,
  replace,
  replaceWith,
  swapLines,
  truncateInside,
  unknownCheckIds,
  type Variant,
  variantTitle,
} from './bundle-helpers.ts';

const TESTS = ['1', '2', '3', '4', '6', '7', '8', '9'];

// ------------------------------------------------------------------------------ the variants
const EXT = '203.0.113.10';
const LOG = 'pantavisor.log';
const LXC = 'lxc-ls.txt';
const NFT = 'nft-ruleset.txt';
const IP = 'ip-addr.txt';
const DEV = 'device.json';
const C1 = 'pv-example-net-client';
const S1 = 'pv-example-net-server';
const LAB = 'pv-example-net-lab-server';
const RULE_5 = '\t\tip saddr 10.0.5.0/24 oifname != "pvbr0" masquerade';

const VARIANTS: Variant[] = [
  // ---- Test 1 (real capture)
  {
    name: 'client stopped',
    test: '1',
    file: LXC,
    transform: lxc({ [C1]: { state: 'STOPPED', ip: '-' } }),
    expectFailing: ['t1-client-running', 't1-client-ip', 't1-client-ip-usable', 't1-client-ip-matches-log'],
  },
  { name: 'server frozen (keeps its IP)', test: '1', file: LXC, transform: lxc({ [S1]: { state: 'FROZEN' } }), expectFailing: ['t1-server-running'] },
  { name: 'client IP outside the pool', test: '1', file: LXC, transform: lxc({ [C1]: { ip: '10.0.3.2' } }), expectFailing: ['t1-client-ip', 't1-client-ip-usable', 't1-client-ip-matches-log'] },
  { name: 'server IP outside the pool', test: '1', file: LXC, transform: lxc({ [S1]: { ip: '10.0.6.3' } }), expectFailing: ['t1-server-ip', 't1-server-ip-usable', 't1-server-ip-matches-log'] },
  { name: 'duplicate IPs', test: '1', file: LXC, transform: replace('10.0.5.3', '10.0.5.2'), expectFailing: ['t1-ips-unique', 't1-server-ip-matches-log'] },
  { name: 'client on the gateway address', test: '1', file: LXC, transform: lxc({ [C1]: { ip: '10.0.5.1' } }), expectFailing: ['t1-client-ip-usable', 't1-client-ip-matches-log'] },
  { name: 'server on the network address', test: '1', file: LXC, transform: lxc({ [S1]: { ip: '10.0.5.0' } }), expectFailing: ['t1-server-ip-usable', 't1-server-ip-matches-log'] },
  {
    name: 'lxc-ls.txt missing',
    test: '1',
    file: LXC,
    transform: removeFile,
    expectFailing: [
      't1-client-running',
      't1-server-running',
      't1-client-ip',
      't1-server-ip',
      't1-client-ip-usable',
      't1-server-ip-usable',
      't1-ips-unique',
      't1-client-ip-matches-log',
      't1-server-ip-matches-log',
    ],
  },
  { name: 'device.json pool without NAT', test: '1', file: DEV, transform: replace('"nat": true', '"nat": false'), expectFailing: ['t1-device-json-pool'] },
  { name: 'device.json missing', test: '1', file: DEV, transform: removeFile, expectFailing: ['t1-device-json-pool', 't1-client-ip', 't1-server-ip', 't1-client-ip-usable', 't1-server-ip-usable'] },
  {
    name: 'device.json cut short (not JSON)',
    test: '1',
    file: DEV,
    transform: truncateInside('"network"', 4),
    expectFailing: ['t1-device-json-pool', 't1-client-ip', 't1-server-ip', 't1-client-ip-usable', 't1-server-ip-usable'],
  },
  { name: 'pvbr0 without its address', test: '1', file: IP, transform: dropLines('inet 10.0.5.1/24'), expectFailing: ['t1-bridge-gateway'] },
  { name: 'pvbr0 with the wrong prefix', test: '1', file: IP, transform: replace('inet 10.0.5.1/24 brd 10.0.5.255', 'inet 10.0.5.1/16 brd 10.0.255.255'), expectFailing: ['t1-bridge-gateway'] },
  { name: 'no "IPAM subsystem initialized"', test: '1', file: LOG, transform: dropLines('IPAM subsystem initialized'), expectFailing: ['t1-log-ipam-init'] },
  { name: 'no "created bridge"', test: '1', file: LOG, transform: dropLines('created bridge pvbr0'), expectFailing: ['t1-log-bridge-created'] },
  { name: 'pool added with nat=no', test: '1', file: LOG, transform: replace('gateway=10.0.5.1, nat=yes', 'gateway=10.0.5.1, nat=no'), expectFailing: ['t1-log-pool-added'] },
  { name: 'client allocation line missing', test: '1', file: LOG, transform: dropLines(`allocated 10.0.5.2/24 to ${C1}`), expectFailing: ['t1-log-allocated-client', 't1-client-ip-matches-log'] },
  {
    name: 'server allocation names the pool quoted',
    test: '1',
    file: LOG,
    transform: replace(`to ${S1} from pool internal`, `to ${S1} from pool 'internal'`),
    expectFailing: ['t1-log-allocated-server'],
  },
  {
    name: 'log allocated another IP to the client',
    test: '1',
    file: LOG,
    transform: replace(`allocated 10.0.5.2/24 to ${C1}`, `allocated 10.0.5.4/24 to ${C1}`),
    expectFailing: ['t1-client-ip-matches-log'],
  },
  {
    name: 'log cut off inside the server allocation line',
    test: '1',
    file: LOG,
    transform: truncateInside(`allocated 10.0.5.3/24 to ${S1}`, 'allocated 10.0.5.3/2'.length),
    expectFailing: ['t1-log-allocated-server', 't1-server-ip-matches-log'],
  },
  {
    name: 'pantavisor.log missing',
    test: '1',
    file: LOG,
    transform: removeFile,
    expectFailing: ['t1-log-ipam-init', 't1-log-bridge-created', 't1-log-pool-added', 't1-log-allocated-client', 't1-log-allocated-server', 't1-client-ip-matches-log', 't1-server-ip-matches-log'],
  },

  // ---- Test 2
  {
    name: 'static container stopped',
    test: '2',
    file: LXC,
    transform: lxc({ 'pv-example-ipam-valid': { state: 'STOPPED', ip: '-' } }),
    expectFailing: ['t2-valid-running', 't2-valid-ip', 't2-ip-usable', 't2-ip-matches-log'],
  },
  { name: 'static container on another address', test: '2', file: LXC, transform: lxc({ 'pv-example-ipam-valid': { ip: '10.0.5.51' } }), expectFailing: ['t2-valid-ip', 't2-ip-matches-log'] },
  {
    name: 'allocated from the pool instead of reserved',
    test: '2',
    file: LOG,
    transform: replace(
      '(pv_ipam_reserve:374) reserved 10.0.5.50 for pv-example-ipam-valid in pool internal',
      '(pv_ipam_allocate:309) allocated 10.0.5.2/24 to pv-example-ipam-valid from pool internal',
    ),
    expectFailing: ['t2-log-reserved', 't2-log-not-allocated', 't2-ip-matches-log'],
  },
  {
    name: 'an extra allocated line for the static IP',
    test: '2',
    file: LOG,
    transform: insertAfter('reserved 10.0.5.50 for', pv('INFO', 'ipam', 'pv_ipam_allocate', 309, 'allocated 10.0.5.50/24 to pv-example-ipam-valid from pool internal')),
    expectFailing: ['t2-log-not-allocated'],
  },
  {
    name: 'reserved line names the pool quoted',
    test: '2',
    file: LOG,
    transform: replace('pv-example-ipam-valid in pool internal', "pv-example-ipam-valid in pool 'internal'"),
    expectFailing: ['t2-log-reserved'],
  },
  { name: 'pool gateway is the static IP', test: '2', file: DEV, transform: replace('"gateway": "10.0.5.1"', '"gateway": "10.0.5.50"'), expectFailing: ['t2-ip-usable'] },

  // ---- Test 3
  {
    name: 'server stopped',
    test: '3',
    file: LXC,
    transform: lxc({ [S1]: { state: 'STOPPED', ip: '-' } }),
    expectFailing: ['t3-server-running', 't3-server-ip', 't3-server-ip-usable', 't3-server-ip-matches-log'],
  },
  {
    name: 'lab-server stopped',
    test: '3',
    file: LXC,
    transform: lxc({ [LAB]: { state: 'STOPPED', ip: '-' } }),
    expectFailing: ['t3-lab-server-running', 't3-lab-server-ip', 't3-lab-server-ip-usable', 't3-lab-server-ip-matches-log'],
  },
  { name: 'server got a lab address', test: '3', file: LXC, transform: lxc({ [S1]: { ip: '10.0.6.3' } }), expectFailing: ['t3-server-ip', 't3-server-ip-usable', 't3-server-ip-matches-log'] },
  {
    name: 'lab-server got an internal address',
    test: '3',
    file: LXC,
    transform: lxc({ [LAB]: { ip: '10.0.5.3' } }),
    expectFailing: ['t3-lab-server-ip', 't3-lab-server-ip-usable', 't3-lab-server-ip-matches-log'],
  },
  {
    name: 'both containers on 10.0.5.2',
    test: '3',
    file: LXC,
    transform: lxc({ [LAB]: { ip: '10.0.5.2' } }),
    expectFailing: ['t3-ips-unique', 't3-lab-server-ip', 't3-lab-server-ip-usable', 't3-lab-server-ip-matches-log'],
  },
  { name: 'server on the internal gateway', test: '3', file: LXC, transform: lxc({ [S1]: { ip: '10.0.5.1' } }), expectFailing: ['t3-server-ip-usable', 't3-server-ip-matches-log'] },
  {
    name: 'lab-server on the lab broadcast address',
    test: '3',
    file: LXC,
    transform: lxc({ [LAB]: { ip: '10.0.6.255' } }),
    expectFailing: ['t3-lab-server-ip-usable', 't3-lab-server-ip-matches-log'],
  },
  { name: 'masquerade rule added twice (second launch)', test: '3', file: NFT, transform: insertAfter(RULE_5, () => RULE_5), expectFailing: ['t3-nft-masquerade-internal'] },
  { name: 'no masquerade rule at all', test: '3', file: NFT, transform: replaceWith(''), expectFailing: ['t3-nft-masquerade-internal'] },
  {
    name: 'lab pool masqueraded too',
    test: '3',
    file: NFT,
    transform: insertAfter(RULE_5, () => '\t\tip saddr 10.0.6.0/24 oifname != "pvbr1" masquerade'),
    expectFailing: ['t3-nft-no-masquerade-lab-subnet', 't3-nft-no-masquerade-pvbr1'],
  },
  {
    name: 'lab subnet masqueraded by a pvbr0-style rule',
    test: '3',
    file: NFT,
    transform: insertAfter(RULE_5, () => '\t\tip saddr 10.0.6.0/24 oifname != "pvbr0" masquerade'),
    expectFailing: ['t3-nft-no-masquerade-lab-subnet'],
  },
  {
    name: 'some rule excludes pvbr1',
    test: '3',
    file: NFT,
    transform: insertAfter(RULE_5, () => '\t\tip saddr 10.0.7.0/24 oifname != "pvbr1" masquerade'),
    expectFailing: ['t3-nft-no-masquerade-pvbr1'],
  },
  { name: 'internal pool cannot reach the external host', test: '3', file: `ping-${S1}-${EXT}.txt`, transform: pingLost, expectFailing: ['t3-ping-internal-external'] },
  {
    name: 'pventer found no container for the internal ping',
    test: '3',
    file: `ping-${S1}-${EXT}.txt`,
    transform: replaceWith(`no container found: ${S1}\n`),
    expectFailing: ['t3-ping-internal-external'],
  },
  { name: 'lab pool reaches the external host (NAT leak)', test: '3', file: `ping-${LAB}-${EXT}.txt`, transform: pingAnswered, expectFailing: ['t3-ping-lab-external'] },
  { name: 'lab gateway unreachable', test: '3', file: `ping-${LAB}-10.0.6.1.txt`, transform: pingLost, expectFailing: ['t3-ping-lab-gateway'] },
  { name: 'lab gateway ping not captured', test: '3', file: `ping-${LAB}-10.0.6.1.txt`, transform: removeFile, expectFailing: ['t3-ping-lab-gateway'] },
  { name: 'internal pool added with nat=no', test: '3', file: LOG, transform: replace('gateway=10.0.5.1, nat=yes', 'gateway=10.0.5.1, nat=no'), expectFailing: ['t3-log-pool-internal'] },
  { name: 'lab pool added with nat=yes', test: '3', file: LOG, transform: replace('gateway=10.0.6.1, nat=no', 'gateway=10.0.6.1, nat=yes'), expectFailing: ['t3-log-pool-lab'] },
  { name: 'no NAT line for internal', test: '3', file: LOG, transform: dropLines('setup NAT (nftables) for pool internal'), expectFailing: ['t3-log-nat-internal'] },
  {
    name: 'NAT line for lab',
    test: '3',
    file: LOG,
    transform: insertAfter('created bridge pvbr1', pv('INFO', 'ipam', 'setup_nat', 666, 'setup NAT (nftables) for pool lab')),
    expectFailing: ['t3-log-no-nat-lab'],
  },
  {
    name: 'log allocated another IP to the server',
    test: '3',
    file: LOG,
    transform: replace(`allocated 10.0.5.2/24 to ${S1}`, `allocated 10.0.5.9/24 to ${S1}`),
    expectFailing: ['t3-server-ip-matches-log'],
  },
  {
    name: 'log allocated another IP to the lab-server',
    test: '3',
    file: LOG,
    transform: replace(`allocated 10.0.6.2/24 to ${LAB}`, `allocated 10.0.6.7/24 to ${LAB}`),
    expectFailing: ['t3-lab-server-ip-matches-log'],
  },

  // ---- Test 4 (real capture)
  {
    name: 'iptables backend used',
    test: '4',
    file: LOG,
    transform: replace('(setup_nat:666) setup NAT (nftables) for pool internal', '(setup_nat:680) setup NAT (iptables) for pool internal'),
    expectFailing: ['t4-log-nat-nftables', 't4-log-no-iptables'],
  },
  {
    name: 'an iptables line besides the nftables one',
    test: '4',
    file: LOG,
    transform: insertAfter('setup NAT (nftables) for pool internal', pv('INFO', 'ipam', 'setup_nat', 680, 'setup NAT (iptables) for pool internal')),
    expectFailing: ['t4-log-no-iptables'],
  },
  {
    name: 'neither nft nor iptables',
    test: '4',
    file: LOG,
    transform: replace(
      'INFO\t -- [ipam]: (setup_nat:666) setup NAT (nftables) for pool internal',
      'WARN\t -- [ipam]: (setup_nat:687) neither nftables (nft) nor iptables available; cannot setup NAT for pool internal',
    ),
    expectFailing: ['t4-log-nat-nftables', 't4-log-no-nat-warnings'],
  },
  {
    name: 'a "failed to setup NAT" warning',
    test: '4',
    file: LOG,
    transform: insertAfter('setup NAT (nftables) for pool internal', pv('WARN', 'ipam', 'setup_nat', 691, 'failed to setup NAT for pool internal')),
    expectFailing: ['t4-log-no-nat-warnings'],
  },
  { name: 'postrouting chain of type filter', test: '4', file: NFT, transform: replace('type nat hook postrouting', 'type filter hook postrouting'), expectFailing: ['t4-nft-nat-chain'] },
  { name: 'masquerade rule missing', test: '4', file: NFT, transform: dropLines('masquerade'), expectFailing: ['t4-nft-masquerade'] },
  {
    name: 'iptables-nft ruleset (POSTROUTING chain)',
    test: '4',
    file: NFT,
    transform: replaceWith(
      'table ip nat {\n\tchain POSTROUTING {\n\t\ttype nat hook postrouting priority srcnat; policy accept;\n\t\tip saddr 10.0.5.0/24 oifname != "pvbr0" counter packets 0 bytes 0 masquerade\n\t}\n}\n',
    ),
    expectFailing: ['t4-nft-nat-chain', 't4-nft-masquerade'],
  },

  // ---- Test 6
  {
    name: 'baseline: server stopped',
    test: '6',
    step: 'baseline',
    file: LXC,
    transform: lxc({ [S1]: { state: 'STOPPED', ip: '-' } }),
    expectFailing: ['t6-baseline-running', 't6-baseline-ip', 't6-ip-unchanged'],
  },
  { name: 'baseline: server on 10.0.5.3', test: '6', step: 'baseline', file: LXC, transform: replace('10.0.5.2', '10.0.5.3'), expectFailing: ['t6-baseline-ip', 't6-ip-unchanged'] },
  {
    name: 'after-stop: still running',
    test: '6',
    step: 'after-stop',
    file: LXC,
    transform: lxc({ [S1]: { state: 'RUNNING', ip: '10.0.5.2' } }),
    expectFailing: ['t6-after-stop-stopped', 't6-after-stop-no-ip'],
  },
  { name: 'after-stop: stopped but an IPv4 shown', test: '6', step: 'after-stop', file: LXC, transform: lxc({ [S1]: { ip: '10.0.5.2' } }), expectFailing: ['t6-after-stop-no-ip'] },
  {
    name: 'after-start: still stopped',
    test: '6',
    step: 'after-start',
    file: LXC,
    transform: lxc({ [S1]: { state: 'STOPPED', ip: '-' } }),
    expectFailing: ['t6-after-start-running', 't6-after-start-ip', 't6-ip-unchanged', 't6-ip-matches-log'],
  },
  {
    name: 'after-start: a new IP',
    test: '6',
    step: 'after-start',
    file: LXC,
    transform: replace('10.0.5.2', '10.0.5.3'),
    expectFailing: ['t6-after-start-ip', 't6-ip-unchanged', 't6-ip-matches-log'],
  },
  {
    name: 'after-start: lxc-ls.txt missing',
    test: '6',
    step: 'after-start',
    file: LXC,
    transform: removeFile,
    expectFailing: ['t6-after-start-running', 't6-after-start-ip', 't6-ip-unchanged', 't6-ip-matches-log'],
  },
  {
    name: 'lease allocated again instead of reused',
    test: '6',
    step: 'after-start',
    file: LOG,
    transform: replace(
      `DEBUG\t -- [ipam]: (pv_ipam_allocate:273) reusing existing lease for ${S1}: 10.0.5.2/24`,
      `INFO\t -- [ipam]: (pv_ipam_allocate:309) allocated 10.0.5.2/24 to ${S1} from pool internal`,
    ),
    expectFailing: ['t6-log-one-allocation', 't6-log-allocated', 't6-log-one-reuse', 't6-log-allocate-then-reuse'],
  },
  {
    name: 'a second allocated line, new IP',
    test: '6',
    step: 'after-start',
    file: LOG,
    transform: insertAfter('reusing existing lease for', pv('INFO', 'ipam', 'pv_ipam_allocate', 309, `allocated 10.0.5.3/24 to ${S1} from pool internal`)),
    expectFailing: ['t6-log-one-allocation', 't6-ip-matches-log'],
  },
  { name: 'reusing line missing', test: '6', step: 'after-start', file: LOG, transform: dropLines('reusing existing lease for'), expectFailing: ['t6-log-one-reuse', 't6-log-allocate-then-reuse'] },
  { name: 'reusing line logged twice', test: '6', step: 'after-start', file: LOG, transform: insertAfter('reusing existing lease for', (l) => l), expectFailing: ['t6-log-one-reuse'] },
  {
    name: 'reusing line before the allocation',
    test: '6',
    step: 'after-start',
    file: LOG,
    transform: swapLines(`allocated 10.0.5.2/24 to ${S1}`, 'reusing existing lease for'),
    expectFailing: ['t6-log-allocate-then-reuse'],
  },

  // ---- Test 7
  { name: 'net-server running', test: '7', file: LXC, transform: lxc({ [S1]: { state: 'RUNNING', ip: '10.0.5.2' } }), expectFailing: ['t7-no-container-running'] },
  { name: 'net-server listed STOPPED (allowed)', test: '7', file: LXC, transform: lxc({ [S1]: { state: 'STOPPED', ip: '-' } }), expectFailing: [] },
  { name: 'lxc-ls.txt missing', test: '7', file: LXC, transform: removeFile, expectFailing: ['t7-no-container-running'] },
  { name: 'one launch only (facts §11.1: repetition not required)', test: '7', file: LOG, transform: keepThrough('exit command received'), expectFailing: [] },
  { name: 'no "references unknown pool"', test: '7', file: LOG, transform: dropLines('references unknown pool'), expectFailing: ['t7-log-refusal-sequence'] },
  { name: 'no "could not be started"', test: '7', file: LOG, transform: dropLines('could not be started'), expectFailing: ['t7-log-refusal-sequence'] },
  {
    name: 'every launch tears down before it refuses (order across launches must not count)',
    test: '7',
    file: LOG,
    transform: (t) => {
      need(t, 'Tearing down');
      const ls = lines(t);
      for (let i = 0; i < ls.length; i++) {
        if (!ls[i].includes('Tearing down')) continue;
        const [tear] = ls.splice(i, 1);
        let j = i - 1;
        while (j >= 0 && !ls[j].includes('references unknown pool')) j--;
        ls.splice(j, 0, tear);
      }
      return ls.join('\n') + '\n';
    },
    expectFailing: ['t7-log-refusal-sequence'],
  },
  { name: 'rollback instead of reboot', test: '7', file: LOG, transform: replace("next state: 'STATE_REBOOT'", "next state: 'STATE_ROLLBACK'", true), expectFailing: ['t7-state-reboot'] },
  {
    name: 'log cut off inside the first validation failure',
    test: '7',
    file: LOG,
    transform: truncateInside('failed IPAM network validation', 12),
    expectFailing: ['t7-log-refusal-sequence', 't7-state-reboot'],
  },
  {
    name: 'nopool got an address',
    test: '7',
    file: LOG,
    transform: insertAfter(
      "setting status goal timer of 10 secs for platform 'pv-example-ipam-nopool'",
      pv('INFO', 'ipam', 'pv_ipam_allocate', 309, 'allocated 10.0.5.2/24 to pv-example-ipam-nopool from pool internal'),
    ),
    expectFailing: ['t7-nopool-not-allocated'],
  },
  {
    name: 'net-server started before the teardown',
    test: '7',
    file: LOG,
    transform: insertAfter('could not be started', pv('INFO', 'ipam', 'pv_ipam_allocate', 309, `allocated 10.0.5.2/24 to ${S1} from pool internal`)),
    expectFailing: ['t7-server-not-started'],
  },

  // ---- Test 8
  { name: 'pvcnet running', test: '8', file: LXC, transform: lxc({ 'pv-example-net-pvcnet': { state: 'RUNNING', ip: '10.0.3.2' } }), expectFailing: ['t8-no-container-running'] },
  { name: 'no pv_lxc validation error', test: '8', file: LOG, transform: dropLines('pv_validate_container_config'), expectFailing: ['t8-log-refusal-sequence'] },
  { name: 'no teardown', test: '8', file: LOG, transform: dropLines('Tearing down'), expectFailing: ['t8-log-refusal-sequence'] },
  { name: 'pv_lxc message with an ASCII dash (allowed)', test: '8', file: LOG, transform: replace('entries \u2014 pantavisor', 'entries - pantavisor', true), expectFailing: [] },
  {
    name: 'refused through the IPAM path too',
    test: '8',
    file: LOG,
    transform: insertAfter(
      'refused by backend pre-start validation',
      pv('ERROR', 'platforms', 'pv_platform_start', 1314, "platform 'pv-example-net-pvcnet' failed IPAM network validation, triggering rollback if in try-boot"),
      true,
    ),
    expectFailing: ['t8-no-ipam-validation-line'],
  },
  {
    name: 'allocated before validation',
    test: '8',
    file: LOG,
    transform: insertAfter('platform subscribed pv-example-net-pvcnet:lxc/lxc.log', pv('INFO', 'ipam', 'pv_ipam_allocate', 309, 'allocated 10.0.3.2/24 to pv-example-net-pvcnet from pool pvcnet')),
    expectFailing: ['t8-not-allocated'],
  },

  // ---- Test 9
  {
    name: 'static container stopped',
    test: '9',
    file: LXC,
    transform: lxc({ 'pv-example-ipam-static': { state: 'STOPPED', ip: '-' } }),
    expectFailing: ['t9-static-running', 't9-static-ip', 't9-static-ip-matches-log'],
  },
  {
    name: 'pvcnet stopped',
    test: '9',
    file: LXC,
    transform: lxc({ 'pv-example-net-pvcnet': { state: 'STOPPED', ip: '-' } }),
    expectFailing: ['t9-pvcnet-running', 't9-pvcnet-ip', 't9-pvcnet-ip-usable', 't9-pvcnet-ip-matches-log'],
  },
  {
    name: 'both containers on 10.0.3.2 (plan: what failure looks like)',
    test: '9',
    file: LXC,
    transform: lxc({ 'pv-example-net-pvcnet': { ip: '10.0.3.2' } }),
    expectFailing: ['t9-pvcnet-ip', 't9-ips-unique', 't9-pvcnet-ip-matches-log'],
  },
  { name: 'static container on another address', test: '9', file: LXC, transform: lxc({ 'pv-example-ipam-static': { ip: '10.0.3.4' } }), expectFailing: ['t9-static-ip', 't9-static-ip-matches-log'] },
  {
    name: 'pvcnet on the gateway',
    test: '9',
    file: LXC,
    transform: lxc({ 'pv-example-net-pvcnet': { ip: '10.0.3.1' } }),
    expectFailing: ['t9-pvcnet-ip', 't9-pvcnet-ip-usable', 't9-pvcnet-ip-matches-log'],
  },
  { name: 'no reservation line', test: '9', file: LOG, transform: dropLines('reserved static IP 10.0.3.2'), expectFailing: ['t9-log-reserved-static', 't9-log-sequence', 't9-static-ip-matches-log'] },
  {
    name: 'allocator handed out the reserved .2',
    test: '9',
    file: LOG,
    transform: replace('allocated 10.0.3.3/24 to', 'allocated 10.0.3.2/24 to'),
    expectFailing: ['t9-log-allocated', 't9-log-sequence', 't9-pvcnet-ip-matches-log'],
  },
  {
    name: 'reservation logged before the NAT setup',
    test: '9',
    file: LOG,
    transform: swapLines('setup NAT (nftables) for pool pvcnet', 'reserved static IP 10.0.3.2'),
    expectFailing: ['t9-log-sequence'],
  },
  { name: 'no "created bridge lxcbr0"', test: '9', file: LOG, transform: dropLines('created bridge lxcbr0'), expectFailing: ['t9-log-sequence'] },
];

// ------------------------------------------------------------------------------ tests
for (const id of TESTS) {
  test(`Test ${id}: the passing bundle passes every check`, () => {
    const b = bundle(id);
    assert.equal(b.meta.tool, 'pv-ipam-tests');
    assert.equal(b.meta.scenario, id);
    assert.deepEqual(b.meta.steps, findScenario(plan, id).steps.map((s) => s.id));
    const results = evaluate(id, b.files, b.meta);
    assert.equal(results.length, findScenario(plan, id).steps.reduce((n, s) => n + s.checks.length, 0));
    const failed = results.filter((r) => !r.pass).map((r) => `${r.id}: ${r.actual}`);
    assert.deepEqual(failed, []);
  });

  test(`Test ${id}: the bundle is in the real formats`, () => {
    for (const [step, files] of Object.entries(bundle(id).files)) assertRealFormats(step, files);
  });
}

test('Tests 7 and 8: lxc-ls printed nothing at all', () => {
  assert.equal(bundle('7').files.boot['lxc-ls.txt'], '');
  assert.equal(bundle('8').files.boot['lxc-ls.txt'], '');
});

for (const v of VARIANTS) test(variantTitle(v), () => checkVariant(v));

test("every check id of the plan's scenarios is made to fail by some variant", () => {
  // the scenarios beyond the plan: scenario-bundles-beyond.test.ts; updates: scenario-bundles-updates.test.ts
  const all = plan.scenarios.filter((s) => (s.section ?? 'plan') === 'plan').flatMap((s) => s.steps.flatMap((st) => st.checks.map((c) => c.id)));
  const covered = new Set(VARIANTS.flatMap((v) => v.expectFailing));
  assert.deepEqual(all.filter((id) => !covered.has(id)), []);
  // and no variant names a check its test does not have
  assert.deepEqual(unknownCheckIds(VARIANTS), []);
});
