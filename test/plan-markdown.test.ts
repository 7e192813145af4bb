import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { buildTargets, type DocPlan, docSettings, inline, planMarkdown, sourceArtifact } from '../lib/plan/plan-markdown.ts';
import { type Check, parsePlan } from '../lib/plan/scenarios.ts';
import { DEFAULTS } from '../lib/tooling/config.ts';

const planText = readFileSync(new URL('../scenarios.json', import.meta.url), 'utf8');
const schemaText = readFileSync(new URL('../scenarios.schema.json', import.meta.url), 'utf8');
const realPlan = () => parsePlan(planText, schemaText) as DocPlan;

/** The text under a heading, up to the next heading of the same or a higher level (code blocks skipped). */
function section(md: string, heading: string): string {
  const lines = md.split('\n');
  const start = lines.indexOf(heading);
  assert.ok(start >= 0, `no heading '${heading}'`);
  const level = heading.match(/^#+/)![0].length;
  let fenced = false;
  let end = lines.length;
  for (let i = start + 1; i < lines.length; i++) {
    if (lines[i].startsWith('```')) fenced = !fenced;
    const m = !fenced && /^(#+) /.exec(lines[i]);
    if (m && m[1].length <= level) {
      end = i;
      break;
    }
  }
  return '\n' + lines.slice(start + 1, end).join('\n');
}

test('the real plan: title, version, build targets, every test with its sections, the troubleshooting table', () => {
  const plan = realPlan();
  const md = planMarkdown(plan);
  assert.match(md, /^<!-- Generated from scenarios\.json by `make plan`/);
  assert.match(md, /\n# IPAM Networking Test Plan\n\nVersion: 028-rc11 \(meta-pantavisor docs\/testing\/testplans\/testplan-ipam\.md\)\n/);
  assert.match(md, /```sh\n\.\/kas-container build \.github\/configs\/release\/docker-x86_64-scarthgap\.yaml:kas\/with-workspace\.yaml \\\n  --target pv-example-device-ipam \\\n/);
  assert.match(md, /  --target pantavisor-appengine\n\ndocker load < build\/tmp-scarthgap\/deploy\/images\/docker-x86_64\/pantavisor-appengine-docker\.tar\n```/);
  for (const s of plan.scenarios) {
    const h = (s.section ?? 'plan') !== 'plan' ? '###' : '##';
    const body = section(md, `${h} Test ${s.id}: ${inline(s.title)}`);
    for (const sub of ['Setup', 'Execute', 'Verify', 'Expected Results']) assert.ok(body.includes(`\n${h}# ${sub}\n`), `Test ${s.id}: ${sub}`);
    assert.ok(body.includes(`**Purpose:** ${inline(s.purpose)}`));
    for (const a of s.artifacts) assert.ok(body.includes(`${a}.pvrexport.tgz pvtx.d/`), `Test ${s.id} stages ${a}`);
    // one table row per check, with the plan's row and the realSystem note in the same row
    for (const c of s.steps.flatMap((st) => st.checks)) {
      const rows = body.split('\n').filter((l) => l.includes(`| \`${c.id}\` |`));
      assert.equal(rows.length, 1, `Test ${s.id}: one row for ${c.id}`);
      if (c.realSystem) assert.ok(rows[0].includes(inline(c.realSystem, true)), `${c.id}: realSystem next to its row`);
    }
  }
  assert.match(md, /\n## Troubleshooting\n\n\| Symptom \| Cause \| Fix \|\n\|---\|---\|---\|\n\| No IPs assigned \| Missing device\.json \| Ensure /);
  assert.ok(!md.includes('${EXTERNAL_HOST}'), "variables are substituted with the plan's values");
  assert.ok(md.includes(`pventer -c pv-example-net-server ping -c 2 ${DEFAULTS.EXTERNAL_HOST}`));
  // the plan's tests, then the ones beyond it, each in scenarios.json's order, then troubleshooting
  const headings = md.split('\n').filter((l) => /^##+ (Test |Beyond|Updates|Troubleshooting)/.test(l)).map((l) => l.replace(/:.*/, ''));
  const inPlan = plan.scenarios.filter((s) => (s.section ?? 'plan') === 'plan').map((s) => `## Test ${s.id}`);
  const beyond = plan.scenarios.filter((s) => s.section === 'beyond-plan').map((s) => `### Test ${s.id}`);
  const updates = plan.scenarios.filter((s) => s.section === 'updates').map((s) => `### Test ${s.id}`);
  assert.deepEqual(headings, [...inPlan, ...(beyond.length ? ['## Beyond the plan', ...beyond] : []), ...(updates.length ? ['## Updates and auto-recovery', ...updates] : []), '## Troubleshooting']);
  assert.ok(md.endsWith('```\n') || md.endsWith('|\n'));
  assert.ok(!/\n\n\n/.test(md), 'no double blank lines');
});

test('deterministic: the same plan gives the same bytes, with no date in them', () => {
  const a = planMarkdown(realPlan());
  const b = planMarkdown(realPlan());
  assert.equal(a, b);
  assert.doesNotMatch(a, /20\d\d-\d\d-\d\d/);
});

test("Execute: the plan's docker commands, the readiness conditions instead of sleep, and later steps with their command", () => {
  const md = planMarkdown(realPlan());
  const t1 = section(md, '## Test 1: Basic IPAM Pool Allocation');
  assert.ok(t1.includes([
    'docker rm -f pva-test 2>/dev/null; docker volume rm storage-test 2>/dev/null',
    'docker run --name pva-test -d --privileged \\',
    '  -v $(pwd)/pvtx.d:/usr/lib/pantavisor/pvtx.d \\',
    '  -v storage-test:/var/pantavisor/storage \\',
    '  --entrypoint /bin/sh pantavisor-appengine:latest -c "sleep infinity"',
    "docker exec pva-test sh -c 'mkdir -p /var/pantavisor/storage/.pv-ipam-tests && pv-appengine > /var/pantavisor/storage/.pv-ipam-tests/pv-appengine.out 2>&1 &'",
  ].join('\n')));
  assert.ok(t1.includes('Instead of a fixed `sleep`, the toolkit polls (up to BOOT_TIMEOUT, 90 s) until:'));
  const t6 = section(md, '## Test 6: IPAM lease stability across stop/start');
  // a step's command runs in the container's shell: the document says so, so that pasting it runs
  // nothing on the host (relaunch's $(pgrep ...) would otherwise be the host's pgrep)
  assert.ok(t6.includes("Step `after-stop`:\n\n```sh\ndocker exec pva-test sh -c 'pvcontrol containers stop pv-example-net-server'\n```"));
  assert.ok(md.includes("docker exec pva-test sh -c 'kill -9 $(pgrep -o -x pantavisor)'"));
  assert.ok(t6.includes('- `pv-example-net-server` is STOPPED in `lxc-ls -f`'));
  assert.ok(t6.includes('| Step | Check |'), 'a multi-step test names the step of each check');
});

test('Verify: each evidence command once per step, under the plan rows it shows; a log-absent check expects no output', () => {
  const md = planMarkdown(realPlan());
  const verify = section(section(md, '## Test 9: Static-IP reservation from backend-native containers'), '### Verify');
  assert.ok(verify.includes([
    '# Expected: Verify: both containers RUNNING',
    '# Expected: pv-example-ipam-static IPv4: 10.0.3.2 (baked into lxc.container.conf)',
    '# Expected: pv-example-net-pvcnet IPv4: 10.0.3.3 (next available, .2 reserved, .1 gateway)',
    '# Expected: What failure looks like: both containers on 10.0.3.2',
    '# Expected: implied: an allocated IP is a usable host of its pool',
    '# Expected: implied: the IP lxc-ls shows is the one the log allocated',
    '# Expected: implied: the IP lxc-ls shows is the one the log reserved',
    'docker exec pva-test lxc-ls -f',
  ].join('\n')));
  assert.equal(verify.split('\n').filter((l) => l === 'docker exec pva-test lxc-ls -f').length, 1);
  const t4 = section(section(md, '## Test 4: NAT backend selection (nftables preferred)'), '### Verify');
  assert.ok(t4.includes('# Expected no output: Verify: no "(iptables)" lines\ndocker exec pva-test grep -F \'setup NAT (iptables)\' /var/pantavisor/storage/logs/0/pantavisor/pantavisor.log'));
});

test('Test 8: the derived artifact is copied from the work directory and its derivation said', () => {
  const t8 = section(planMarkdown(realPlan()), '## Test 8: Pool-using container with baked lxc.net.\\* is refused');
  assert.ok(t8.includes('# derived from pv-example-net-pvcnet by make stage-8 (scripts/derive.ts; edits below)\ncp .work/pv-example-net-pvcnet+baked-net.pvrexport.tgz pvtx.d/'));
  assert.ok(t8.includes('`pv-example-net-pvcnet+baked-net` is derived from `pv-example-net-pvcnet` by `make stage-8`: Test 8 needs'));
});

/** The real plan plus every optional field the document knows. */
function extendedPlan(): DocPlan {
  const plan = realPlan();
  plan.derivedArtifacts = {
    ...plan.derivedArtifacts,
    'pv-example-device-ipam+tiny-pool': {
      from: 'pv-example-device-ipam',
      why: 'a pool with room for one container',
      edits: [{ deviceJson: { set: 'network.pools.internal.subnet', to: '10.0.5.0/30' } }],
    },
  };
  plan.capabilities = {
    iptables: { describe: 'the image has iptables', probe: { command: 'command -v iptables' } },
    'nat-log': { describe: 'pantavisor logs its NAT setup', absent: 'an older pantavisor', probe: { logLine: { module: 'ipam', text: 'setup NAT' } } },
  };
  const t1 = structuredClone(plan.scenarios[0]);
  plan.scenarios.push({
    ...t1,
    id: 'pool-exhaustion',
    title: 'Pool exhaustion',
    purpose: 'A pool with no free address refuses the next container.',
    section: 'beyond-plan',
    observed: 'Pantavisor starts the container without an address.',
    knownIssue: { summary: 'no refusal when the pool is full', seenIn: '028-rc11' },
    requires: ['iptables', 'nat-log'],
    beforeBoot: ["echo 'x' > /tmp/marker"],
    skipEvidence: ['px-server-ip'],
    artifacts: ['pv-example-device-ipam+tiny-pool', 'pv-example-net-server'],
    steps: [{
      id: 'boot',
      waitFor: t1.steps[0].waitFor,
      checks: [
        { id: 'px-server-ip', kind: 'container-ipv4', container: 'pv-example-net-server', equals: '-', row: 'server: no IP' },
        { id: 'px-masq', kind: 'iptables-masquerade', row: 'iptables: MASQUERADE | once', knownIssue: { summary: 'rule appended twice', seenIn: 'main' } } as Check,
      ],
    }],
  });
  return plan;
}

test("beyond the plan: its own section after the plan's tests, with observed, known issue, requires (and the skip evidence), beforeBoot", () => {
  const md = planMarkdown(extendedPlan());
  const beyond = section(md, '## Beyond the plan');
  assert.ok(md.indexOf('## Test 9:') < md.indexOf('## Beyond the plan'));
  assert.ok(md.indexOf('## Beyond the plan') < md.indexOf('## Troubleshooting'));
  const px = section(md, '### Test pool-exhaustion: Pool exhaustion');
  assert.ok(beyond.includes('### Test pool-exhaustion: Pool exhaustion'));
  assert.ok(px.includes("**What today's Pantavisor does:** Pantavisor starts the container without an address."));
  assert.ok(px.includes('**Known issue:** no refusal when the pool is full (seen in 028-rc11)'));
  assert.ok(
    px.includes(
      '**Requires:** `iptables` (the image has iptables); `nat-log` (pantavisor logs its NAT setup). Without it the test is SKIPPED, quoting `px-server-ip` as the evidence (FAILED when REQUIRE names it).',
    ),
  );
  assert.ok(px.includes('#### Setup') && px.includes('#### Expected Results'));
  assert.ok(px.includes(`  --entrypoint /bin/sh pantavisor-appengine:latest -c "sleep infinity"\ndocker exec pva-test sh -c "echo 'x' > /tmp/marker"\ndocker exec pva-test sh -c 'mkdir -p`));
  const verify = section(px, '#### Verify');
  assert.ok(verify.includes('# Expected: server: no IP\ndocker exec pva-test lxc-ls -f'), 'a skipEvidence check is verified like any other');
  assert.ok(verify.includes('docker exec pva-test iptables -t nat -S'));
  assert.ok(px.includes('| `px-masq` | iptables: MASQUERADE \\| once | **Known issue:** rule appended twice (seen in main) |'));
  // the table of tests marks it
  assert.ok(md.includes('| `pool-exhaustion` | Pool exhaustion (beyond the plan) | `make test-pool-exhaustion` |'));
});

test('derived artifacts and capabilities from scenarios.json', () => {
  const plan = extendedPlan();
  const md = planMarkdown(plan);
  const t8 = section(md, '## Test 8: Pool-using container with baked lxc.net.\\* is refused');
  assert.ok(
    t8.includes('`pv-example-net-pvcnet+baked-net` is derived from `pv-example-net-pvcnet` by `make stage-8`: Test 8 needs a container that declares an IPAM pool AND has lxc.net.\\* baked into'),
  );
  assert.ok(t8.includes('Edits:\n\n- `pv-example-net-pvcnet/lxc.container.conf += "lxc.net.0.type = veth"`'));
  const px = section(md, '### Test pool-exhaustion: Pool exhaustion');
  assert.ok(px.includes('# derived from pv-example-device-ipam by make stage-pool-exhaustion (scripts/derive.ts; edits below)\ncp .work/pv-example-device-ipam+tiny-pool.pvrexport.tgz pvtx.d/'));
  assert.ok(px.includes('is derived from `pv-example-device-ipam` by `make stage-pool-exhaustion`: a pool with room for one container'));
  assert.ok(px.includes('- `device.json network.pools.internal.subnet = "10.0.5.0/30"`'));
  assert.ok(md.includes('### Capabilities'));
  assert.ok(md.includes('| `iptables` | the image has iptables | `command -v iptables` succeeds in the container | the test is SKIPPED |'));
  assert.ok(md.includes('| `nat-log` | pantavisor logs its NAT setup | pantavisor.log has `[ipam] "setup NAT"` | an older pantavisor |'));
  assert.equal(sourceArtifact(plan, 'pv-example-net-pvcnet+baked-net'), 'pv-example-net-pvcnet');
  assert.equal(sourceArtifact({ ...plan, derivedArtifacts: { 'x+y': { from: 'x', edits: [] } } }, 'x+y'), 'x');
  assert.equal(sourceArtifact(plan, 'plain'), 'plain');
});

test("buildTargets: the plan's list, then what a scenario stages that it lacks; derived artifacts build their source", () => {
  const plan = realPlan();
  assert.deepEqual(buildTargets(plan), plan.plan.buildTargets);
  plan.plan.buildTargets = ['pv-example-device-ipam'];
  const t = buildTargets(plan);
  assert.equal(t[0], 'pv-example-device-ipam');
  assert.ok(t.includes('pv-example-net-pvcnet'));
  assert.ok(!t.some((x) => x.includes('+')));
  assert.equal(t[t.length - 1], 'pantavisor-appengine');
});

test('inline escapes Markdown outside code spans only', () => {
  assert.equal(inline('lxc.net.* entries, lxc.net.* again'), 'lxc.net.\\* entries, lxc.net.\\* again');
  assert.equal(inline('a <name> tag'), 'a \\<name\\> tag');
  assert.equal(inline('_pv_run and pv_state_run'), '\\_pv_run and pv_state_run');
  assert.equal(inline('the rule `ip saddr x | y` and a|b', true), 'the rule `ip saddr x \\| y` and a\\|b');
  assert.equal(inline('`lxc.net.*` stays'), '`lxc.net.*` stays');
  assert.equal(inline('a `stray backtick'), 'a \\`stray backtick');
  assert.equal(inline('two\nlines'), 'two lines');
  assert.equal(inline('INFO\\t -- [ipam]'), 'INFO\\t -- [ipam]');
  assert.equal(inline('a \\* b'), 'a \\\\\\* b');
});

test("docSettings: the toolkit defaults, which are the plan's values", () => {
  const st = docSettings();
  assert.equal(st.container, 'pva-test');
  assert.equal(st.artifacts, 'build/tmp-scarthgap/deploy/images/docker-x86_64');
  assert.equal(st.externalHost, DEFAULTS.EXTERNAL_HOST);
  const other = planMarkdown(realPlan(), { ...st, container: 'other' });
  assert.ok(other.includes('docker exec other lxc-ls -f'));
  // EXTERNAL_HOST reaches the document's pings (a documentation address here: tests name no real host)
  const host = docSettings({ ...DEFAULTS, EXTERNAL_HOST: '198.51.100.1' });
  assert.equal(host.externalHost, '198.51.100.1');
  assert.ok(planMarkdown(realPlan(), host).includes('pventer -c pv-example-net-server ping -c 2 198.51.100.1'));
});

test('docs/testplan-ipam.md is up to date with scenarios.json (run make plan)', () => {
  const committed = readFileSync(new URL('../docs/testplan-ipam.md', import.meta.url), 'utf8');
  assert.ok(committed === planMarkdown(realPlan()), 'docs/testplan-ipam.md is out of date with scenarios.json; run make plan');
});
