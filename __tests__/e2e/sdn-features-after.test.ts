// After the migration, what OpenShift SDN had is still there (issue 16): on 4.14 the network operator
// converts egress IPs, egress firewalls and multicast and the after-check matches each object — and fails
// the run when the conversion drops one; on 4.10 nothing is converted, the artifact carries
// converted/*.yaml, and once those are applied with kubectl a verify run passes the same check.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { smallScenario, startHarness, type Harness } from '../helpers/twin-action.ts';
import type { ScenarioInput } from '../twin/scenario.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const FEATURES: ScenarioInput['sdnFeatures'] = {
  egressIPs: [{ namespace: 'payments', ips: ['10.0.0.50', '10.0.0.51'] }],
  hostSubnetEgressIPs: [{ node: 'worker-0', ips: ['10.0.0.50'] }],
  egressFirewalls: [
    { namespace: 'payments', name: 'deny-partners', deny: ['10.9.0.0/16', '192.168.0.0/24'] },
  ],
  multicastNamespaces: ['video'],
};

type Check = { id: string; ok: boolean; severity: string; detail: string; items?: string[] };
const conversion = (path: string): Check | undefined =>
  (JSON.parse(readFileSync(path, 'utf8')).checks as Check[]).find((c) => c.id === 'sdn-features-converted');

function kubectl(kubeconfigPath: string, args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(
      '/usr/bin/kubectl',
      ['--kubeconfig', kubeconfigPath, ...args],
      { env: { PATH: process.env.PATH ?? '', HOME: '/tmp' }, timeout: 60_000 },
      (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, out: stdout + stderr }),
    );
  });
}

describe('4.14: the network operator converts, the after-check matches', () => {
  it('passes and lists each object matched', async () => {
    h = await startHarness(smallScenario({ sdnFeatures: FEATURES }));
    const run = await h.run();
    expect(run.code, run.stdout).toBe(0);
    expect(run.outputs.result).toBe('migrated');
    const c = conversion(run.outputs['report-path'])!;
    expect(c).toMatchObject({ ok: true, severity: 'blocking', detail: '5 matched, 0 missing' });
    expect(c.items).toEqual([
      'matched: EgressNetworkPolicy payments/deny-partners → EgressFirewall payments/default with the same 3 rule(s) in order',
      'matched: egress IP 10.0.0.50 of namespace payments → EgressIP egressip-payments',
      'matched: egress IP 10.0.0.51 of namespace payments → EgressIP egressip-payments',
      'matched: egress node worker-0 → label k8s.ovn.org/egress-assignable',
      'matched: multicast namespace video → annotation k8s.ovn.org/multicast-enabled: "true"',
    ]);
  }, 180_000);

  it('fails the run when the conversion drops the EgressFirewall', async () => {
    h = await startHarness(
      smallScenario({
        sdnFeatures: FEATURES,
        faults: [{ kind: 'conversion-drops', object: 'EgressFirewall/payments/default' }],
      }),
    );
    const run = await h.run();
    expect(run.code, run.stdout).toBe(1);
    expect(h.twin.faults.fired.get('conversion-drops')).toBe(1);
    const c = conversion(run.outputs['report-path'])!;
    expect(c.ok).toBe(false);
    expect(c.items?.[0]).toBe(
      'missing: EgressNetworkPolicy payments/deny-partners: no EgressFirewall payments/default with the same 3 rule(s) in order',
    );
    expect(run.errors.join('\n')).toMatch(/Egress IPs, egress firewalls and multicast carried over/);
  }, 180_000);

  it('migrate-multicast: false is honoured by the operator and listed, not failed', async () => {
    h = await startHarness(smallScenario({ sdnFeatures: FEATURES }));
    const run = await h.run({ 'migrate-multicast': 'false' });
    expect(run.code, run.stdout).toBe(0);
    const c = conversion(run.outputs['report-path'])!;
    expect(c.ok).toBe(true);
    expect(c.items).toContain('multicast namespace video: not converted (migrate-multicast: false)');
  }, 180_000);
});

describe('4.10: nothing is converted; the manifests the artifact carries make the after-check pass', () => {
  it('writes converted/*.yaml, warns to apply them, and a verify run passes once kubectl applied them', async () => {
    h = await startHarness(smallScenario({ version: '4.10.40', sdnFeatures: FEATURES }));
    const run = await h.run();
    expect(run.code, run.stdout).toBe(0);
    const report = JSON.parse(readFileSync(run.outputs['report-path'], 'utf8'));
    const before = conversion(run.outputs['report-path'])!;
    expect(before).toMatchObject({ ok: false, severity: 'warn' });
    expect(before.items).toHaveLength(5);
    const converted = (report.backup.files as string[]).filter((f) => /[\\/]converted[\\/]/.test(f));
    expect(converted.map((f) => f.split(/[\\/]/).pop()).sort()).toEqual([
      'egress-nodes.yaml',
      'egressfirewalls.yaml',
      'egressips.yaml',
      'multicast-namespaces.yaml',
    ]);
    expect((report.warnings as string[]).join('\n')).toMatch(/apply these after the migration/);
    expect(run.summary).toContain('apply these after the migration');
    for (const f of converted) {
      expect(existsSync(f)).toBe(true);
      // --validate=false only because the twin serves no OpenAPI document yet (another change adds it).
      const applied = await kubectl(h.twin.kubeconfigPath, ['apply', '--validate=false', '-f', f]);
      expect(applied.code, applied.out).toBe(0);
    }
    const again = await h.run();
    expect(again.code, again.stdout).toBe(0);
    expect(again.outputs.result).toBe('already-migrated');
    const after = conversion(again.outputs['report-path']);
    expect(after, JSON.stringify(after?.items)).toMatchObject({
      ok: true,
      detail: '5 matched, 0 missing',
    });
  }, 240_000);
});
