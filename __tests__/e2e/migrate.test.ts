// The migration end to end: dist/index.js run as the runner runs it, against the twin, with a local
// artifact results service. Assertions are on what a user sees (exit code, outputs, summary, artifact)
// and on the twin's recorded timeline (the document's order).
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { indexOf, lastIndexOf, startHarness, type Harness } from '../helpers/twin-action.ts';
import { expectOneWaitsProgress } from '../helpers/progress-lines.ts';
import { findType } from '../twin/resources.ts';
import type { TimelineEntry } from '../twin/timeline.ts';

const CLIENT = (e: TimelineEntry) => e.actor.startsWith('client:');
const NET_CONFIG = 'Network.config.openshift.io/cluster';
const NET_OPERATOR = 'Network.operator.openshift.io/cluster';
const pool = (name: string) => `MachineConfigPool.machineconfiguration.openshift.io/${name}`;

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

function text(buf: Buffer | undefined): string {
  if (!buf) throw new Error('file missing from the artifact');
  return buf.toString('utf8');
}

describe('mode: migrate on OpenShift 4.6 (variant A, the source document)', () => {
  it('migrates in the document order, pausing every pool including infra, and uploads backup and reports', async () => {
    h = await startHarness('__tests__/twin/scenarios/ocp-4.6.yaml');
    const twin = h.twin;
    const run = await h.run({ mtu: '1400', 'geneve-port': '6082', 'artifact-name': 'migration-46' });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.outputs.result).toBe('migrated');
    expect(run.outputs['network-type']).toBe('OVNKubernetes');

    // The document's order, from the twin's timeline.
    const annotate = indexOf(
      twin,
      (e) => CLIENT(e) && e.object === NET_OPERATOR && e.change.includes('network-migration'),
    );
    const pauses = ['master', 'worker', 'infra'].map((p) =>
      indexOf(
        twin,
        (e) => CLIENT(e) && e.object === pool(p) && /spec\.paused: (false|\(none\)) → true/.test(e.change),
      ),
    );
    const networkType = indexOf(
      twin,
      (e) => CLIENT(e) && e.object === NET_CONFIG && e.change.includes('spec.networkType'),
    );
    const ovnSettings = indexOf(
      twin,
      (e) => CLIENT(e) && e.object === NET_OPERATOR && e.change.includes('ovnKubernetesConfig'),
    );
    const nodeCount = twin.scenario.nodes.length;
    const multusDone = indexOf(
      twin,
      (e) =>
        !CLIENT(e) &&
        e.object === 'DaemonSet/openshift-multus/multus' &&
        new RegExp(`updatedNumberScheduled: \\d+ → ${nodeCount}`).test(e.change),
    );
    const sshReboots = twin.timeline.entries.filter((e) => e.actor.startsWith('ssh') && e.verb === 'reboot');
    const firstReboot = indexOf(twin, (e) => e.actor.startsWith('ssh') && e.verb === 'reboot');
    const lastReboot = lastIndexOf(twin, (e) => e.actor.startsWith('ssh') && e.verb === 'reboot');
    const unpauses = ['master', 'worker', 'infra'].map((p) =>
      indexOf(
        twin,
        (e) => CLIENT(e) && e.object === pool(p) && e.change.includes('spec.paused: true → false'),
      ),
    );
    const removeAnnotation = lastIndexOf(
      twin,
      (e) => CLIENT(e) && e.object === NET_OPERATOR && /network-migration.*→ \(none\)/.test(e.change),
    );
    const deleteSdn = indexOf(
      twin,
      (e) => CLIENT(e) && e.verb === 'delete' && e.object === 'Namespace/openshift-sdn',
    );

    expect(annotate).toBeGreaterThanOrEqual(0);
    for (const p of pauses) expect(p).toBeGreaterThan(annotate);
    expect(networkType).toBeGreaterThan(Math.max(...pauses));
    expect(ovnSettings).toBeGreaterThan(networkType);
    expect(multusDone).toBeGreaterThan(networkType);
    expect(firstReboot).toBeGreaterThan(multusDone);
    expect(sshReboots.map((e) => e.object).sort()).toEqual(
      twin.scenario.nodes.map((n) => `Node/${n.name}`).sort(),
    );
    for (const u of unpauses) expect(u).toBeGreaterThan(lastReboot);
    expect(removeAnnotation).toBeGreaterThan(Math.max(...unpauses));
    expect(deleteSdn).toBeGreaterThan(Math.max(...unpauses));

    // The cluster ends where the document says.
    const cfg = twin.store.get(findType('config.openshift.io', 'networks')!, undefined, 'cluster')!;
    expect((cfg.status as { networkType: string }).networkType).toBe('OVNKubernetes');
    const op = twin.store.get(findType('operator.openshift.io', 'networks')!, undefined, 'cluster')!;
    expect(op.metadata.annotations?.['networkoperator.openshift.io/network-migration']).toBeUndefined();
    expect(
      (op.spec as { defaultNetwork: { ovnKubernetesConfig: unknown } }).defaultNetwork.ovnKubernetesConfig,
    ).toMatchObject({ mtu: 1400, genevePort: 6082 });
    expect(twin.store.get(findType('', 'namespaces')!, undefined, 'openshift-sdn')).toBeUndefined();
    for (const p of ['master', 'worker', 'infra']) {
      expect(
        (
          twin.store.get(findType('machineconfiguration.openshift.io', 'machineconfigpools')!, undefined, p)!
            .spec as { paused: boolean }
        ).paused,
      ).toBe(false);
    }

    // The artifact: the backup (taken before the first write) and both reports.
    expect(h.results.artifacts).toHaveLength(1);
    const art = h.results.artifacts[0];
    expect(art.name).toBe('migration-46');
    expect(run.outputs['artifact-id']).toBe(String(art.id));
    const backup = parse(text(art.files.get('backup/cluster-openshift-sdn.yaml')));
    expect(backup.spec.networkType).toBe('OpenShiftSDN');
    const opBackup = parse(text(art.files.get('backup/network-operator.yaml')));
    expect(opBackup.metadata.annotations?.['networkoperator.openshift.io/network-migration']).toBeUndefined();
    const report = JSON.parse(text(art.files.get('report.json')));
    expect(report.result).toBe('migrated');
    expect(report.checks.every((c: { ok: boolean }) => c.ok)).toBe(true);
    expect(report.checks.map((c: { id: string }) => c.id)).toEqual(
      expect.arrayContaining([
        'nodes-config-done',
        'machineconfig-configure-ovs',
        'network-type',
        'nodes-ready',
        'pods-healthy',
        'nodes-rebooted',
        'operators-healthy',
        'pools-updated',
      ]),
    );
    expect(text(art.files.get('report.md'))).toContain('Migrated to OVN-Kubernetes');

    // What the user reads: phases as log groups, changes as old → new, the summary.
    expect(run.stdout).toMatch(/::group::Phase 1\/\d+: Back up the network configuration/);
    expect(run.stdout).toContain('spec.networkType: "OpenShiftSDN" → "OVNKubernetes"');
    // Long waits say how long they have waited, what for and who is busy: `[2m10s / 1h30m] … pools: master 2/3, worker 1/2 updated; updating: worker; worker-1 Working`.
    expect(run.stdout).toMatch(
      /^\[\S+ \/ \S+\] waiting for every MachineConfigPool .*: pools: .*worker \d\/2.* updated; .*worker-\d Working/m,
    );
    // Each wait's lines: one limit, the clock never back, no line twice (the reboot's too).
    expectOneWaitsProgress(run.stdout, 'waiting for every MachineConfigPool');
    const reboot = expectOneWaitsProgress(run.stdout, 'reboot: ');
    expect(reboot.at(-1)!.body).toMatch(/^reboot: (\d+)\/\1 back, 0 pending$/);
    // The artifact upload sits in a log group of its own.
    expect(run.stdout).toMatch(
      /^::group::Upload the artifact \S+\n(?:(?!::endgroup::).*\n)*Uploaded artifact .*\n::endgroup::$/m,
    );
    expect(run.summary).toContain('Migrated to OVN-Kubernetes');
    expect(run.summary).toMatch(/Phases[\s\S]*Reboot every node/);
  });
});

