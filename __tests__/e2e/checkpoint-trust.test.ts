// A checkpoint is checked before a run continues from it (issue 10): one that claims completed steps
// the cluster does not show is refused with zero writes; backup names from it that are not plain file
// names are refused and nothing is written outside the run's work directory; a recorded etcd backup
// is trusted only when its files are on the node.
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { expectOneWaitsProgress } from '../helpers/progress-lines.ts';
import { startHarness, smallScenario, type Harness } from '../helpers/twin-action.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const DELETE = 'oc -n openshift-network-operator delete configmap sdn-to-ovn-migration-checkpoint';

/** A checkpoint as this action writes one, for procedure B, with what the test wants in it. */
function seedCheckpoint(
  h: Harness,
  o: { completed: string[]; backup?: Record<string, string>; etcdSnapshot?: string },
): void {
  const dir = '/home/core/assets/backup-1-1';
  const state = {
    format: 1,
    identity: { variant: 'B', from: 'OpenShiftSDN', to: 'OVNKubernetes', mtu: null, genevePort: null },
    startedBy: { startedAt: '2026-01-02T03:04:05Z', actor: 'someone' },
    completedSteps: o.completed,
    memory: { poolConfigsBefore: { master: 'rendered-master-0', worker: 'rendered-worker-0' } },
    updatedAt: '2026-01-02T03:04:05Z',
    etcdBackup: {
      node: 'master-0',
      directory: dir,
      snapshot: `${dir}/${o.etcdSnapshot ?? 'snapshot_2026-01-02_030405.db'}`,
      staticResources: `${dir}/static_kuberesources_2026-01-02_030405.tar.gz`,
      takenAt: '2026-01-02T03:04:05Z',
    },
  };
  const data: Record<string, string> = { 'checkpoint.json': JSON.stringify(state) };
  for (const [name, text] of Object.entries(o.backup ?? {})) data[`backup.${name}`] = text;
  h.twin.store.create(
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'sdn-to-ovn-migration-checkpoint', namespace: 'openshift-network-operator' },
      data,
    },
    'seed',
  );
}

const SDN_BACKUP = {
  'cluster-openshift-sdn.yaml': 'spec:\n  networkType: OpenShiftSDN\n',
  'network-operator.yaml': 'spec: {}\n',
  'machineconfigpools.yaml': '[]\n',
};

function expectNothingDone(h: Harness): void {
  expect(h.twin.timeline.clientWrites()).toEqual([]);
  expect(h.twin.timeline.entries.filter((e) => e.actor.startsWith('ssh'))).toEqual([]);
}

describe('a checkpoint that lies', () => {
  it('matching identity and completed steps on a never-migrated cluster: refused, zero writes (migrate and plan)', async () => {
    h = await startHarness(smallScenario());
    seedCheckpoint(h, {
      completed: [
        'backup',
        'clear-stale-migration',
        'remember-pool-configs',
        'set-migration',
        'migration-accepted',
        'ovn-settings',
        'mco-rollout',
      ],
      backup: SDN_BACKUP,
    });
    for (const mode of ['migrate', 'plan']) {
      const run = await h.run({ mode });
      expect(run.code, run.stdout.slice(-3000)).toBe(1);
      expect(run.outputs.result).toBe('refused');
      expect(run.errors[0]).toMatch(
        /disagrees with the cluster: set-migration .*recorded as done, but the cluster does not show it/,
      );
      expect(run.errors[0]).toContain('migration-accepted');
      expect(run.errors[0]).toContain(DELETE);
      expect(run.summary).toContain('This run made no change.');
      expect(run.summary).not.toContain('No change was made to the cluster');
      expectNothingDone(h);
    }
  });

  it('a recorded etcd backup whose files are not on the node is not trusted: a new one is taken first', async () => {
    // MCO takes 1 s (real) to render the migration's config, so the wait surely sees the pools still
    // Updated on their SDN config first, which differs from the seeded "before" names below.
    h = await startHarness(smallScenario({ realism: { mcoReactionSeconds: 1_000 } }));
    // Only the (local) backup step is claimed, which the restored backup file confirms.
    seedCheckpoint(h, { completed: ['backup'], backup: SDN_BACKUP, etcdSnapshot: 'snapshot_missing.db' });
    const run = await h.run({});
    expect(run.code, run.stdout.slice(-3000)).toBe(0);
    expect(run.stdout).toContain('is not on the node: a new one is taken now');
    // The seeded "before" configs were never the pools': the MCO wait sets the pools' SDN config
    // aside instead of taking it for the migration's, and waits for the one that runs OVNKubernetes.
    expect(run.stdout).toMatch(
      /pool \w+ is Updated on rendered-\w+-\w+, whose ovs-configuration.service runs "\/usr\/local\/bin\/configure-ovs.sh OpenShiftSDN".*waiting for MCO/,
    );
    // …as one wait in the log: the progress lines' clock goes on across it, under one limit.
    expectOneWaitsProgress(run.stdout, 'waiting for every MachineConfigPool');
    const entries = h.twin.timeline.entries;
    const backup = entries.findIndex((e) => e.verb === 'backup');
    const firstWrite = entries.findIndex((e) => e.actor.startsWith('client:'));
    expect(backup).toBeGreaterThanOrEqual(0);
    expect(firstWrite).toBeGreaterThan(backup);
  });
});

describe('names from the checkpoint become file names on the runner', () => {
  for (const name of ['../../../escape.txt', '..', 'sub/dir.yaml']) {
    it(`backup file name ${JSON.stringify(name)}: refused, nothing written outside the work directory`, async () => {
      h = await startHarness(smallScenario());
      seedCheckpoint(h, { completed: ['backup'], backup: { ...SDN_BACKUP, [name]: 'x' } });
      const run = await h.run({ 'artifact-name': 'names' });
      expect(run.code).toBe(1);
      expect(run.outputs.result).toBe('refused');
      expect(run.errors[0]).toContain(
        `holds a backup file name ${JSON.stringify(name)} that is not a plain file name`,
      );
      expect(run.errors[0]).toContain(DELETE);
      expectNothingDone(h);
      // Everything the run wrote is under RUNNER_TEMP/<artifact-name>; the backup was not restored.
      const work = join(run.runnerTemp, 'names');
      expect(readdirSync(run.runnerTemp)).toEqual(['names']);
      expect(existsSync(join(work, 'backup'))).toBe(false);
      expect(existsSync(join(dirname(run.runnerTemp), 'escape.txt'))).toBe(false);
    });
  }

  it('artifact-name ".." (the work directory itself outside RUNNER_TEMP): refused before contacting the cluster', async () => {
    h = await startHarness(smallScenario());
    const run = await h.run({ 'artifact-name': '..' });
    expect(run.code).toBe(1);
    expect(run.outputs.result).toBe('refused');
    expect(run.summary).toContain('Refused: input `artifact-name` is invalid');
    expect(existsSync(join(dirname(run.runnerTemp), 'report.json'))).toBe(false);
    expect(h.twin.timeline.totalRequests()).toBe(0);
  });
});
