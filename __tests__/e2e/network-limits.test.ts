// Limits the network operator enforces, checked before the first change, through dist/index.js against
// the twin: mixed node MTUs with mtu unset, an mtu below 1280 with an IPv6 network, and a Geneve port
// the cluster already uses. Each is refused with the fix named and nothing written to the cluster (and
// nothing sent over SSH); the Geneve port is refused before the cluster is contacted at all.
import { afterEach, describe, expect, it } from 'vitest';
import { smallScenario, startHarness, type Harness } from '../helpers/twin-action.ts';
import type { ActionRun } from '../helpers/run-action.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

function expectRefused(run: ActionRun, message: RegExp): void {
  expect(run.code, run.stdout).toBe(1);
  expect(run.outputs.result).toBe('refused');
  expect(run.errors[0]).toMatch(message);
  expect(run.summary).toContain('No change was made to the cluster.');
  expect(h!.twin.timeline.clientWrites()).toEqual([]);
  expect(h!.twin.timeline.entries.filter((e) => e.actor.startsWith('ssh'))).toEqual([]);
}

describe('limits the network operator enforces', () => {
  it('mixed node MTUs with mtu unset: refused, saying to set mtu to the smallest node MTU − 100', async () => {
    h = await startHarness(
      smallScenario({
        nodes: [
          { name: 'master-0', pool: 'master', mtu: 9000 },
          { name: 'worker-0', pool: 'worker', mtu: 9000 },
          { name: 'worker-1', pool: 'worker', mtu: 1500 },
        ],
      }),
    );
    const run = await h.run();
    expectRefused(
      run,
      /^Preflight refused.*node MTUs differ and mtu is not set: .*set the mtu input to 1400 \(smallest node MTU 1500 on worker-1 − 100\).*MTU 1500: 1 node\(s\) — worker-1; MTU 9000: 2 node\(s\) — master-0, worker-0/,
    );
    // With the mtu the refusal names, the same cluster passes preflight (a plan, so nothing changes).
    const plan = await h.run({ mode: 'plan', mtu: '1400' });
    expect(plan.code, plan.stdout).toBe(0);
    expect(plan.outputs.result).toBe('planned');
  });

  it('an IPv6 service network and mtu below 1280: refused, naming the network and the floor', async () => {
    h = await startHarness(
      smallScenario({
        network: {
          clusterNetwork: [{ cidr: '10.128.0.0/14', hostPrefix: 23 }],
          serviceNetwork: ['172.30.0.0/16', 'fd02::/112'],
        },
      }),
    );
    const run = await h.run({ mtu: '1200' });
    expectRefused(
      run,
      /^Preflight refused.*mtu 1200 is below 1280, the smallest MTU the network operator accepts with an IPv6 network \(service network fd02::\/112\) — set the mtu input to at least 1280/,
    );
  });

  it.each([
    ['6443', /^Input "geneve-port": 6443 is the Kubernetes API server port/],
    ['4500', /^Input "geneve-port": 4500 is the IPsec NAT-traversal port/],
    ['2380', /^Input "geneve-port": 2380 is one of etcd's ports/],
    ['10250', /^Input "geneve-port": 10250 is in 10250–10259, the ports of the kubelet/],
    ['22623', /^Input "geneve-port": 22623 is the Machine Config Server port/],
  ])('geneve-port %s: an input error naming the owner, before any cluster contact', async (port, message) => {
    h = await startHarness(smallScenario());
    const before = h.twin.timeline.totalRequests();
    const run = await h.run({ 'geneve-port': port });
    expect(run.code, run.stdout).toBe(1);
    expect(run.outputs.result ?? 'refused').toBe('refused');
    expect(run.errors[0]).toMatch(message);
    expect(h.twin.timeline.totalRequests()).toBe(before);
    expect(h.twin.timeline.clientWrites()).toEqual([]);
  });
});
