// Issue 16's preflight checks end to end: a twin that contains the condition, the bundled action in
// mode: migrate, a refusal naming the object and no write to the cluster.
import { afterEach, describe, expect, it } from 'vitest';
import { smallScenario, startHarness, type Harness } from '../helpers/twin-action.ts';
import type { ScenarioInput } from '../twin/scenario.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

async function refused(scenario: ScenarioInput, pattern: RegExp): Promise<void> {
  h = await startHarness(scenario);
  const run = await h.run();
  expect(run.code, run.stdout).toBe(1);
  expect(run.outputs.result).toBe('refused');
  expect(run.errors[0]).toMatch(/^Preflight refused the migration \(no change was made\)/);
  expect(run.errors[0]).toMatch(pattern);
  expect(h.twin.timeline.clientWrites()).toEqual([]);
}

describe('mode: migrate refuses before any change', () => {
  it('an egress-router pod (pod.network.openshift.io/assign-macvlan)', async () => {
    await refused(
      smallScenario({
        objects: [
          {
            apiVersion: 'v1',
            kind: 'Pod',
            metadata: {
              name: 'egress-router-1',
              namespace: 'payments',
              annotations: { 'pod.network.openshift.io/assign-macvlan': 'true' },
            },
            spec: { containers: [{ name: 'router', image: 'registry.example/egress-router' }] },
          },
        ],
      }),
      /No OpenShift SDN egress-router pods\].*payments\/egress-router-1/,
    );
  });

  it('a NodeNetworkConfigurationPolicy on the primary interface, NMState installed', async () => {
    await refused(
      smallScenario({
        crds: ['nodenetworkconfigurationpolicies.nmstate.io'],
        objects: [
          {
            apiVersion: 'nmstate.io/v1',
            kind: 'NodeNetworkConfigurationPolicy',
            metadata: { name: 'br1-on-primary' },
            spec: {
              desiredState: {
                interfaces: [{ name: 'br1', type: 'linux-bridge', bridge: { port: [{ name: 'ens3' }] } }],
              },
            },
          },
        ],
      }),
      /primary interface\].*policy br1-on-primary manages interface ens3/,
    );
  });

  it('a PodDisruptionBudget that allows no eviction, for procedure B', async () => {
    await refused(
      smallScenario({
        objects: [
          {
            apiVersion: 'policy/v1',
            kind: 'PodDisruptionBudget',
            metadata: { name: 'db', namespace: 'shop' },
            spec: { minAvailable: 2, selector: { matchLabels: { app: 'db' } } },
            status: { currentHealthy: 2, desiredHealthy: 2, expectedPods: 2, disruptionsAllowed: 0 },
          },
        ],
      }),
      /allows an eviction\].*shop\/db: minAvailable 2 with 2 ready pod\(s\)/,
    );
  });

  it('a DaemonSet in openshift-sdn the network operator did not create', async () => {
    await refused(
      smallScenario({
        objects: [
          {
            apiVersion: 'apps/v1',
            kind: 'DaemonSet',
            metadata: { name: 'log-shipper', namespace: 'openshift-sdn' },
            spec: {
              selector: { matchLabels: { app: 'log-shipper' } },
              template: { spec: { containers: [] } },
            },
          },
        ],
      }),
      /openshift-sdn besides the network operator’s\].*openshift-sdn\/log-shipper/,
    );
  });
});

describe('mode: plan warns', () => {
  it('about a static route and an extra address on the primary interface, naming the node', async () => {
    h = await startHarness(
      smallScenario({
        nodes: [
          { name: 'master-0', pool: 'master' },
          {
            name: 'worker-0',
            pool: 'worker',
            staticRoutes: [{ dst: '192.168.50.0/24', via: '10.0.0.254' }],
            extraAddresses: ['10.0.9.9/24'],
          },
        ],
      }),
    );
    const run = await h.run({ mode: 'plan' });
    expect(run.code, run.stdout).toBe(0);
    expect(h.twin.timeline.clientWrites()).toEqual([]);
    expect(run.stdout).toContain('worker-0 (ens3): route 192.168.50.0/24 via 10.0.0.254 (proto static)');
    expect(run.stdout).toContain('worker-0 (ens3): address 10.0.9.9/24');
    expect(run.stdout).not.toMatch(/master-0 \(ens3\): (route|address)/);
  });
});
