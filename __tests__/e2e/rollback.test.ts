// mode: rollback end to end: dist/index.js against the twin, after a finished, a cancelled and a
// half-done migration, interrupted and continued, and refused where there is nothing to roll back.
// Assertions are on the twin's timeline (the documented order, reboots per node) and on what the
// cluster holds at the end (OpenShift SDN with its original mode, mtu and vxlanPort).
import { afterEach, describe, expect, it } from 'vitest';
import { lastIndexOf, smallScenario, startHarness, type Harness } from '../helpers/twin-action.ts';
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

interface OperatorSpec {
  migration?: unknown;
  defaultNetwork: { openshiftSDNConfig?: unknown; ovnKubernetesConfig?: unknown };
}

function operatorSpec(twin: Twin): OperatorSpec {
  return twin.store.get(operatorType(), undefined, 'cluster')!.spec as unknown as OperatorSpec;
}

function networkStatus(twin: Twin): { networkType?: string; migration?: unknown } {
  return twin.store.get(configType(), undefined, 'cluster')!.status as { networkType?: string };
}

/** Non-default OpenShift SDN settings, so that restoring them proves they came from the backup. */
function customiseSdn(twin: Twin): void {
  twin.store.mutate(operatorType(), undefined, 'cluster', 'client:admin', (o) => {
    (o.spec as unknown as OperatorSpec).defaultNetwork.openshiftSDNConfig = {
      mode: 'NetworkPolicy',
      mtu: 1400,
      vxlanPort: 4790,
    };
  });
}

/** With DUMP_TIMELINE=1, the rollback's writes and reboots in order (for the closing note). */
function dump(twin: Twin, from: number): void {
  if (!process.env.DUMP_TIMELINE) return;
  const lines = twin.timeline.entries
    .slice(from)
    .filter(
      (e) =>
        (CLIENT(e) && !e.object.startsWith('ConfigMap/')) ||
        e.verb === 'reboot' ||
        /status\.(migration|networkType)/.test(e.change),
    )
    .map((e) => `${e.t}\t${e.actor}\t${e.verb}\t${e.object}\t${e.change}`);
  process.stderr.write(`${lines.join('\n')}\n`);
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
    dump(twin, start);

    const after = (pred: (e: TimelineEntry) => boolean) => {
      const i = twin.timeline.entries.slice(start).findIndex(pred);
      return i < 0 ? -1 : start + i;
    };
    const pauses = after(
      (e) => CLIENT(e) && POOL.test(e.object) && /spec\.paused: (false|\(none\)) → true/.test(e.change),
    );
    const setMigration = after(
      (e) =>
        CLIENT(e) &&
        e.object === NET_OPERATOR &&
        e.change.includes('spec.migration') &&
        e.change.includes('OpenShiftSDN'),
    );
    const accepted = after(
      (e) =>
        !CLIENT(e) &&
        e.object === NET_CONFIG &&
        e.change.includes('status.migration') &&
        e.change.includes('OpenShiftSDN'),
    );
    const networkType = after(
      (e) => CLIENT(e) && e.object === NET_CONFIG && e.change.includes('spec.networkType'),
    );
    const sdnSettings = after(
      (e) => CLIENT(e) && e.object === NET_OPERATOR && e.change.includes('openshiftSDNConfig'),
    );
    const firstSsh = after((e) => e.actor.startsWith('ssh') && e.verb === 'reboot');
    const lastSsh = lastIndexOf(twin, (e) => e.actor.startsWith('ssh') && e.verb === 'reboot');
    const unpause = after(
      (e) => CLIENT(e) && POOL.test(e.object) && e.change.includes('spec.paused: true → false'),
    );
    const clearMigration = lastIndexOf(
      twin,
      (e) => CLIENT(e) && e.object === NET_OPERATOR && /spec\.migration.*→ \(none\)/.test(e.change),
    );
    const deleteOvn = after(
      (e) => CLIENT(e) && e.verb === 'delete' && e.object === 'Namespace/openshift-ovn-kubernetes',
    );

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
    expect(spec.defaultNetwork.openshiftSDNConfig).toMatchObject({
      mode: 'NetworkPolicy',
      mtu: 1400,
      vxlanPort: 4790,
    });
    expect(spec.migration ?? null).toBeNull();
    expect(spec.defaultNetwork.ovnKubernetesConfig ?? null).toBeNull();
    expect(
      twin.store.get(findType('', 'namespaces')!, undefined, 'openshift-ovn-kubernetes'),
    ).toBeUndefined();
    const cms = findType('', 'configmaps')!;
    expect(
      twin.store.get(cms, 'openshift-network-operator', 'sdn-to-ovn-migration-checkpoint'),
    ).toBeUndefined();
    expect(twin.store.get(cms, 'openshift-network-operator', 'sdn-to-ovn-migration-backup')).toBeUndefined();

    const report = JSON.parse(
      h.results.artifacts
        .find((a) => a.name === 'rollback')!
        .files.get('report.json')!
        .toString(),
    );
    expect(report.result).toBe('rolled-back');
    expect(report.checks.filter((c: { ok: boolean }) => !c.ok)).toEqual([]);
    expect(report.checks.map((c: { id: string }) => c.id)).toEqual(
      expect.arrayContaining([
        'machineconfig-configure-ovs',
        'network-type',
        'nodes-rebooted',
        'operators-healthy',
      ]),
    );
    expect(run.summary).toContain('Rolled back to OpenShift SDN');
  });
});

