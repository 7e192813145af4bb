import { test } from 'node:test';
import assert from 'node:assert/strict';
import { actionOutcome, allowedStatuses, oneLine } from '../lib/run/step-outcome.ts';
import { commandsOf, programsOf } from '../lib/tooling/shell-words.ts';
import { missingTools, missingToolsLine, preflightScript, scenarioTools } from '../lib/run/preflight.ts';
import { readFileSync } from 'node:fs';
import { parsePlan, type Step } from '../lib/plan/scenarios.ts';

const loadPlanFile = () => parsePlan(readFileSync(new URL('../scenarios.json', import.meta.url), 'utf8'), readFileSync(new URL('../scenarios.schema.json', import.meta.url), 'utf8'));

const step = (over: Partial<Step> = {}): Step => ({ id: 'after-relaunch', run: 'kill -9 $(pgrep -o -x pantavisor)', waitFor: [], checks: [], ...over });

test('actionOutcome: 0 ok; 126/127, a shell "not found" and any status the step does not allow are one ERROR line with command, status and output', () => {
  assert.deepEqual(actionOutcome(step(), 0, ''), { ok: true });
  // the relaunch step on an image without pgrep (observed §13): busybox kill with no pid exits 1
  const noPgrep = actionOutcome(step(), 1, 'sh: pgrep: not found\nkill: usage: kill [-s SIGNAL | -SIGNAL] PID...\n');
  assert.equal(noPgrep.ok, false);
  assert.equal(
    !noPgrep.ok && noPgrep.line,
    "step 'after-relaunch': kill -9 $(pgrep -o -x pantavisor) exited 1, a command it runs is missing: sh: pgrep: not found | kill: usage: kill [-s SIGNAL | -SIGNAL] PID...",
  );
  const r127 = actionOutcome(step({ run: 'pvcontrol containers stop x' }), 127, "timeout: can't execute 'pvcontrol': No such file or directory");
  assert.match(!r127.ok ? r127.line : '', /^step 'after-relaunch': pvcontrol containers stop x exited 127 \(command not found\): timeout: can't execute/);
  assert.match((actionOutcome(step(), 126, 'Permission denied') as { line: string }).line, /exited 126 \(not executable\)/);
  // a real pvcontrol stop returns 255 (observed §1): allowed where the step says so, an ERROR elsewhere
  const stop = step({ id: 'after-stop', run: 'pvcontrol containers stop pv-example-ipam-valid', allowStatus: [0, 255], allowStatusWhy: 'observed §1' });
  assert.deepEqual(actionOutcome(stop, 255, '\n'), { ok: true });
  assert.deepEqual(allowedStatuses(step()), [0]);
  const e = actionOutcome(stop, 1, '{"Error":"Container not found"}');
  assert.equal(!e.ok && e.line, `step 'after-stop': pvcontrol containers stop pv-example-ipam-valid exited 1, which the scenario does not allow (allowed: 0, 255): {"Error":"Container not found"}`);
  // even an allowed status is an ERROR when a command was not found
  assert.equal(actionOutcome(stop, 255, 'sh: pvcontrol: command not found').ok, false);
  assert.equal(oneLine(''), '(no output)');
  assert.equal(oneLine('x'.repeat(500)).length, 240);
});

test('shell-words: the programs of a command line, including $(...), backticks, pipes, lists, if/for bodies; no builtins, assignments, redirections or expansions', () => {
  assert.deepEqual(programsOf('kill -9 $(pgrep -o -x pantavisor)'), ['pgrep']);
  assert.deepEqual(commandsOf('kill -9 $(pgrep -o -x pantavisor)'), ['pgrep', 'kill']);
  assert.deepEqual(programsOf('kill -9 $(lxc-info -n pv-example-net-server -p -H)'), ['lxc-info']);
  assert.deepEqual(programsOf('pvcontrol containers stop pv-example-net-server'), ['pvcontrol']);
  assert.deepEqual(programsOf('for b in nft iptables; do p=$(command -v $b) && mv "$p" "$p.hidden"; done; true'), ['mv']);
  assert.deepEqual(programsOf('timeout -k 2 20 lxc-ls -f 2>/dev/null; rc=$?'), ['timeout', 'lxc-ls']);
  assert.deepEqual(programsOf(`pventer -c 'pv-example-net-client' ping -c 2 -W 1 '198.51.100.1' > "$d/3" 2>&1; echo $? > "$d/3.rc"`), ['pventer']);
  assert.deepEqual(programsOf('cat /x | grep -v `which foo` && echo "$(date)"'), ['cat', 'which', 'grep', 'date']);
  assert.deepEqual(programsOf('if a; then b 2>&1 | c; else d; fi'), ['a', 'b', 'c', 'd']);
  assert.deepEqual(programsOf('X=1 env Y=2 foo >>/log'), ['env', 'foo']);
  assert.deepEqual(programsOf('s=$(wc -c < /f 2>/dev/null) || { echo MISSING; exit 0; }; tail -c +5 /f'), ['wc', 'tail']);
  assert.deepEqual(programsOf('$CMD arg; "$x" y'), []);
  assert.deepEqual(programsOf('nft.hidden list ruleset # a comment: rm'), ['nft.hidden']);
  assert.deepEqual(programsOf("echo 'unclosed"), []);
});

test('preflight: the tools of every scenario (steps, the gathering of what its checks read), one quoted word each; missing ones named with who needs them', () => {
  const plan = loadPlanFile();
  const paths = { deviceJsonFile: '/var/pantavisor/storage/trails/0/device.json', logFile: '/l', appengineOut: '/o' };
  const tools = (id: string) => [...scenarioTools(plan.scenarios.find((s) => s.id === id)!, paths).keys()];
  assert.deepEqual(tools('relaunch'), ['timeout', 'cat', 'tail', 'wc', 'setsid', 'pgrep', 'lxc-ls', 'nft', 'pventer']);
  assert.deepEqual(tools('auto-recovery'), ['timeout', 'cat', 'tail', 'wc', 'setsid', 'lxc-info', 'lxc-ls']);
  assert.deepEqual(tools('6'), ['timeout', 'cat', 'tail', 'wc', 'setsid', 'pvcontrol', 'lxc-ls']);
  // no-nat-backend gathers the ruleset with the nft its before-boot command hid
  assert.ok(tools('no-nat-backend').includes('nft.hidden') && !tools('no-nat-backend').includes('nft'));
  // only iptables-fallback reads iptables (and requires the capability: probed, SKIPPED when absent)
  assert.deepEqual(plan.scenarios.filter((s) => tools(s.id).includes('iptables')).map((s) => s.id), ['iptables-fallback']);
  // a scenario whose checks read no nft output does not need nft (an image without it still runs it)
  assert.ok(!tools('7').includes('nft'));
  const need = scenarioTools(plan.scenarios.find((s) => s.id === 'relaunch')!, paths);
  assert.equal(preflightScript(['pgrep', "it's"]), `for t in pgrep "it's"; do command -v "$t" >/dev/null 2>&1 || echo "$t"; done; true`);
  assert.deepEqual(missingTools('pgrep\nnoise\n', ['pgrep', 'nft']), ['pgrep']);
  assert.equal(
    missingToolsLine('relaunch', 'img:1', ['pgrep'], need),
    'Test relaunch: the image img:1 has no command pgrep (step after-relaunch: kill -9 $(pgrep -o -x pantavisor)); nothing was booted',
  );
});
