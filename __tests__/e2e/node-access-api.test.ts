// node-access: api end to end — dist/index.js with no SSH key at all: every node command (the sudo/MTU
// probe, the etcd backup, the reboots) goes through pods/exec into the nodes' machine-config-daemon
// pods, and the twin's SSH servers see no connection. The plan says which access and why; the api
// preflight refuses, naming the node, when exec is not permitted or a node has no MCD pod.
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/twin-action.ts';
import { findType } from '../twin/resources.ts';

const MCO = 'openshift-machine-config-operator';
const PODS = findType('', 'pods')!;
// No key, no known_hosts: api access needs neither.
const NO_SSH = { 'ssh-private-key': '', 'ssh-known-hosts': '' };

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

function execReboots(h: Harness): string[] {
  return h.twin.timeline.entries
    .filter((e) => e.actor.startsWith('exec:') && e.verb === 'reboot')
    .map((e) => e.object)
    .sort();
}

describe.each([
  { variant: '4.6 (variant A)', scenario: '__tests__/twin/scenarios/ocp-4.6.yaml' },
  { variant: '4.14 (variant B)', scenario: '__tests__/twin/scenarios/ocp-4.14.yaml' },
])('mode: migrate on $variant with node-access: api and no SSH key', ({ scenario }) => {
  it('migrates, reboots every node once through its MCD pod, and never connects over SSH', async () => {
    h = await startHarness(scenario);
    const run = await h.run({ ...NO_SSH, 'node-access': 'api' });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.outputs.result).toBe('migrated');
    expect(h.twin.timeline.counters.get('ssh connect') ?? 0).toBe(0);
    expect(h.twin.timeline.counters.get('ssh exec') ?? 0).toBe(0);
    expect(execReboots(h)).toEqual(h.twin.scenario.nodes.map((n) => `Node/${n.name}`).sort());
    expect(run.stdout).toContain('Nodes are reached through the API: pods/exec');
    expect(run.summary).toContain('Nodes are reached through the API: pods/exec');
    // The etcd backup ran through the API too.
    expect(run.stdout).toMatch(/etcd backup saved on master-\d/);
  });
});

describe('node-access in a plan and in preflight', () => {
  it('auto without a key picks api and says why', async () => {
    h = await startHarness('__tests__/twin/scenarios/ocp-4.14.yaml');
    const run = await h.run({ ...NO_SSH, mode: 'plan' });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain(
      "Nodes are reached through the API: pods/exec into each node's machine-config-daemon pod, chroot /rootfs (node-access: auto, and no ssh-private-key is set)",
    );
    expect(run.stdout).toMatch(
      /preflight-node-access-exec|A command runs on every node through its machine-config-daemon pod/,
    );
    expect(run.summary).toContain('node-access: auto, and no ssh-private-key is set');
    expect(h.twin.timeline.counters.get('ssh connect') ?? 0).toBe(0);
  });

  it('refuses when pods/exec is not permitted', async () => {
    h = await startHarness('__tests__/twin/scenarios/ocp-4.14.yaml');
    h.twin.faults.add({ kind: 'exec-forbidden' });
    const run = await h.run({ ...NO_SSH, 'node-access': 'api' });
    expect(run.code).not.toBe(0);
    expect(run.stdout + run.stderr).toContain(`may not create pods/exec in ${MCO}`);
    expect(h.twin.timeline.entries.some((e) => e.verb === 'reboot')).toBe(false);
  });

  it('refuses when a node has no machine-config-daemon pod, naming the node', async () => {
    h = await startHarness('__tests__/twin/scenarios/ocp-4.14.yaml');
    const node = h.twin.scenario.nodes[h.twin.scenario.nodes.length - 1].name;
    const pod = h.twin.store
      .list(PODS, MCO)
      .find(
        (p) =>
          p.metadata.name.startsWith('machine-config-daemon-') &&
          (p.spec as { nodeName?: string }).nodeName === node,
      )!;
    h.twin.store.delete(PODS, MCO, pod.metadata.name, 'test');
    const run = await h.run({ ...NO_SSH, 'node-access': 'api' });
    expect(run.code).not.toBe(0);
    expect(run.stdout + run.stderr).toContain(`${node}: no machine-config-daemon pod`);
    expect(h.twin.timeline.entries.some((e) => e.verb === 'reboot')).toBe(false);
  });
});

describe('a runner killed during the API reboot fan-out, then a new run', () => {
  it.each(['4.14.12', '4.6.21'])('%s: no node is rebooted twice by the action', async (version) => {
    h = await startHarness({
      version,
      nodes: [
        { name: 'master-0', pool: 'master' },
        { name: 'worker-0', pool: 'worker' },
        { name: 'worker-1', pool: 'worker' },
      ],
      pools: [{ name: 'master' }, { name: 'worker' }],
      podsPerNode: 1,
      timing: { msPerSecond: 2 },
    });
    const stop = new AbortController();
    let out = '';
    const inputs = { ...NO_SSH, 'node-access': 'api' };
    const first = await h.run(inputs, {
      kill: stop.signal,
      onStdout: (chunk: string) => {
        out += chunk;
        if (/reboot command sent via pod\//.test(out)) stop.abort();
      },
    });
    expect(first.signal).toBe('SIGKILL');
    const second = await h.run(inputs);
    expect(second.code, second.stdout.slice(-4000)).toBe(0);
    expect(['migrated', 'already-migrated']).toContain(second.outputs.result);
    const byAction = new Map<string, number>();
    for (const node of execReboots(h)) byAction.set(node, (byAction.get(node) ?? 0) + 1);
    for (const n of h.twin.scenario.nodes) {
      expect(byAction.get(`Node/${n.name}`), `action reboots of ${n.name}`).toBe(1);
      // The documented count: the MCO's rollout reboot plus the action's one.
      expect(h.twin.controllers.rebootCount(n.name), `reboots of ${n.name}`).toBeLessThanOrEqual(2);
    }
    expect(h.twin.timeline.counters.get('ssh connect') ?? 0).toBe(0);
  });
});
