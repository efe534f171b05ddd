// ApiNodeAccess against a whole twin: commands run as root on the node through its MCD pod, exit codes
// come from the status channel, a refusal (403) names the permission, a hanging stream ends at the
// timeout, the cancel gate stops an exec before it is sent, an exec retries through an API outage, and a
// pod replaced under it is found again by node name.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster } from '../../src/cluster/client.ts';
import { ApiNodeAccess, MCO_NAMESPACE } from '../../src/nodes/api-access.ts';
import { isAbortError } from '../../src/util/abort.ts';
import { MemoryLogger } from '../../src/util/log.ts';
import { startTwin, type Twin } from '../twin/index.ts';
import { findType } from '../twin/resources.ts';

const PODS = findType('', 'pods')!;
let twin: Twin;
let log: MemoryLogger;

beforeAll(async () => {
  twin = await startTwin(join(import.meta.dirname, '../twin/scenarios/ocp-4.14.yaml'));
});
afterAll(async () => {
  await twin.stop();
});

function access(gate?: AbortSignal): ApiNodeAccess {
  log = new MemoryLogger();
  const cluster = Cluster.fromKubeconfig(twin.kubeconfig, undefined, log);
  return new ApiNodeAccess(gate ? cluster.withCancelGate(gate) : cluster, log, {
    attempts: 4,
    initialMs: 50,
    maxMs: 200,
  });
}

const target = (i = 0) => ({ name: twin.nodes[i].name, addresses: twin.nodes[i].addresses });

describe('ApiNodeAccess', () => {
  it('runs the command as root in the node shell and reads the exit code from the status channel', async () => {
    const a = access();
    const ok = await a.exec(target(), 'whoami && hostname');
    expect(ok).toMatchObject({ code: 0, stdout: `root\n${twin.nodes[0].name}\n` });
    expect(ok.address).toMatch(/^pod\/machine-config-daemon-/);
    const failed = await a.exec(target(), 'test -e /nope');
    expect(failed.code).toBe(1);
    expect(twin.timeline.counters.get('ssh connect') ?? 0).toBe(0);
  });

  it('names the permission when exec is refused (403), without retrying', async () => {
    twin.faults.add({ kind: 'exec-forbidden' });
    try {
      await expect(access().exec(target(), 'true')).rejects.toThrow(
        /refused: .*cannot create resource "pods\/exec".* needs "create pods\/exec" in openshift-machine-config-operator/,
      );
    } finally {
      twin.faults.clear('exec-forbidden');
    }
  });

  it('ends a hanging stream at the timeout, saying the command may have run', async () => {
    twin.faults.add({ kind: 'exec-hang', node: twin.nodes[1].name });
    try {
      await expect(access().exec(target(1), 'true', { timeoutMs: 300 })).rejects.toThrow(
        /was lost while the command ran \(it may or may not have completed\): no status within/,
      );
    } finally {
      twin.faults.clear('exec-hang');
    }
  });

  it('refuses to start an exec once the cancel gate closed', async () => {
    const gate = new AbortController();
    gate.abort();
    const before = twin.timeline.counters.get('create pods/exec') ?? 0;
    const err = await access(gate.signal)
      .exec(target(), 'true')
      .catch((e: unknown) => e);
    expect(isAbortError(err)).toBe(true);
    expect(twin.timeline.counters.get('create pods/exec') ?? 0).toBe(before);
  });

  it('retries through an API outage and finds a replaced pod again by node name', async () => {
    const a = access();
    await a.exec(target(), 'true'); // caches the pod
    const node = twin.nodes[0].name;
    const old = twin.store
      .list(PODS, MCO_NAMESPACE)
      .find(
        (p) =>
          p.metadata.name.startsWith('machine-config-daemon-') &&
          (p.spec as { nodeName?: string }).nodeName === node,
      )!;
    twin.store.delete(PODS, MCO_NAMESPACE, old.metadata.name, 'test');
    const { uid: _uid, resourceVersion: _rv, ...meta } = old.metadata;
    twin.store.create({ ...old, metadata: { ...meta, name: 'machine-config-daemon-zzzzz' } }, 'test');
    await twin.api.suspend();
    setTimeout(() => void twin.api.resume(), 150);
    const r = await a.exec(target(), 'hostname');
    expect(r).toMatchObject({ code: 0, address: 'pod/machine-config-daemon-zzzzz' });
    expect(log.lines.map((l) => l.msg).join('\n')).toMatch(/retrying/);
  });
});
