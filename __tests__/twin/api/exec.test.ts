// pods/exec against a whole twin, with the real kubectl and with client-node's Exec: the MCD pod's exec
// runs in its node's shell (boot ID, exit codes on the status channel), a reboot sent through it drops
// nothing it should not and bumps the boot ID, and the refusals (403, missing pod, pod not Running, a
// hanging stream) look as they do on a real cluster. The gcloud kubectl dispatcher picks the client by
// server version: the 4.6 twin (Kubernetes 1.19) gets kubectl 1.32, which speaks WebSocket first.
import { Exec, KubeConfig, type V1Status } from '@kubernetes/client-node';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../fidelity-support.ts';
import { startTwin, type Twin } from '../index.ts';
import { findType } from '../resources.ts';
import type { KObject } from '../store.ts';

const MCO = 'openshift-machine-config-operator';
const PODS = findType('', 'pods')!;
let twin: Twin;

beforeAll(async () => {
  twin = await startTwin(join(import.meta.dirname, '../scenarios/ocp-4.6.yaml'));
});
afterAll(async () => {
  await twin.stop();
});

function mcdPodOn(node: string): KObject {
  const pod = twin.store
    .list(PODS, MCO)
    .find(
      (p) =>
        p.metadata.name.startsWith('machine-config-daemon-') &&
        (p.spec as { nodeName?: string }).nodeName === node,
    );
  if (!pod) throw new Error(`no MCD pod on ${node}`);
  return pod;
}

function bootIdOf(node: string): string {
  const n = twin.store.get(findType('', 'nodes')!, undefined, node);
  return (n?.status as { nodeInfo: { bootID: string } }).nodeInfo.bootID;
}

const kubectl = (args: string[], kubeconfig = twin.kubeconfigPath) =>
  run('/usr/bin/kubectl', ['--kubeconfig', kubeconfig, ...args], { ...process.env, HOME: twin.dir });

function collect(): { stream: Writable; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      text += chunk.toString();
      cb();
    },
  });
  return { stream, text: () => text };
}

describe('pods/exec on the machine-config-daemon pods', () => {
  it('kubectl exec … chroot /rootfs cat boot_id answers with the node boot ID, over WebSocket v5', async () => {
    const node = twin.nodes[0].name;
    const pod = mcdPodOn(node).metadata.name;
    const r = await kubectl([
      'exec',
      '-n',
      MCO,
      pod,
      '-c',
      'machine-config-daemon',
      '--',
      'chroot',
      '/rootfs',
      'cat',
      '/proc/sys/kernel/random/boot_id',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(bootIdOf(node));
    // kubectl used the WebSocket protocol, not its SPDY fallback.
    expect(twin.timeline.counters.get('exec v5.channel.k8s.io')).toBeGreaterThanOrEqual(1);
    expect(twin.timeline.counters.get('exec spdy') ?? 0).toBe(0);
  });

  it('kubectl exec reports a non-zero exit code from the status channel', async () => {
    const pod = mcdPodOn(twin.nodes[0].name).metadata.name;
    const r = await kubectl(['exec', '-n', MCO, pod, '--', 'chroot', '/rootfs', 'sh', '-c', 'test -e /nope']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('command terminated with exit code 1');
  });

  it("client-node's Exec gets stdout and the NonZeroExitCode status with its ExitCode cause", async () => {
    const kc = new KubeConfig();
    kc.loadFromFile(twin.kubeconfigPath);
    const node = twin.nodes[1].name;
    const pod = mcdPodOn(node).metadata.name;
    const runExec = (argv: string[]) =>
      new Promise<{ status: V1Status; out: string }>((resolve, reject) => {
        const out = collect();
        new Exec(kc)
          .exec(MCO, pod, 'machine-config-daemon', argv, out.stream, null, null, false, (status) =>
            resolve({ status, out: out.text() }),
          )
          .catch(reject);
      });
    const ok = await runExec(['chroot', '/rootfs', 'hostname']);
    expect(ok.status.status).toBe('Success');
    expect(ok.out.trim()).toBe(node);
    const failed = await runExec(['chroot', '/rootfs', 'sh', '-c', 'false']);
    expect(failed.status).toMatchObject({
      status: 'Failure',
      reason: 'NonZeroExitCode',
      details: { causes: [{ reason: 'ExitCode', message: '1' }] },
    });
  });

  it('a reboot through the exec bumps the boot ID', async () => {
    const node = twin.nodes[twin.nodes.length - 1].name;
    const before = bootIdOf(node);
    const pod = mcdPodOn(node).metadata.name;
    const r = await kubectl(['exec', '-n', MCO, pod, '--', 'chroot', '/rootfs', 'systemctl', 'reboot']);
    // The session may end with the node (no status), or just before it went down.
    expect([0, 1]).toContain(r.code);
    await expect.poll(() => bootIdOf(node), { timeout: 20_000, interval: 100 }).not.toBe(before);
    expect(twin.timeline.entries.some((e) => e.actor === 'exec:system:admin' && e.verb === 'reboot')).toBe(
      true,
    );
  });

  it('refuses with 403 when exec is forbidden, 404 for a missing pod and 400 for a pod not Running', async () => {
    const pod = mcdPodOn(twin.nodes[0].name);
    twin.faults.add({ kind: 'exec-forbidden' });
    try {
      const r = await kubectl(['exec', '-n', MCO, pod.metadata.name, '--', 'true']);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain(
        `cannot create resource "pods/exec" in API group "" in the namespace "${MCO}"`,
      );
    } finally {
      twin.faults.clear('exec-forbidden');
    }
    const missing = await kubectl(['exec', '-n', MCO, 'machine-config-daemon-zzzzz', '--', 'true']);
    expect(missing.stderr).toContain('pods "machine-config-daemon-zzzzz" not found');
    twin.store.mutate(PODS, MCO, pod.metadata.name, 'test', (p) => {
      (p.status as { phase: string }).phase = 'Pending';
    });
    const pending = await kubectl(['exec', '-n', MCO, pod.metadata.name, '--', 'true']);
    expect(pending.code).not.toBe(0);
    expect(pending.stderr).toContain('container not found');
  });
});
