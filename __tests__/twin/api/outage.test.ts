// The API outage of a control plane without quorum: every master rebooted at once takes the API away
// (connections refused, open watches reset) until quorum is back plus apiRecoverySeconds; one master
// at a time (an MCO rollout) does not. The nodes' SSH servers do not depend on the API.
import { request as httpsRequest } from 'node:https';
import { afterEach, describe, expect, it } from 'vitest';
import { startTwin, type Twin } from '../index.ts';
import { OpenSshClient } from '../ssh/test-support.ts';
import { rawRequest } from './fixture.ts';

const SCENARIO = {
  version: '4.14.12',
  nodes: ['master-0', 'master-1', 'master-2', 'worker-0'].map((name) => ({ name })),
  podsPerNode: 0,
};

let twin: Twin | undefined;
afterEach(async () => {
  await twin?.stop();
  twin = undefined;
});

const apiOf = (t: Twin) => ({ url: t.apiUrl, caPem: t.caPem, adminToken: t.adminToken });

async function until(what: string, cond: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Opens a watch on nodes; resolves with how the stream ended once it does. */
function openWatch(t: Twin): { opened: Promise<void>; ended: Promise<string> } {
  let onOpen: () => void = () => {};
  const opened = new Promise<void>((r) => (onOpen = r));
  const ended = new Promise<string>((resolve) => {
    const req = httpsRequest(
      new URL('/api/v1/nodes?watch=true', t.apiUrl),
      { ca: t.caPem, headers: { Authorization: `Bearer ${t.adminToken}` } },
      (res) => {
        onOpen();
        res.on('data', () => {});
        res.on('end', () => resolve('end'));
        res.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
        res.on('aborted', () => resolve('aborted'));
      },
    );
    req.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    req.end();
  });
  return { opened, ended };
}

describe('API outage while the control plane lacks quorum', () => {
  it('all masters rebooting: connections refused and watches reset until quorum + recovery; SSH stays up', async () => {
    twin = await startTwin({
      ...SCENARIO,
      timing: { msPerSecond: 5, rebootSeconds: 40 },
      realism: { apiRecoverySeconds: 60 },
    });
    const t = twin;
    expect((await rawRequest(apiOf(t) as never, 'GET', '/api/v1/nodes')).status).toBe(200);
    const watch = openWatch(t);
    await watch.opened;
    for (const m of ['master-0', 'master-1', 'master-2']) t.controllers.scheduleReboot(m, 0, 'test');
    await until('the API to go down', () => t.api.down);
    expect(await watch.ended).toMatch(/ECONNRESET|aborted|end/);
    await expect(rawRequest(apiOf(t) as never, 'GET', '/api/v1/nodes')).rejects.toThrow(/ECONNREFUSED/);
    // The worker's SSH server does not care about the API.
    const ssh = new OpenSshClient({
      port: t.ssh.port,
      clientPrivateKey: t.ssh.clientPrivateKey,
      nodes: t.nodes,
    } as never);
    try {
      const r = await ssh.run(t.nodes.find((n) => n.name === 'worker-0')!.addresses[0], 'hostname');
      expect(r.stdout.trim()).toBe('worker-0');
    } finally {
      ssh.cleanup();
    }
    // Masters back after 40 virtual s; the API only 60 virtual s after that.
    await until(
      'the masters to boot',
      () => t.controllers.rebootCount('master-2') === 1 && t.controllers.isUp('master-2'),
    );
    const quorumAt = performance.now();
    expect(t.api.down).toBe(true);
    await until('the API to come back', () => !t.api.down);
    expect(performance.now() - quorumAt).toBeGreaterThanOrEqual(t.clock.toMs(60) * 0.8);
    expect((await rawRequest(apiOf(t) as never, 'GET', '/api/v1/nodes')).status).toBe(200);
    expect(t.api.outages()).toBe(1);
    const verbs = t.timeline.entries.filter((e) => e.actor === 'kube-apiserver').map((e) => e.verb);
    expect(verbs).toEqual(['outage', 'quorum', 'recovered']);
  });

  it('one master at a time keeps quorum: no outage', async () => {
    twin = await startTwin({ ...SCENARIO, timing: { msPerSecond: 2, rebootSeconds: 20 } });
    const t = twin;
    t.controllers.scheduleReboot('master-0', 0, 'test');
    await until('master-0 down', () => !t.controllers.isUp('master-0'));
    expect(t.api.down).toBe(false);
    expect((await rawRequest(apiOf(t) as never, 'GET', '/api/v1/nodes')).status).toBe(200);
    await until('master-0 back', () => t.controllers.isUp('master-0'));
    expect(t.api.outages()).toBe(0);
  });

  it('realism.apiOutage: false keeps the API up whatever reboots', async () => {
    twin = await startTwin({
      ...SCENARIO,
      timing: { msPerSecond: 2, rebootSeconds: 20 },
      realism: { apiOutage: false },
    });
    const t = twin;
    for (const m of ['master-0', 'master-1', 'master-2']) t.controllers.scheduleReboot(m, 0, 'test');
    await until('masters down', () => !t.controllers.isUp('master-2'));
    expect(t.api.down).toBe(false);
    expect((await rawRequest(apiOf(t) as never, 'GET', '/api/v1/nodes')).status).toBe(200);
  });
});
