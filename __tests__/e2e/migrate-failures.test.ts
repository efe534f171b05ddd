// How the migration fails: every failure exits 1, names what is at fault, keeps cleanup from running,
// and still uploads the backup and the reports.
import { afterEach, describe, expect, it } from 'vitest';
import { smallScenario, startHarness, type Harness } from '../helpers/twin-action.ts';
import { findType } from '../twin/resources.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const cluster = smallScenario;

const sshReboots = (h: Harness, node?: string) =>
  h.twin.timeline.entries.filter(
    (e) => e.actor.startsWith('ssh') && e.verb === 'reboot' && (!node || e.object === `Node/${node}`),
  );

describe('mode: migrate, failures and special nodes', () => {
  it('reboots a node with two InternalIPs once', async () => {
    h = await startHarness(
      cluster({
        nodes: [
          { name: 'master-0', pool: 'master' },
          { name: 'worker-0', pool: 'worker', addresses: ['127.0.3.10', '127.0.3.11'] },
        ],
      }),
    );
    const run = await h.run();
    expect(run.code, run.stdout).toBe(0);
    expect(sshReboots(h, 'worker-0')).toHaveLength(1);
    expect(sshReboots(h)).toHaveLength(2);
  });

  it('fails verification when pods stay in error after one more reboot, names them, skips cleanup, uploads the files', async () => {
    h = await startHarness(cluster({ faults: [{ kind: 'pods-error-persist', node: 'worker-1' }] }));
    const run = await h.run({ 'reboot-timeout': '10s' });
    expect(run.code).toBe(1);
    expect(run.outputs.result).toBe('failed');
    // The document: a node whose pods are in error is rebooted (once more), then the check is repeated.
    expect(sshReboots(h, 'worker-1')).toHaveLength(2);
    expect(sshReboots(h, 'worker-0')).toHaveLength(1);
    expect(run.summary).toContain('No pod in an error state');
    expect(run.summary).toMatch(/workloads\/[\w-]+ on worker-1: CrashLoopBackOff/);
    expect(run.errors.join('\n')).toContain('No pod in an error state');
    // Cleanup did not run: spec.migration and openshift-sdn are still there.
    const op = h.twin.store.get(findType('operator.openshift.io', 'networks')!, undefined, 'cluster')!;
    expect((op.spec as { migration?: unknown }).migration).toEqual({ networkType: 'OVNKubernetes' });
    expect(h.twin.store.get(findType('', 'namespaces')!, undefined, 'openshift-sdn')).toBeDefined();
    expect(run.summary).toContain('Cleanup did not run');
    // Artifacts uploaded anyway.
    const files = [...h.results.artifacts[0].files.keys()].sort();
    expect(files).toEqual([
      'backup/cluster-openshift-sdn.yaml',
      'backup/machineconfigpools.yaml',
      'backup/network-operator.yaml',
      'report.json',
      'report.md',
    ]);
    const report = JSON.parse(h.results.artifacts[0].files.get('report.json')!.toString());
    expect(report.checks.find((c: { id: string }) => c.id === 'pods-healthy').ok).toBe(false);
  });

  it('fails after reboot-timeout naming a node that never comes back', async () => {
    // On 4.6 (variant A) the pools are paused, so the action's reboot is the node's first.
    h = await startHarness(
      cluster({ version: '4.6.21', faults: [{ kind: 'node-never-returns', node: 'worker-1' }] }),
    );
    const run = await h.run({ 'reboot-timeout': '3s' });
    expect(run.code).toBe(1);
    expect(run.errors.join('\n')).toMatch(/worker-1 did not come back within 3s/);
    expect(run.summary).toContain('worker-1');
    expect(run.summary).toMatch(/What to do next/);
    // The verdict names the node; the node table, read again at the end, shows it NotReady; the
    // error is said once in what is open (the collapsed node table keeps it as the node's note).
    expect(run.summary.split('\n')[0]).toMatch(
      /^## ❌ Migration failed during .+ — worker-1 did not come back \(NotReady\)$/,
    );
    expect(run.summary).toMatch(/^\| worker-1 \|.*\| \*\*NotReady\*\* \|/m);
    const open = run.summary.slice(0, run.summary.indexOf('<details>'));
    expect(open.split('worker-1 did not come back within 3s').length - 1).toBe(1);
    expect(h.results.artifacts).toHaveLength(1);
    expect([...h.results.artifacts[0].files.keys()]).toContain('backup/cluster-openshift-sdn.yaml');
    // The checkpoint stays, with the boot IDs from before the reboot, for the next run.
    const cm = h.twin.store.get(
      findType('', 'configmaps')!,
      'openshift-network-operator',
      'sdn-to-ovn-migration-checkpoint',
    );
    const state = JSON.parse((cm!.data as Record<string, string>)['checkpoint.json']);
    expect(Object.keys(state.memory.bootIdsBefore).sort()).toEqual(['master-0', 'worker-0', 'worker-1']);
    expect(state.completedSteps).toContain('network-type');
  });

  it('names a node that MCO rebooted and that never came back, after reboot-timeout, not wait-timeout', async () => {
    // On 4.14 (variant B) MCO reboots each node first; worker-1 does not return from that reboot.
    h = await startHarness(cluster({ faults: [{ kind: 'node-never-returns', node: 'worker-1' }] }));
    const started = Date.now();
    const run = await h.run({ 'reboot-timeout': '3s', 'wait-timeout': '10m' });
    expect(run.code).toBe(1);
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(run.errors.join('\n')).toMatch(
      /worker-1 has been NotReady for [\d.]+s during the Machine Config Operator update \(reboot-timeout 3s\)/,
    );
    expect(run.summary).toMatch(/Start the migration: spec\.migration and the MCO rollout/);
    expect(sshReboots(h)).toHaveLength(0);
  });

  it('refuses before any reboot (and any change) when a host key does not match ssh-known-hosts', async () => {
    h = await startHarness(cluster());
    const lines = h.twin.ssh.knownHosts.trim().split('\n');
    const w0 = h.twin.nodes.find((n) => n.name === 'worker-0')!;
    const other = h.twin.nodes.find((n) => n.name === 'master-0')!;
    const otherKey = other.knownHostsLines[0].split(' ').slice(1).join(' ');
    const forged = lines
      .map((l) => (w0.knownHostsLines.includes(l) ? `${l.split(' ')[0]} ${otherKey}` : l))
      .join('\n');
    const run = await h.run({ 'ssh-known-hosts': forged });
    expect(run.code).toBe(1);
    expect(run.errors.join('\n')).toMatch(/host key.*worker-0|worker-0.*host key/i);
    expect(sshReboots(h)).toHaveLength(0);
    expect(h.twin.timeline.clientWrites()).toHaveLength(0);
  });
});
