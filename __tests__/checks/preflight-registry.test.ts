// The preflight runner and single checks, without a cluster: which checks apply, how an error inside a
// check is recorded, and each check's outcome from plain facts.
import { describe, expect, it } from 'vitest';
import { applies, evaluate, runChecks } from '../../src/checks/preflight/runner.ts';
import { PREFLIGHT_CHECKS } from '../../src/checks/preflight/registry.ts';
import { etcdBackupCheck } from '../../src/checks/preflight/etcd-backup.ts';
import { machineNetworkCheck } from '../../src/checks/preflight/machine-network.ts';
import { nodesReadyCheck } from '../../src/checks/preflight/nodes-ready.ts';
import { networkTypeCheck } from '../../src/checks/preflight/network-type.ts';
import { noMigrationInProgressCheck } from '../../src/checks/preflight/no-migration-in-progress.ts';
import { poolsNotPausedCheck } from '../../src/checks/preflight/pools-not-paused.ts';
import type { KObject } from '../../src/cluster/types.ts';
import { networkRangesCheck } from '../../src/checks/preflight/network-ranges.ts';
import { sshCheck } from '../../src/checks/preflight/ssh.ts';
import type { PreflightCheck } from '../../src/checks/preflight/types.ts';
import { variantB } from '../../src/procedure/variant-b.ts';
import { fakeFacts, networkConfig, node } from './preflight-fakes.ts';

describe('the registry', () => {
  it('has one check per id, every id kebab-case, every title non-empty', () => {
    const ids = PREFLIGHT_CHECKS.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const c of PREFLIGHT_CHECKS) {
      expect(c.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(typeof c.title === 'function' ? c.title(fakeFacts()) : c.title).not.toBe('');
    }
  });
});

describe('the runner', () => {
  const check = (over: Partial<PreflightCheck>): PreflightCheck => ({
    id: 'x',
    title: 'X',
    severity: 'blocking',
    run: () => ({ ok: true, detail: 'fine' }),
    ...over,
  });

  it('skips a check whose variant, mode or condition does not match, and records the rest in order', async () => {
    const f = fakeFacts({ variant: variantB, opts: { mode: 'plan' } });
    const checks = [
      check({ id: 'only-a', applies: { variants: ['A'] } }),
      check({ id: 'only-migrate', applies: { modes: ['migrate'] } }),
      check({ id: 'never', applies: { when: async () => false } }),
      check({ id: 'b-plan', applies: { variants: ['B'], modes: ['plan'] } }),
      check({ id: 'always' }),
    ];
    expect(await Promise.all(checks.map((c) => applies(c, f)))).toEqual([false, false, false, true, true]);
    const records = await runChecks(f, checks);
    expect(records.map((r) => r.id)).toEqual(['preflight-b-plan', 'preflight-always']);
    expect(f.ctx.report.checks).toEqual(records);
  });

  it('records a check that throws as failed with the reason, at its own severity', async () => {
    const r = await evaluate(
      check({
        severity: 'warn',
        run: () => {
          throw new Error('the API said no');
        },
      }),
      fakeFacts(),
    );
    expect(r).toEqual({
      id: 'preflight-x',
      title: 'X',
      ok: false,
      severity: 'warn',
      detail: 'could not be checked: the API said no',
    });
  });

  it('lets an outcome override the severity and caps the items at 200', async () => {
    const r = await evaluate(
      check({
        run: () => ({
          ok: false,
          severity: 'warn',
          detail: 'many',
          items: Array.from({ length: 250 }, (_, i) => `n${i}`),
        }),
      }),
      fakeFacts(),
    );
    expect(r.severity).toBe('warn');
    expect(r.items).toHaveLength(200);
  });
});