/** Runs `extra` and stops it (SIGKILL or the runner's cancel) when `marker` appears in its log. */
async function runUntil(h: Harness, marker: string, how: 'kill' | 'cancel', extra: Record<string, string>) {
  const stop = new AbortController();
  let out = '';
  const run = await h.run(extra, {
    [how === 'kill' ? 'kill' : 'signal']: stop.signal,
    onStdout: (chunk: string) => {
      out += chunk;
      if (!stop.signal.aborted && out.includes(marker)) stop.abort();
    },
  });
  expect(stop.signal.aborted, `marker "${marker}" never appeared:\n${run.stdout.slice(-3000)}`).toBe(true);
  return run;
}

describe('mode: rollback from an unfinished migration', () => {
  it('cancelled before the switch, a pod in error: the rollback reports it and still reboots no node (as its plan said)', async () => {
    h = await startHarness(smallScenario());
    const twin = h.twin;
    const migrate = await runUntil(
      h,
      '→ Wait for the Machine Config Operator to update every pool',
      'cancel',
      {
        'artifact-name': 'migrate',
      },
    );
    expect(migrate.outputs.result).toBe('cancelled');
    twin.faults.add({ kind: 'pods-crashloop', node: 'worker-1' });
    const start = twin.timeline.entries.length;
    const run = await h.run({ mode: 'rollback', 'artifact-name': 'rollback', 'reboot-timeout': '10s' });
    expect(run.code).toBe(1);
    expect(run.outputs.result).toBe('failed');
    expect(run.summary).toContain('No pod in an error state');
    // The offline document's "reboot the nodes of pods in error" belongs after its own reboots: this
    // rollback promised none, so worker-1 is named, not rebooted.
    for (const [node, [byAction]] of Object.entries(reboots(twin, start)))
      expect({ node, byAction }).toEqual({ node, byAction: 0 });
  });

  it('cancelled before the switch (4.14): clears spec.migration, MCO rolls the SDN config back, the action reboots no node', async () => {
    h = await startHarness(smallScenario());
    const twin = h.twin;
    const migrate = await runUntil(
      h,
      '→ Wait for the Machine Config Operator to update every pool',
      'cancel',
      {
        'artifact-name': 'migrate',
      },
    );
    expect(migrate.outputs.result).toBe('cancelled');
    expect(operatorSpec(twin).migration).toEqual({ networkType: 'OVNKubernetes' });
    expect(twin.timeline.entries.some((e) => CLIENT(e) && e.change.includes('spec.networkType'))).toBe(false);

    const start = twin.timeline.entries.length;
    const run = await h.run({ mode: 'rollback', 'artifact-name': 'rollback' });
    expect(run.code, run.stdout.slice(-4000)).toBe(0);
    expect(run.outputs.result).toBe('rolled-back');
    dump(twin, start);
    expect(run.stdout).toContain('the network type never switched');
    for (const [node, [byAction]] of Object.entries(reboots(twin, start)))
      expect({ node, byAction }).toEqual({ node, byAction: 0 });
    // No write to the network type, no pause: only the trigger is reverted.
    const writes = twin.timeline.entries
      .slice(start)
      .filter((e) => CLIENT(e) && !e.object.startsWith('ConfigMap/'));
    expect(writes.map((e) => `${e.object} ${e.change}`)).toEqual([
      `${NET_OPERATOR} spec.migration: {"networkType":"OVNKubernetes"} → (none)`,
    ]);
    expect(networkStatus(twin).networkType).toBe('OpenShiftSDN');
    expect(networkStatus(twin).migration ?? null).toBeNull();
    // MCO rendered configure-ovs.sh OpenShiftSDN again and every pool is on it.
    const report = JSON.parse(
      h.results.artifacts
        .find((a) => a.name === 'rollback')!
        .files.get('report.json')!
        .toString(),
    );
    expect(report.checks.filter((c: { ok: boolean }) => !c.ok)).toEqual([]);
    expect(report.checks.map((c: { id: string }) => c.id)).toContain('machineconfig-configure-ovs');
    expect(report.checks.map((c: { id: string }) => c.id)).not.toContain('nodes-rebooted');
  });

  it('killed during the rollback (4.14): a re-run continues from the checkpoint and completes, no node rebooted twice by the action', async () => {
    h = await startHarness(smallScenario());
    const twin = h.twin;
    customiseSdn(twin);
    expect((await h.run({ 'artifact-name': 'migrate' })).code).toBe(0);
    const start = twin.timeline.entries.length;
    const killed = await runUntil(h, 'reboot command sent', 'kill', {
      mode: 'rollback',
      'artifact-name': 'rollback-1',
    });
    expect(killed.code).not.toBe(0);
    const cm = twin.store.get(
      findType('', 'configmaps')!,
      'openshift-network-operator',
      'sdn-to-ovn-migration-checkpoint',
    );
    expect(
      JSON.parse((cm as unknown as { data: Record<string, string> }).data['checkpoint.json']).identity,
    ).toMatchObject({
      variant: 'B-rollback',
      to: 'OpenShiftSDN',
    });

    // A migrate run meanwhile is refused: the checkpoint says a rollback is unfinished.
    const migrate = await h.run({ 'artifact-name': 'migrate-2' });
    expect(migrate.outputs.result).toBe('refused');
    expect(migrate.errors.join('\n')).toMatch(/a rollback to OpenShiftSDN by this action is unfinished/);
    const again = await h.run({ mode: 'rollback', 'artifact-name': 'rollback-2' });
    expect(again.code, again.stdout.slice(-4000)).toBe(0);
    expect(again.outputs.result).toBe('rolled-back');
    expect(again.stdout).toContain('Continuing the rollback');
    for (const [node, [byAction, total]] of Object.entries(reboots(twin, start)))
      expect({ node, byAction, total }).toEqual({ node, byAction: 1, total: 2 });
    expect(operatorSpec(twin).defaultNetwork.openshiftSDNConfig).toMatchObject({
      mtu: 1400,
      vxlanPort: 4790,
    });
  });
});

