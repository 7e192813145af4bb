import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePvcontrolContainers } from '../lib/parse/pvcontrol.ts';

const LS = '[{"name":"pv-example-net-client","group":"root","status":"STARTED","status_goal":"STARTED","restart_policy":"container","roles":["mgmt"],"user_stopped":"false"},' +
  '{"name":"pv-example-net-server","group":"root","status":"STOPPED","status_goal":"STARTED","restart_policy":"container","roles":[],"user_stopped":"true","auto_recovery":{"max_retries":3}}]\n\n';

test('containers ls JSON array followed by a blank line', () => {
  const containers = parsePvcontrolContainers(LS);
  assert.equal(containers?.length, 2);
  assert.deepEqual(containers?.[0], {
    name: 'pv-example-net-client', group: 'root', status: 'STARTED', status_goal: 'STARTED',
    restart_policy: 'container', roles: ['mgmt'], user_stopped: 'false',
  });
  assert.equal(containers?.[1].status, 'STOPPED');
  assert.deepEqual(containers?.[1].auto_recovery, { max_retries: 3 });
});

test('empty array', () => {
  assert.deepEqual(parsePvcontrolContainers('[]\n'), []);
});

test('non-JSON, error object or empty → undefined', () => {
  assert.equal(parsePvcontrolContainers(''), undefined);
  assert.equal(parsePvcontrolContainers('\n'), undefined);
  assert.equal(parsePvcontrolContainers('{"Error":"Container not found"}\n'), undefined);
  assert.equal(parsePvcontrolContainers('curl: (7) Failed to connect to socket\n'), undefined);
  assert.equal(parsePvcontrolContainers('[{"name":"x","status":"STARTED"'), undefined);
  assert.equal(parsePvcontrolContainers('[1,2]'), undefined);
});
