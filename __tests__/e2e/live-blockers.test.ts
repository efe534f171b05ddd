// strategy live refuses every live blocker before any change: the refusal names the blocker and its
// fix, and the twin records no write by the action. strategy live on a cluster without live migration
// (4.14) is refused the same way.
import { afterEach, describe, expect, it } from 'vitest';
import { smallScenario, startHarness, type Harness } from '../helpers/twin-action.ts';
import { T } from '../twin/controllers/types.ts';
import type { ScenarioInput } from '../twin/scenario.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const V = '4.16.20';

async function refusedLive(scenario: ScenarioInput, pattern: RegExp): Promise<string> {
  h = await startHarness(scenario);
  const run = await h.run({ strategy: 'live' });
  expect(run.code, run.stdout.slice(-3000)).toBe(1);
  expect(run.outputs.result).toBe('refused');
  expect(run.errors[0]).toMatch(pattern);
  expect(h.twin.timeline.clientWrites()).toEqual([]);
  return run.summary;
}

const pod = (name: string, namespace: string, annotations: Record<string, string>) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace, annotations },
  spec: { containers: [{ name: 'c', image: 'registry.example/c' }] },
});

describe('strategy live: each blocker refused with zero writes', () => {
  it('Multitenant isolation mode', async () => {
    await refusedLive(
      smallScenario({ version: V, network: { sdnMode: 'Multitenant' } }),
      /Multitenant isolation mode/,
    );
  });

  it('an egress-router pod', async () => {
    const summary = await refusedLive(
      smallScenario({
        version: V,
        objects: [pod('egress-router-1', 'payments', { 'pod.network.openshift.io/assign-macvlan': 'true' })],
      }),
      /No OpenShift SDN egress-router pods\].*payments\/egress-router-1/,
    );
    expect(summary).toContain('**Strategy:** live (strategy live): 4.16.20 supports it');
    expect(summary).toContain('an egress-router pod (payments/egress-router-1) blocks live migration');
  });

  it('a hosted control plane (controlPlaneTopology External)', async () => {
    await refusedLive(
      smallScenario({ version: V, hostedControlPlane: true }),
      /Not a hosted control plane \(live migration\)\].*controlPlaneTopology is External/,
    );
  });

  it('a NodeNetworkConfigurationPolicy on the primary interface', async () => {
    await refusedLive(
      smallScenario({
        version: V,
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

  it("a service network over OVN-Kubernetes' transit switch range", async () => {
    await refusedLive(
      smallScenario({ version: V, network: { serviceNetwork: ['100.88.0.0/16'] } }),
      /internal ranges\].*100\.88\.0\.0\/16/,
    );
  });

  it('a paused pool (it would stall the migration)', async () => {
    await refusedLive(
      smallScenario({ version: V, pools: [{ name: 'worker', paused: true }] }),
      /No MachineConfigPool paused before the run\].*worker paused.*unpause it/,
    );
  });

  it('a PodDisruptionBudget that allows no eviction (the operators drain every node twice)', async () => {
    await refusedLive(
      smallScenario({
        version: V,
        objects: [
          {
            apiVersion: 'policy/v1',
            kind: 'PodDisruptionBudget',
            metadata: { name: 'db', namespace: 'shop' },
            spec: { maxUnavailable: 0, selector: { matchLabels: { app: 'db' } } },
            status: { currentHealthy: 2, desiredHealthy: 2, expectedPods: 2, disruptionsAllowed: 0 },
          },
        ],
      }),
      /allows an eviction\].*shop\/db: maxUnavailable 0/,
    );
  });

  it('an offline migration already under way (never mix the triggers)', async () => {
    h = await startHarness(smallScenario({ version: V }));
    // Someone else started an offline migration: Network.operator spec.migration.
    h.twin.store.mutate(T.networkOperator, undefined, 'cluster', 'someone', (o) => {
      (o.spec as Record<string, unknown>).migration = { networkType: 'OVNKubernetes' };
    });
    const run = await h.run({ strategy: 'live' });
    expect(run.code, run.stdout.slice(-3000)).toBe(1);
    expect(run.outputs.result).toBe('refused');
    expect(run.errors[0]).toMatch(
      /No migration already under way\].*an offline migration is under way.*must not be mixed/,
    );
    expect(h.twin.timeline.clientWrites()).toEqual([]);
  });

  it('a cluster without live migration (4.14): refused naming why and the fix', async () => {
    await refusedLive(
      smallScenario({ version: '4.14.12' }),
      /strategy live is refused before any change: OpenShift 4\.14\.12 does not offer it.*Use strategy offline/,
    );
  });
});