describe('mode: rollback cancelled', () => {
  it('cancelled while MCO rolls the SDN config out (4.14): exits cancelled, a re-run continues and completes', async () => {
    h = await startHarness(smallScenario());
    const twin = h.twin;
    customiseSdn(twin);
    expect((await h.run({ 'artifact-name': 'migrate' })).code).toBe(0);
    const start = twin.timeline.entries.length;
    const cancelled = await runUntil(
      h,
      '→ Wait for the Machine Config Operator to update every pool',
      'cancel',
      {
        mode: 'rollback',
        'artifact-name': 'rollback-1',
      },
    );
    expect(cancelled.outputs.result).toBe('cancelled');
    expect(cancelled.summary).toMatch(/Re-run the workflow with the same inputs to continue/);
    const again = await h.run({ mode: 'rollback', 'artifact-name': 'rollback-2' });
    expect(again.code, again.stdout.slice(-4000)).toBe(0);
    expect(again.outputs.result).toBe('rolled-back');
    expect(again.stdout).toContain('Continuing the rollback');
    for (const [node, [byAction, total]] of Object.entries(reboots(twin, start)))
      expect({ node, byAction, total }).toEqual({ node, byAction: 1, total: 2 });
    expect(networkStatus(twin).networkType).toBe('OpenShiftSDN');
  });
});