describe('single checks from plain facts', () => {
  it('nodes-ready names each NotReady node with its reason, and fails when nodes cannot be listed', async () => {
    const o = await nodesReadyCheck.run(fakeFacts({ nodes: [node('master-0'), node('worker-0', false)] }));
    expect(o).toMatchObject({ ok: false, items: ['worker-0: Ready=False (KubeletNotReady)'] });
    const r = await evaluate(nodesReadyCheck, fakeFacts({ nodes: undefined }));
    expect(r).toMatchObject({ ok: false, detail: 'could not be checked: the nodes could not be listed' });
  });

  it('network-ranges names an overlapping service network', async () => {
    const o = await networkRangesCheck.run(
      fakeFacts({ config: networkConfig(['10.128.0.0/14'], ['100.88.0.0/16']) }),
    );
    expect(o.ok).toBe(false);
    expect(o.items?.[0]).toMatch(/^service network 100\.88\.0\.0\/16 overlaps 100\.88\.0\.0\/16/);
  });

  it('machine-network applies only when the install-config could not be read', async () => {
    expect(
      await applies(machineNetworkCheck, fakeFacts({ machineNetworks: { cidrs: ['10.0.0.0/16'] } })),
    ).toBe(false);
    const f = fakeFacts({
      machineNetworks: { problem: 'ConfigMap kube-system/cluster-config-v1 has no install-config' },
    });
    expect(await applies(machineNetworkCheck, f)).toBe(true);
    expect((await machineNetworkCheck.run(f)).detail).toMatch(
      /has no install-config — the machine network was not checked/,
    );
  });

  it('ssh: without a key a warning; with failed probes blocking, identical errors grouped', async () => {
    const noKey = await sshCheck.run(fakeFacts({ nodes: [node('worker-0')], probes: undefined }));
    expect(noKey).toMatchObject({ ok: false, severity: 'warn' });
    const failed = await sshCheck.run(
      fakeFacts({
        nodes: [node('worker-0')],
        probes: [
          { name: 'worker-0', error: 'connection refused' },
          { name: 'worker-1', error: 'connection refused' },
          { name: 'master-0', mtu: 1500, iface: 'ens3' },
        ],
      }),
    );
    expect(failed).toMatchObject({ ok: false, items: ['connection refused (2 nodes: worker-0, worker-1)'] });
    expect(failed.severity).toBeUndefined();
  });

  it('etcd-backup: applies in migrate mode or when asked for; blocking without a Ready master', async () => {
    expect(
      await applies(etcdBackupCheck, fakeFacts({ opts: { mode: 'plan' }, settings: { etcdBackup: false } })),
    ).toBe(false);
    const o = await etcdBackupCheck.run(fakeFacts({ nodes: [node('worker-0')] }));
    expect(o).toMatchObject({ ok: false, severity: 'blocking' });
    const off = await etcdBackupCheck.run(fakeFacts({ settings: { etcdBackup: false } }));
    expect(off).toMatchObject({ ok: false });
    expect(off.severity).toBeUndefined();
  });
});

describe('more single checks from plain facts', () => {
  const operator = (spec: Record<string, unknown>, annotations: Record<string, string> = {}): KObject => ({
    apiVersion: 'operator.openshift.io/v1',
    kind: 'Network',
    metadata: { name: 'cluster', annotations },
    spec,
  });
  const config = networkConfig(['10.128.0.0/14'], ['172.30.0.0/16']);

  it('network-type: NetworkPolicy passes; Multitenant, Subnet and OVN-Kubernetes are refused with the fix', async () => {
    const run = (spec: Record<string, unknown>, cfg = config) =>
      networkTypeCheck.run(fakeFacts({ operator: operator(spec), config: cfg }));
    expect(await run({})).toMatchObject({ ok: true });
    expect((await run({ defaultNetwork: { openshiftSDNConfig: { mode: 'Multitenant' } } })).detail).toMatch(
      /Multitenant isolation mode/,
    );
    expect((await run({ defaultNetwork: { openshiftSDNConfig: { mode: 'Subnet' } } })).detail).toMatch(
      /in Subnet mode — .*set Network\.operator spec\.defaultNetwork\.openshiftSDNConfig\.mode to NetworkPolicy/,
    );
    const ovn = { ...config, status: { networkType: 'OVNKubernetes' } };
    expect((await run({}, ovn)).detail).toMatch(/^the network type is OVNKubernetes, not OpenShiftSDN/);
    expect(await networkTypeCheck.run(fakeFacts({ config }))).toMatchObject({ ok: false });
  });

  it('no-migration-in-progress: names spec.migration; passes it when it is our own unfinished run', async () => {
    const op = operator({ migration: { networkType: 'OVNKubernetes' } });
    const foreign = await noMigrationInProgressCheck.run(fakeFacts({ operator: op, config }));
    expect(foreign).toMatchObject({
      ok: false,
      items: ['Network.operator.openshift.io cluster spec.migration = {"networkType":"OVNKubernetes"}'],
    });
    const own = await noMigrationInProgressCheck.run(
      fakeFacts({ operator: op, config, opts: { ownRunInProgress: true } }),
    );
    expect(own.ok).toBe(true);
  });

  it('pools-not-paused: for A a warning naming what the pool holds back; for B blocking', async () => {
    const pools: KObject[] = [
      { apiVersion: 'v1', kind: 'MachineConfigPool', metadata: { name: 'master' }, spec: { paused: false } },
      {
        apiVersion: 'v1',
        kind: 'MachineConfigPool',
        metadata: { name: 'worker' },
        spec: { paused: true, configuration: { name: 'rendered-worker-b', source: [{ name: '99-x' }] } },
        status: { configuration: { name: 'rendered-worker-a', source: [] } },
      },
    ];
    const a = await poolsNotPausedCheck.run(fakeFacts({ pools }));
    expect(a.severity).toBeUndefined(); // the check's own: warn
    expect(a.items?.[2]).toMatch(
      /worker: paused, holding back spec rendered-worker-b vs status rendered-worker-a; MachineConfigs that differ: \+99-x/,
    );
    const b = await poolsNotPausedCheck.run(fakeFacts({ pools, variant: variantB }));
    expect(b).toMatchObject({ ok: false, severity: 'blocking' });
  });
});
