// Preflight end to end, beyond the refusals in bad-input.test.ts: what the approver reads in a plan
// (SDN features inventoried, SSH not checked without a key, a migrate that would be refused), and the
// etcd backup as the last gate before the first change.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/twin-action.ts';
import type { ScenarioInput } from '../twin/scenario.ts';

const small = (over: Partial<ScenarioInput> = {}): ScenarioInput => ({
  version: '4.10.40',
  nodes: [{ name: 'master-0' }, { name: 'worker-0' }, { name: 'worker-1' }],
  podsPerNode: 1,
  timing: { msPerSecond: 1, etcdBackupSeconds: 1 },
  ...over,
});

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const report = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

describe('mode: plan', () => {
  it('inventories egress IPs, egress firewalls and multicast namespaces, warns that 4.10 does not convert them, and checks SSH only when given a key', async () => {
    h = await startHarness(
      small({
        platform: 'VSphere',
        sdnFeatures: {
          egressIPs: [{ namespace: 'payments', ips: ['10.0.0.50'] }],
          egressFirewalls: [{ namespace: 'payments', name: 'default', deny: ['10.9.0.0/16'] }],
          multicastNamespaces: ['video', 'trading'],
        },
      }),
    );
    // node-access: ssh chosen without a key: SSH is reported as not checked (auto would take the API path).
    const run = await h.run({
      mode: 'plan',
      'node-access': 'ssh',
      'ssh-private-key': '',
      'ssh-known-hosts': '',
    });
    expect(run.code, run.stdout).toBe(0);
    expect(run.outputs.result).toBe('planned');
    expect(h.twin.timeline.clientWrites()).toEqual([]);
    const r = report(run.outputs['report-path']);
    expect(r.inventory).toEqual({
      egressIPs: ['NetNamespace payments: 10.0.0.50'],
      egressFirewalls: ['payments/default'],
      multicastNamespaces: ['trading', 'video'],
    });
    const warned = (r.warnings as string[]).join('\n');
    expect(warned).toMatch(/OpenShift 4\.10 does not convert them/);
    expect(warned).toMatch(/not checked: no ssh-private-key/);
    expect(r.checks.find((c: { id: string }) => c.id === 'preflight-platform')).toMatchObject({ ok: true });
    expect(run.summary).toContain('SDN features that change form in the migration');
    expect(run.summary).toMatch(/Multicast-enabled namespaces \| 2 \| trading<br>video/);
    // Warnings are listed, never collapsed, under the verdict that counts them.
    expect(run.summary).toMatch(/^## ✅ \d+\/\d+ checks pass, \d+ warnings —/);
    expect(run.summary).toContain('### Warnings\n- ⚠️');
  });

  it('still writes the plan when a blocking check fails, and fails as refused so no approval is asked', async () => {
    h = await startHarness(small({ nodes: [{ name: 'master-0' }, { name: 'worker-0', ready: false }] }));
    const run = await h.run({ mode: 'plan' });
    expect(run.code, run.stdout).toBe(1);
    expect(run.outputs.result).toBe('refused');
    expect(run.errors[0]).toMatch(
      /^Preflight refused the migration \(no change was made\).*Every node Ready/,
    );
    const r = report(run.outputs['report-path']);
    expect(r.plan.length).toBeGreaterThan(5);
    expect(r.warnings).toContain(
      'mode: migrate would be refused: Every node Ready; Every MachineConfigPool Updated and not Degraded — fix these before approving',
    );
    // The summary says it once, as its verdict with the checks under it (the warning is for the log
    // and the annotations); the objects and evidence follow under "What happened".
    expect(run.summary).toMatch(
      /^## ⛔ migrate would be refused — 2 blocking checks:\n\n- Every node Ready — .*\n- Every MachineConfigPool Updated and not Degraded — /,
    );
    expect(run.summary).not.toContain('mode: migrate would be refused');
    expect(run.summary).toContain(
      '### What happened\nThe blocking checks listed at the top stopped the run before any change.\n\n- ❌ **Every node Ready**: worker-0: Ready=False',
    );
    expect(run.summary.split('1 of 2 node(s) NotReady').length - 1).toBe(1);
    expect(h.twin.timeline.clientWrites()).toEqual([]);
  });
});

describe('mode: migrate, the etcd backup', () => {
  it('a backup that cannot be taken (no control-plane node) refuses the migration with no change', async () => {
    h = await startHarness(small({ nodes: [{ name: 'worker-0' }, { name: 'worker-1' }] }));
    const run = await h.run();
    expect(run.code).toBe(1);
    expect(run.outputs.result).toBe('refused');
    // Known before any change: preflight refuses, naming the backup's need for a Ready master.
    expect(run.errors[0]).toMatch(
      /^Preflight refused the migration \(no change was made\).*etcd backup before the first change\] no Ready control-plane node to run cluster-backup\.sh on/,
    );
    expect(run.summary).toContain('No change was made to the cluster.');
    expect(h.twin.timeline.clientWrites()).toEqual([]);
  });

  it('etcd-backup: false migrates without a backup, and the report says none was taken', async () => {
    h = await startHarness(small({ version: '4.14.12' }));
    const run = await h.run({ 'etcd-backup': 'false' });
    expect(run.code, run.stdout).toBe(0);
    expect(run.outputs.result).toBe('migrated');
    expect(h.twin.timeline.entries.filter((e) => e.verb === 'backup')).toEqual([]);
    const r = report(run.outputs['report-path']);
    expect(r.etcdBackup).toBeUndefined();
    expect(r.settings.etcdBackup).toBe(false);
    expect(r.checks.find((c: { id: string }) => c.id === 'preflight-etcd-backup')).toMatchObject({
      ok: false,
      severity: 'warn',
    });
    expect(run.stdout).toContain('etcd-backup is false: no etcd backup is taken');
  }, 120_000);
});