describe('mode: rollback refused, no change made', () => {
  it('on a cluster on OpenShift SDN with no checkpoint: nothing to roll back', async () => {
    h = await startHarness(smallScenario());
    const run = await h.run({ mode: 'rollback' });
    expect(run.code).not.toBe(0);
    expect(run.outputs.result).toBe('refused');
    expect(run.stdout).toMatch(/nothing to roll back/);
    expect(h.twin.timeline.clientWrites()).toEqual([]);
  });

  it('on OpenShift 4.17 (no OpenShift SDN)', async () => {
    h = await startHarness(smallScenario({ version: '4.17.0', network: { type: 'OVNKubernetes' } }));
    const run = await h.run({ mode: 'rollback' });
    expect(run.code).not.toBe(0);
    expect(run.outputs.result).toBe('refused');
    expect(run.stdout).toMatch(/no OpenShift SDN \(removed in 4\.17\)/);
    expect(h.twin.timeline.clientWrites()).toEqual([]);
  });

  it('plan-rollback lists the steps and writes nothing', async () => {
    h = await startHarness(smallScenario());
    expect((await h.run({ 'artifact-name': 'migrate' })).code).toBe(0);
    const writes = h.twin.timeline.clientWrites().length;
    const run = await h.run({ mode: 'plan-rollback', 'artifact-name': 'plan' });
    expect(run.code, run.stdout.slice(-3000)).toBe(0);
    expect(run.outputs.result).toBe('planned');
    expect(h.twin.timeline.clientWrites().length).toBe(writes);
    expect(run.stdout).toMatch(/spec\.migration = \{"networkType":"OpenShiftSDN"\}/);
    expect(run.stdout).toMatch(/Reboot every node over SSH/);
  });
});

describe('mode: rollback on OpenShift 4.6 (procedure A rollback)', () => {
  it('after a finished migration: annotation, every pool paused, networkType, SDN settings, multus, reboot, unpause, verify, cleanup', async () => {
    h = await startHarness(
      smallScenario({
        version: '4.6.21',
        nodes: [
          { name: 'master-0', pool: 'master' },
          { name: 'worker-0', pool: 'worker' },
          { name: 'infra-0', pool: 'infra' },
        ],
        pools: [{ name: 'master' }, { name: 'worker' }, { name: 'infra' }],
      }),
    );
    const twin = h.twin;
    customiseSdn(twin);
    const migrate = await h.run({ 'artifact-name': 'migrate' });
    expect(migrate.code, migrate.stdout.slice(-3000)).toBe(0);

    const start = twin.timeline.entries.length;
    const run = await h.run({ mode: 'rollback', 'artifact-name': 'rollback' });
    expect(run.code, run.stdout.slice(-4000)).toBe(0);
    expect(run.outputs.result).toBe('rolled-back');
    dump(twin, start);
    const after = (pred: (e: TimelineEntry) => boolean) => {
      const i = twin.timeline.entries.slice(start).findIndex(pred);
      return i < 0 ? -1 : start + i;
    };
    const annotate = after(
      (e) => CLIENT(e) && e.object === NET_OPERATOR && /network-migration.*\(none\) → ""/.test(e.change),
    );
    const pauses = ['master', 'worker', 'infra'].map((p) =>
      after(
        (e) => CLIENT(e) && e.object.endsWith(`/${p}`) && POOL.test(e.object) && e.change.includes('→ true'),
      ),
    );
    const networkType = after(
      (e) => CLIENT(e) && e.object === NET_CONFIG && e.change.includes('spec.networkType'),
    );
    const sdnSettings = after(
      (e) => CLIENT(e) && e.object === NET_OPERATOR && e.change.includes('openshiftSDNConfig'),
    );
    const firstSsh = after((e) => e.actor.startsWith('ssh') && e.verb === 'reboot');
    const lastSsh = lastIndexOf(twin, (e) => e.actor.startsWith('ssh') && e.verb === 'reboot');
    const unpauses = ['master', 'worker', 'infra'].map((p) =>
      after(
        (e) =>
          CLIENT(e) && e.object.endsWith(`/${p}`) && POOL.test(e.object) && e.change.includes('true → false'),
      ),
    );
    const removeAnnotation = lastIndexOf(
      twin,
      (e) => CLIENT(e) && e.object === NET_OPERATOR && /network-migration.*→ \(none\)/.test(e.change),
    );
    const deleteOvn = after(
      (e) => CLIENT(e) && e.verb === 'delete' && e.object === 'Namespace/openshift-ovn-kubernetes',
    );
    expect(annotate).toBeGreaterThan(start);
    for (const p of pauses) expect(p).toBeGreaterThan(annotate);
    expect(networkType).toBeGreaterThan(Math.max(...pauses));
    // Procedure A's cleanup leaves openshiftSDNConfig in place, so it already holds the original values:
    // the rollback has nothing to write there.
    expect(sdnSettings).toBe(-1);
    expect(run.stdout).toMatch(/Restore the OpenShift SDN mode, MTU and VXLAN port .* — already done/);
    expect(firstSsh).toBeGreaterThan(networkType);
    for (const u of unpauses) expect(u).toBeGreaterThan(lastSsh);
    expect(removeAnnotation).toBeGreaterThan(Math.max(...unpauses));
    expect(deleteOvn).toBeGreaterThan(removeAnnotation);
    for (const [node, [byAction, total]] of Object.entries(reboots(twin, start)))
      expect({ node, byAction, total }).toEqual({ node, byAction: 1, total: 2 });
    expect(networkStatus(twin).networkType).toBe('OpenShiftSDN');
    const spec = operatorSpec(twin);
    expect(spec.defaultNetwork.openshiftSDNConfig).toMatchObject({
      mode: 'NetworkPolicy',
      mtu: 1400,
      vxlanPort: 4790,
    });
    const op = twin.store.get(operatorType(), undefined, 'cluster')!;
    expect(op.metadata.annotations?.['networkoperator.openshift.io/network-migration']).toBeUndefined();
    expect(
      twin.store.get(findType('', 'namespaces')!, undefined, 'openshift-ovn-kubernetes'),
    ).toBeUndefined();
  });
});