describe('mode: migrate on OpenShift 4.14 (variant B, spec.migration)', () => {
  it('sets spec.migration before the network type, never pauses pools, and clears it in cleanup', async () => {
    h = await startHarness('__tests__/twin/scenarios/ocp-4.14.yaml');
    const twin = h.twin;
    const run = await h.run();
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.outputs.result).toBe('migrated');

    const setMigration = indexOf(
      twin,
      (e) =>
        CLIENT(e) &&
        e.object === NET_OPERATOR &&
        /spec\.migration.*→ \{"networkType":"OVNKubernetes"\}|spec\.migration\.networkType: \(none\) → "OVNKubernetes"/.test(
          e.change,
        ),
    );
    const networkType = indexOf(
      twin,
      (e) => CLIENT(e) && e.object === NET_CONFIG && e.change.includes('spec.networkType'),
    );
    const clearMigration = lastIndexOf(
      twin,
      (e) => CLIENT(e) && e.object === NET_OPERATOR && /spec\.migration.*→ \(none\)/.test(e.change),
    );
    expect(setMigration).toBeGreaterThanOrEqual(0);
    expect(networkType).toBeGreaterThan(setMigration);
    expect(clearMigration).toBeGreaterThan(networkType);
    expect(twin.timeline.entries.some((e) => CLIENT(e) && e.change.includes('spec.paused'))).toBe(false);
    const op = twin.store.get(findType('operator.openshift.io', 'networks')!, undefined, 'cluster')!;
    expect((op.spec as Record<string, unknown>).migration ?? null).toBeNull();
    expect(
      (op.spec as { defaultNetwork: Record<string, unknown> }).defaultNetwork.openshiftSDNConfig ?? null,
    ).toBeNull();
    expect(twin.store.get(findType('', 'namespaces')!, undefined, 'openshift-sdn')).toBeUndefined();
  });
});

describe('a cluster already on OVN-Kubernetes', () => {
  it('is verified, not migrated: result already-migrated, no change made', async () => {
    h = await startHarness({
      version: '4.14.12',
      network: { type: 'OVNKubernetes' },
      nodes: [
        { name: 'master-0', pool: 'master' },
        { name: 'worker-0', pool: 'worker' },
      ],
      timing: { msPerSecond: 1 },
    });
    const run = await h.run();
    expect(run.code, run.stdout.slice(-2000)).toBe(0);
    expect(run.outputs.result).toBe('already-migrated');
    expect(run.outputs['network-type']).toBe('OVNKubernetes');
    expect(h.twin.timeline.clientWrites()).toEqual([]);
    expect(h.twin.timeline.entries.some((e) => e.verb === 'reboot')).toBe(false);
    expect(run.summary).toContain('Already on OVN-Kubernetes');
    const report = JSON.parse(h.results.artifacts[0].files.get('report.json')!.toString());
    expect(report.checks.map((c: { id: string }) => c.id)).toEqual(
      expect.arrayContaining(['network-type', 'nodes-ready', 'pods-healthy', 'operators-healthy']),
    );
  });
});
