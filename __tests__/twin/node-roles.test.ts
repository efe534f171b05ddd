// Node roles and cordoning: a compact cluster's masters carry the worker role too (and no NoSchedule
// taint) yet stay in pool master; infra nodes may be workers as well; `kubectl cordon` / `uncordon`
// set spec.unschedulable and the node lifecycle controller adds or removes the matching taint.
import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tool } from '../helpers/tools.ts';
import { findType } from './resources.ts';
import { startTwin, type Twin } from './index.ts';

let twin: Twin;
beforeAll(async () => {
  twin = await startTwin({
    version: '4.14.12',
    pools: [{ name: 'infra' }],
    nodes: [
      { name: 'master-0', roles: ['worker'] },
      { name: 'master-1', roles: ['worker'] },
      { name: 'master-2', roles: ['worker'] },
      { name: 'infra-0', pool: 'infra', roles: ['worker'] },
      { name: 'worker-0', unschedulable: true },
    ],
    timing: { msPerSecond: 2 },
  });
});
afterAll(async () => {
  await twin?.stop();
});

function kubectl(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) =>
    execFile(
      tool('kubectl'),
      ['--kubeconfig', twin.kubeconfigPath, ...args],
      { env: { PATH: process.env.PATH ?? '', HOME: twin.dir }, timeout: 30_000 },
      (err, stdout, stderr) => resolve({ code: err ? Number(err.code) || 1 : 0, stdout, stderr }),
    ),
  );
}

const NODES = findType('', 'nodes')!;
const POOLS = findType('machineconfiguration.openshift.io', 'machineconfigpools')!;
type Spec = { unschedulable?: boolean; taints?: { key: string; effect: string }[] };
const spec = (name: string) => (twin.store.get(NODES, undefined, name)!.spec ?? {}) as Spec;
const taintKeys = (name: string) => (spec(name).taints ?? []).map((t) => t.key);

async function until(what: string, ok: () => boolean): Promise<void> {
  const end = Date.now() + 10_000;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('node roles', () => {
  it('labels every role, keeps compact masters schedulable and in pool master, infra+worker in infra', async () => {
    const r = await kubectl(['get', 'nodes', '--no-headers']);
    expect(r.code, r.stderr).toBe(0);
    const roles = Object.fromEntries(
      r.stdout
        .trim()
        .split('\n')
        .map((l) => l.split(/\s+/))
        .map((c) => [c[0], c[2]]),
    );
    expect(roles).toMatchObject({
      'master-0': 'control-plane,master,worker',
      'infra-0': 'infra,worker',
      'worker-0': 'worker',
    });
    expect(taintKeys('master-0')).toEqual([]);
    const machines = (pool: string) =>
      (twin.store.get(POOLS, undefined, pool)!.status as { machineCount: number }).machineCount;
    expect([machines('master'), machines('infra'), machines('worker')]).toEqual([3, 1, 1]);
  });

  it('seeds a cordoned node, and cordon/uncordon keep spec.unschedulable and the taint together', async () => {
    expect(spec('worker-0').unschedulable).toBe(true);
    expect(taintKeys('worker-0')).toEqual(['node.kubernetes.io/unschedulable']);
    expect((await kubectl(['get', 'node', 'worker-0', '--no-headers'])).stdout).toMatch(
      /Ready,SchedulingDisabled/,
    );

    expect((await kubectl(['cordon', 'infra-0'])).stdout).toBe('node/infra-0 cordoned\n');
    await until('the unschedulable taint on infra-0', () =>
      taintKeys('infra-0').includes('node.kubernetes.io/unschedulable'),
    );
    expect(
      twin.timeline.entries.some(
        (e) => e.actor === 'node-lifecycle-controller' && e.object === 'Node/infra-0',
      ),
    ).toBe(true);

    expect((await kubectl(['uncordon', 'infra-0'])).stdout).toBe('node/infra-0 uncordoned\n');
    await until('the taint gone from infra-0', () => taintKeys('infra-0').length === 0);
    expect(spec('infra-0').unschedulable).toBeFalsy();
  });
});