describe('on-failure: rollback', () => {
  it('a migrate run whose verification fails rolls back in the same job: SDN, both reports in the artifact', async () => {
    h = await startHarness(smallScenario({ faults: [{ kind: 'pods-error-persist', node: 'worker-1' }] }));
    const twin = h.twin;
    customiseSdn(twin);
    let out = '';
    const run = await h.run(
      { 'on-failure': 'rollback', 'reboot-timeout': '10s', 'artifact-name': 'migrate' },
      {
        onStdout: (chunk: string) => {
          out += chunk;
          // The pods' trouble was OVN-Kubernetes': back on OpenShift SDN they run.
          if (out.includes('rolling the cluster back to OpenShift SDN'))
            twin.faults.clear('pods-error-persist');
        },
      },
    );
    expect(run.code).toBe(1);
    expect(run.outputs.result).toBe('failed');
    expect(run.outputs['network-type']).toBe('OpenShiftSDN');
    expect(networkStatus(twin).networkType).toBe('OpenShiftSDN');
    expect(operatorSpec(twin).defaultNetwork.openshiftSDNConfig).toMatchObject({
      mtu: 1400,
      vxlanPort: 4790,
    });

    const art = h.results.artifacts.find((a) => a.name === 'migrate')!;
    expect([...art.files.keys()]).toEqual(
      expect.arrayContaining([
        'report.json',
        'report.md',
        'rollback/report.json',
        'rollback/report.md',
        'backup/network-operator.yaml',
      ]),
    );
    const migrateReport = JSON.parse(art.files.get('report.json')!.toString());
    const rollbackReport = JSON.parse(art.files.get('rollback/report.json')!.toString());
    expect(migrateReport.result).toBe('failed');
    expect(migrateReport.checks.find((c: { id: string }) => c.id === 'pods-healthy').ok).toBe(false);
    expect(migrateReport.warnings.join('\n')).toMatch(/on-failure: rollback ended with result rolled-back/);
    expect(rollbackReport.result, JSON.stringify(rollbackReport.failure)).toBe('rolled-back');
    expect(rollbackReport.checks.filter((c: { ok: boolean }) => !c.ok)).toEqual([]);
    expect(run.summary).toContain('Migration failed');
    expect(run.summary).toContain('Rolled back to OpenShift SDN');
  });

  it('is shown in the plan; a failed migrate without it names mode: rollback in what to do next', async () => {
    h = await startHarness(smallScenario());
    const plan = await h.run({ mode: 'plan', 'on-failure': 'rollback', 'artifact-name': 'plan' });
    expect(plan.code, plan.stdout.slice(-2000)).toBe(0);
    expect(plan.stdout).toContain('on-failure: rollback — roll back to OpenShift SDN in the same job');
    h.twin.faults.add({ kind: 'pods-error-persist', node: 'worker-1' });
    const run = await h.run({ 'reboot-timeout': '10s', 'artifact-name': 'migrate' });
    expect(run.outputs.result).toBe('failed');
    expect(networkStatus(h.twin).networkType).toBe('OVNKubernetes');
    expect(run.summary).toMatch(/run the action with mode: rollback \(mode: plan-rollback first/);
  });
});
