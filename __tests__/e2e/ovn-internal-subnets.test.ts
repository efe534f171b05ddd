// OVN's internal ranges end to end: a 4.14 cluster whose cluster network overlaps the join switch is
// refused without an input; with ovn-join-subnet-v4 the plan shows the chosen range, and the migration
// sets it as v4InternalSubnet (the 4.14 field) before the switch. migrate-multicast: false reaches
// spec.migration.features.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { smallScenario, startHarness, type Harness } from '../helpers/twin-action.ts';
import { findType } from '../twin/resources.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const overlapping = () =>
  smallScenario({ network: { clusterNetwork: [{ cidr: '100.64.0.0/14', hostPrefix: 23 }] } });

describe('ovn-join-subnet-v4', () => {
  it('without it, an overlap with the join switch is refused naming the input that fixes it', async () => {
    h = await startHarness(overlapping());
    const run = await h.run();
    expect(run.code, run.stdout).toBe(1);
    expect(run.errors[0]).toMatch(
      /choose a free range with ovn-join-subnet-v4.*cluster network 100\.64\.0\.0\/14 overlaps 100\.64\.0\.0\/16/,
    );
    expect(h.twin.timeline.clientWrites()).toEqual([]);
  });

  it('with it, the plan shows the range and the migration sets v4InternalSubnet before the switch', async () => {
    h = await startHarness(overlapping());
    const inputs = { 'ovn-join-subnet-v4': '100.72.0.0/16', 'migrate-multicast': 'false' };
    const planned = await h.run({ ...inputs, mode: 'plan' });
    expect(planned.outputs.result, planned.stdout).toBe('planned');
    const plan = (
      JSON.parse(readFileSync(planned.outputs['report-path'], 'utf8')).plan as { changes: string[] }[]
    )
      .flatMap((s) => s.changes)
      .join('\n');
    const run = await h.run(inputs);
    expect(run.code, run.stdout).toBe(0);
    expect(run.outputs.result).toBe('migrated');
    expect(run.stdout).toContain('chosen: join switch (v4InternalSubnet) 100.72.0.0/16 (ovn-join-subnet-v4)');
    expect(plan).toContain(
      'Network.operator.openshift.io/cluster spec.defaultNetwork.ovnKubernetesConfig.v4InternalSubnet = 100.72.0.0/16',
    );
    expect(plan).toContain('"features":{"egressIP":true,"egressFirewall":true,"multicast":false}');
    const op = h.twin.store.get(findType('operator.openshift.io', 'networks')!, undefined, 'cluster')!;
    expect(
      (op.spec as { defaultNetwork: { ovnKubernetesConfig: object } }).defaultNetwork.ovnKubernetesConfig,
    ).toMatchObject({
      v4InternalSubnet: '100.72.0.0/16',
    });
    const writes = h.twin.timeline.clientWrites();
    const subnet = writes.findIndex((e) => e.change.includes('v4InternalSubnet'));
    const features = writes.findIndex(
      (e) => e.change.includes('"multicast":false') || e.change.includes('features'),
    );
    const switched = writes.findIndex(
      (e) => e.object === 'Network.config.openshift.io/cluster' && e.change.includes('spec.networkType'),
    );
    expect(subnet, JSON.stringify(writes, null, 1)).toBeGreaterThanOrEqual(0);
    expect(features, JSON.stringify(writes, null, 1)).toBeGreaterThanOrEqual(0);
    expect(switched).toBeGreaterThan(subnet);
  }, 180_000);
});
