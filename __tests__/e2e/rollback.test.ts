// mode: rollback end to end: dist/index.js against the twin, after a finished, a cancelled and a
// half-done migration, interrupted and continued, and refused where there is nothing to roll back.
// Assertions are on the twin's timeline (the documented order, reboots per node) and on what the
// cluster holds at the end (OpenShift SDN with its original mode, mtu and vxlanPort).
import { afterEach, describe, expect, it } from 'vitest';
import { indexOf, lastIndexOf, smallScenario, startHarness, type Harness } from '../helpers/twin-action.ts';
import type { Twin } from '../twin/index.ts';
import { findType } from '../twin/resources.ts';
import type { TimelineEntry } from '../twin/timeline.ts';

const CLIENT = (e: TimelineEntry) => e.actor.startsWith('client:');
const NET_CONFIG = 'Network.config.openshift.io/cluster';
const NET_OPERATOR = 'Network.operator.openshift.io/cluster';
const POOL = /^MachineConfigPool\.machineconfiguration\.openshift\.io\//;

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const operatorType = () => findType('operator.openshift.io', 'networks')!;
const configType = () => findType('config.openshift.io', 'networks')!;

function operatorSpec(twin: Twin): Record<string, any> {
  return twin.store.get(operatorType(), undefined, 'cluster')!.spec as Record<string, any>;
}

function networkStatus(twin: Twin): Record<string, any> {
  return twin.store.get(configType(), undefined, 'cluster')!.status as Record<string, any>;
}

/** Non-default OpenShift SDN settings, so that restoring them proves they came from the backup. */
function customiseSdn(twin: Twin): void {
  twin.store.mutate(operatorType(), undefined, 'cluster', 'client:admin', (o) => {
    (o.spec as any).defaultNetwork.openshiftSDNConfig = { mode: 'NetworkPolicy', mtu: 1400, vxlanPort: 4790 };
  });
}

/** Per node: [reboots by the action over SSH, reboots of any cause], from timeline index `from`. */
function reboots(twin: Twin, from: number): Record<string, [number, number]> {
  const out: Record<string, [number, number]> = {};
  for (const n of twin.scenario.nodes) out[n.name] = [0, 0];
  for (const e of twin.timeline.entries.slice(from)) {
    if (e.verb !== 'reboot') continue;
    const name = e.object.replace('Node/', '');
    if (e.actor.startsWith('ssh')) out[name][0]++;
    else out[name][1]++;
  }
  return out;
}

describe('mode: rollback on OpenShift 4.14 (procedure B rollback)', () => {
  it('after a finished migration: the documented order, two reboots per node (one by the action), original SDN settings back', async () => {
    h = await startHarness(smallScenario());
    const twin = h.twin;
    customiseSdn(twin);
    const migrate = await h.run({ 'artifact-name': 'migrate' });
    expect(migrate.code, migrate.stdout.slice(-3000)).toBe(0);
    expect(operatorSpec(twin).defaultNetwork.openshiftSDNConfig ?? null).toBeNull();

    const start = twin.timeline.entries.length;
    const run = await h.run({ mode: 'rollback', 'artifact-name': 'rollback' });
    expect(run.code, run.stdout.slice(-4000)).toBe(0);
    expect(run.outputs.result).toBe('rolled-back');
    expect(run.outputs['network-type']).toBe('OpenShiftSDN');

    const after = (pred: (e: TimelineEntry) => boolean) => {
      const i = twin.timeline.entries.slice(start).findIndex(pred);
      return i < 0 ? -1 : start + i;
    };
    const pauses = after((e) => CLIENT(e) && POOL.test(e.object) && /spec\.paused: (false|\(none\)) → true/.test(e.change));
    const setMigration = after(
      (e) => CLIENT(e) && e.object === NET_OPERATOR && e.change.includes('spec.migration') && e.change.includes('OpenShiftSDN'),
    );
    const accepted = after((e) => !CLIENT(e) && e.object === NET_CONFIG && e.change.includes('status.migration') && e.change.includes('OpenShiftSDN'));
    const networkType = after((e) => CLIENT(e) && e.object === NET_CONFIG && e.change.includes('spec.networkType'));
    const sdnSettings = after((e) => CLIENT(e) && e.object === NET_OPERATOR && e.change.includes('openshiftSDNConfig'));
    const firstSsh = after((e) => e.actor.startsWith('ssh') && e.verb === 'reboot');
    const lastSsh = lastIndexOf(twin, (e) => e.actor.startsWith('ssh') && e.verb === 'reboot');
    const unpause = after((e) => CLIENT(e) && POOL.test(e.object) && e.change.includes('spec.paused: true → false'));
    const clearMigration = lastIndexOf(twin, (e) => CLIENT(e) && e.object === NET_OPERATOR && /spec\.migration.*→ \(none\)/.test(e.change));
    const deleteOvn = after((e) => CLIENT(e) && e.verb === 'delete' && e.object === 'Namespace/openshift-ovn-kubernetes');

    expect(pauses).toBeGreaterThan(start);
    expect(setMigration).toBeGreaterThan(pauses);
    expect(accepted).toBeGreaterThan(setMigration);
    // Network.config is patched only once the operator accepted the migration (else CNO degrades).
    expect(networkType).toBeGreaterThan(accepted);
    expect(sdnSettings).toBeGreaterThan(networkType);
    expect(firstSsh).toBeGreaterThan(sdnSettings);
    expect(unpause).toBeGreaterThan(lastSsh);
    expect(clearMigration).toBeGreaterThan(unpause);
    expect(deleteOvn).toBeGreaterThan(clearMigration);

    // Each node: rebooted once by the action, once by MCO rolling configure-ovs.sh OpenShiftSDN out.
    for (const [node, [byAction, total]] of Object.entries(reboots(twin, start)))
      expect({ node, byAction, total }).toEqual({ node, byAction: 1, total: 2 });

    expect(networkStatus(twin).networkType).toBe('OpenShiftSDN');
    const spec = operatorSpec(twin);
    expect(spec.defaultNetwork.openshiftSDNConfig).toMatchObject({ mode: 'NetworkPolicy', mtu: 1400, vxlanPort: 4790 });
    expect(spec.migration ?? null).toBeNull();
    expect(spec.defaultNetwork.ovnKubernetesConfig ?? null).toBeNull();
    expect(twin.store.get(findType('', 'namespaces')!, undefined, 'openshift-ovn-kubernetes')).toBeUndefined();
    const cms = findType('', 'configmaps')!;
    expect(twin.store.get(cms, 'openshift-network-operator', 'sdn-to-ovn-migration-checkpoint')).toBeUndefined();
    expect(twin.store.get(cms, 'openshift-network-operator', 'sdn-to-ovn-migration-backup')).toBeUndefined();

    const report = JSON.parse(h.results.artifacts.find((a) => a.name === 'rollback')!.files.get('report.json')!.toString());
    expect(report.result).toBe('rolled-back');
    expect(report.checks.filter((c: { ok: boolean }) => !c.ok)).toEqual([]);
    expect(report.checks.map((c: { id: string }) => c.id)).toEqual(
      expect.arrayContaining(['machineconfig-configure-ovs', 'network-type', 'nodes-rebooted', 'operators-healthy']),
    );
    expect(run.summary).toContain('Rolled back to OpenShift SDN');
  });
});
