// A 500-node twin (scenarios/ocp-4.14-500.yaml, nodeSets) starts in under 10 s with every node served
// by the API and reachable over SSH; start time and memory are logged (README.md quotes them). The
// faults example (scenarios/ocp-4.14-faults.yaml) starts with its faults armed and they bite.
import {
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startTwin, type Twin } from './index.ts';
import { tool } from '../helpers/tools.ts';

const SCENARIOS = join(import.meta.dirname, 'scenarios');
const MB = (n: number) => Math.round((n / 1024 / 1024) * 10) / 10;

let twin: Twin | undefined;
afterEach(async () => {
  await twin?.stop();
  twin = undefined;
});

function ssh(
  t: Twin,
  address: string,
  command: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((res) =>
    execFile(
      tool('ssh'),
      [
        '-o',
        'BatchMode=yes',
        '-o',
        `UserKnownHostsFile=${t.ssh.knownHostsPath}`,
        '-o',
        'StrictHostKeyChecking=yes',
        '-i',
        t.ssh.keyPath,
        '-p',
        String(t.ssh.port),
        `core@${address}`,
        command,
      ],
      { timeout: 20_000 },
      (err, stdout, stderr) =>
        res({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    ),
  );
}

describe('twin at scale', () => {
  it('starts a 500-node scenario (time printed), serving every node over HTTPS and SSH', async () => {
    const before = process.memoryUsage();
    const started = performance.now();
    twin = await startTwin(join(SCENARIOS, 'ocp-4.14-500.yaml'));
    const startMs = performance.now() - started;
    const after = process.memoryUsage();
    console.log(
      `500-node twin: startTwin ${Math.round(startMs)} ms; rss ${MB(before.rss)} → ${MB(after.rss)} MB ` +
        `(+${MB(after.rss - before.rss)}), heapUsed ${MB(before.heapUsed)} → ${MB(after.heapUsed)} MB ` +
        `(+${MB(after.heapUsed - before.heapUsed)})`,
    );
    expect(twin.nodes).toHaveLength(500);
    expect(new Set(twin.nodes.map((n) => n.hostKeyFingerprint)).size).toBe(500);

    const kc = new KubeConfig();
    kc.loadFromString(twin.kubeconfig);
    const core = kc.makeApiClient(CoreV1Api);
    const listStarted = performance.now();
    const nodes = await core.listNode();
    console.log(`list 500 nodes: ${Math.round(performance.now() - listStarted)} ms`);
    expect(nodes.items).toHaveLength(500);
    expect(
      nodes.items.filter((n) => n.metadata?.labels?.['node-role.kubernetes.io/worker'] !== undefined),
    ).toHaveLength(497);
    const pools = (await kc.makeApiClient(CustomObjectsApi).listClusterCustomObject({
      group: 'machineconfiguration.openshift.io',
      version: 'v1',
      plural: 'machineconfigpools',
    })) as { items: { metadata: { name: string }; status: { machineCount: number } }[] };
    expect(Object.fromEntries(pools.items.map((p) => [p.metadata.name, p.status.machineCount]))).toEqual({
      master: 3,
      worker: 497,
    });

    // OpenShift's own ssh reaches the last node with the twin's key and known_hosts.
    const last = twin.nodes[499];
    const r = await ssh(twin, last.addresses[0], 'hostname; cat /sys/class/net/ens3/mtu');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`${last.name}\n9000\n`);

    const stopping = performance.now();
    await twin.stop();
    twin = undefined;
    console.log(`500-node twin: stop ${Math.round(performance.now() - stopping)} ms`);
  });

  it('the faults example starts with its faults armed, and they bite', async () => {
    twin = await startTwin(join(SCENARIOS, 'ocp-4.14-faults.yaml'));
    expect(twin.faults.list().map((f) => f.kind)).toEqual([
      'http-errors',
      'http-errors',
      'api-latency',
      'watch-cut',
      'ssh-latency',
      'ssh-reset',
      'sudo-password',
      'node-returns-notready',
      'pods-error-persist',
    ]);
    const kc = new KubeConfig();
    kc.loadFromString(twin.kubeconfig);
    // 429 once on the node list, then a normal answer.
    const core = kc.makeApiClient(CoreV1Api);
    const first = (await core.listNode().catch((e: unknown) => e)) as { code?: number };
    expect(first.code).toBe(429);
    expect((await core.listNode()).items).toHaveLength(7);
    // Two 503s on a pool patch, then it goes through.
    const custom = kc.makeApiClient(CustomObjectsApi);
    const patch = () =>
      custom.patchClusterCustomObject(
        {
          group: 'machineconfiguration.openshift.io',
          version: 'v1',
          plural: 'machineconfigpools',
          name: 'worker',
          body: { spec: { paused: true } },
        },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
    for (let i = 0; i < 2; i++)
      expect(((await patch().catch((e: unknown) => e)) as { code?: number }).code).toBe(503);
    expect(await patch()).toMatchObject({ spec: { paused: true } });
    expect(twin.faults.fired.get('http-errors')).toBe(3);
    // worker-3 answers on both its addresses; sudo there wants a password.
    const w3 = twin.nodes.find((n) => n.name === 'worker-3')!;
    expect(w3.addresses).toEqual(['127.0.9.4', '127.0.9.5']);
    const sudo = await ssh(twin, w3.addresses[1], 'sudo -n true');
    expect(sudo.code).toBe(1);
    expect(sudo.stderr).toContain('sudo: a password is required');
    expect(twin.faults.fired.get('sudo-password')).toBe(1);
  });
});
