// "did not boot" (lib/judge/did-not-boot.ts): the tails of pv-appengine.out and pantavisor.log, fetched
// in one shell and split back, and the scenario's one ERROR line that quotes them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { didNotBootLine, didNotBootQuote, parseTails, tailsScript } from '../lib/judge/did-not-boot.ts';

test('tailsScript + parseTails: the last lines of each file; an absent or empty file says so', () => {
  const dir = mkdtempSync(`${tmpdir()}/pv-dnb-`);
  try {
    // the IPAM-era boot: pv-appengine's mount error, and no pantavisor.log at all
    const out = `${dir}/pv-appengine.out`;
    writeFileSync(out, Array.from({ length: 12 }, (_, i) => `line ${i}`).join('\n') + '\nmount: /volumes: special device /var/run/pv/volumes does not exist.\n');
    const r = spawnSync('sh', ['-c', tailsScript(out, `${dir}/pantavisor.log`, 3)], { encoding: 'utf8' });
    const t = parseTails(r.stdout);
    assert.deepEqual(t.appengineOut, ['line 10', 'line 11', 'mount: /volumes: special device /var/run/pv/volumes does not exist.']);
    assert.deepEqual(t.pantavisorLog, [`(no ${dir}/pantavisor.log, or it is empty)`]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("didNotBootLine: one line naming the wait, what was last seen and both logs' last lines", () => {
  const d = { waitedMs: 90_200, lastSeen: 'boot-settled: no pantavisor.log', appengineOut: ['Pantavisor starting...'], pantavisorLog: ['(no /x/pantavisor.log, or it is empty)'] };
  assert.equal(
    didNotBootLine(d),
    'did not boot: not ready after 90 s (last seen: boot-settled: no pantavisor.log); pv-appengine.out ends: Pantavisor starting...; pantavisor.log ends: (no /x/pantavisor.log, or it is empty)',
  );
  assert.deepEqual(didNotBootQuote(d), ['  last lines of pv-appengine.out:', '    | Pantavisor starting...', '  last lines of pantavisor.log:', '    | (no /x/pantavisor.log, or it is empty)']);
});
