// runPreflight against the twin, check by check: what passes on a healthy cluster, and what each
// unhealthy or unsupported state produces (blocking or warn, with the fix). Never a client write.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { refusalFor, runPreflight, PreflightRefused } from '../../src/checks/preflight.ts';
import { variantA } from '../../src/procedure/variant-a.ts';
import { variantB } from '../../src/procedure/variant-b.ts';
import type { CheckRecord } from '../../src/report/model.ts';
import { startTwin, type Twin } from '../twin/index.ts';
import { findType } from '../twin/resources.ts';
import type { ScenarioInput } from '../twin/scenario.ts';
import { contextFor, type TestContext } from './support.ts';

const small = (over: Partial<ScenarioInput> = {}): ScenarioInput => ({
  version: '4.6.21',
  nodes: [{ name: 'master-0' }, { name: 'worker-0' }, { name: 'worker-1', mtu: 9000 }],
  podsPerNode: 1,
  timing: { msPerSecond: 1, etcdBackupSeconds: 1 },
  ...over,
});

const FEATURES: ScenarioInput['sdnFeatures'] = {
  egressIPs: [{ namespace: 'payments', ips: ['10.0.0.50', '10.0.0.51'] }],
  hostSubnetEgressIPs: [{ node: 'worker-0', ips: ['10.0.0.50'] }],
  egressFirewalls: [{ namespace: 'payments', name: 'default', deny: ['0.0.0.0/0'] }],
  multicastNamespaces: ['video'],
};

const byId = (checks: CheckRecord[], id: string) => {
  const c = checks.find((x) => x.id === `preflight-${id}`);
  if (!c) throw new Error(`no check ${id}: ${checks.map((x) => x.id).join(', ')}`);
  return c;
};

const open: TestContext[] = [];
function context(twin: Twin, over: Parameters<typeof contextFor>[1] = {}) {
  const t = contextFor(twin, over);
  open.push(t);
  return t.ctx;
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((t) => t.close()));
});

describe('a healthy 4.6 cluster with egress IPs, an egress firewall and a multicast namespace', () => {
  let twin: Twin;
  beforeAll(async () => {
    twin = await startTwin(small({ sdnFeatures: FEATURES }));
  });
  afterAll(async () => twin.stop());

  it('passes every blocking check, reads the MTUs over SSH, inventories the features and writes nothing', async () => {
    const ctx = context(twin, { mtu: 1400 });
    const checks = await runPreflight(ctx, variantA, { mode: 'migrate', runner: { env: {} } });
    expect(refusalFor(checks)).toBeUndefined();
    expect(checks.map((c) => c.id.replace('preflight-', ''))).toEqual([
      'api',
      'permissions',
      'version',
      'network-type',
      'no-migration-in-progress',
      'nodes-ready',
      'operators-healthy',
      'pools-healthy',
      'pools-not-paused',
      'network-ranges',
      'ssh',
      'mtu',
      'runner-outside-cluster',
      'platform',
      'sdn-features',
      'egress-router',
      'nmstate-primary-interface',
      'pdb-evictions',
      'sdn-namespace-daemonsets',
      'primary-interface-extras',
      'cluster-size',
      'etcd-backup',
    ]);
    // Issue 16's checks pass on a cluster without their conditions (the twin's DaemonSets are CNO's).
    for (const id of [
      'egress-router',
      'nmstate-primary-interface',
      'pdb-evictions',
      'sdn-namespace-daemonsets',
      'primary-interface-extras',
      'cluster-size',
    ])
      expect(byId(checks, id).ok, id).toBe(true);
    expect(byId(checks, 'mtu').detail).toBe(
      'mtu 1400 ≤ 1400: smallest node MTU 1500 (master-0, ens3); 3 node(s) read',
    );
    expect(byId(checks, 'network-ranges').detail).toContain('machine network 10.0.0.0/16');
    const features = byId(checks, 'sdn-features');
    expect(features).toMatchObject({ ok: false, severity: 'warn' });
    expect(features.detail).toMatch(/4\.6 does not convert them/);
    expect(ctx.report.inventory).toEqual({
      egressIPs: ['NetNamespace payments: 10.0.0.50, 10.0.0.51', 'HostSubnet worker-0: 10.0.0.50'],
      egressFirewalls: ['payments/default'],
      multicastNamespaces: ['video'],
    });
    expect(ctx.report.checks).toEqual(checks);
    expect(ctx.report.estimate?.totalMs).toBeGreaterThan(0);
    expect(ctx.report.node('worker-1').notes).toContain('MTU 9000 (ens3)');
    expect(ctx.report.node('worker-1').hostKey).toMatch(/^SHA256:/);
    expect(ctx.report.warnings.some((w) => w.includes('does not convert'))).toBe(true);
    expect(ctx.report.phases[0]).toMatchObject({ id: 'preflight', outcome: 'ok' });
    expect(twin.timeline.clientWrites()).toEqual([]);
  });

  it('refuses an mtu above the smallest node MTU minus 100, saying the largest allowed', async () => {
    const ctx = context(twin, { mtu: 1450 });
    const checks = await runPreflight(ctx, variantA, { mode: 'migrate', runner: { env: {} } });
    const mtu = byId(checks, 'mtu');
    expect(mtu).toMatchObject({ ok: false, severity: 'blocking' });
    expect(mtu.detail).toContain('set the mtu input to at most 1400');
    const refusal = refusalFor(checks);
    expect(refusal).toBeInstanceOf(PreflightRefused);
    expect(refusal!.checks.map((c) => c.id)).toEqual(['preflight-mtu']);
    expect(refusal!.message).toMatch(
      /^Preflight refused the migration \(no change was made\): 1 blocking check/,
    );
  });

  it('refuses mixed node MTUs (1500 and 9000) when mtu is not set, naming the mtu to set', async () => {
    const checks = await runPreflight(context(twin), variantA, { mode: 'migrate', runner: { env: {} } });
    const mtu = byId(checks, 'mtu');
    expect(mtu).toMatchObject({ ok: false, severity: 'blocking' });
    expect(mtu.detail).toContain('set the mtu input to 1400 (smallest node MTU 1500 on master-0 − 100)');
    expect(mtu.items).toEqual(['MTU 1500: 2 node(s) — master-0, worker-0', 'MTU 9000: 1 node(s) — worker-1']);
    expect(twin.timeline.clientWrites()).toEqual([]);
  });

  it('in plan mode with node-access: ssh and no SSH key, reports SSH and the MTU as not checked (warn) instead of failing', async () => {
    const ctx = context(twin, {
      mode: 'plan',
      mtu: 1400,
      nodeAccess: { kind: 'ssh', requested: 'ssh', why: 'node-access: ssh' },
      ssh: { user: 'core', port: twin.ssh.port },
    });
    const checks = await runPreflight(ctx, variantA, { mode: 'plan', runner: { env: {} } });
    expect(byId(checks, 'ssh')).toMatchObject({ ok: false, severity: 'warn' });
    expect(byId(checks, 'mtu')).toMatchObject({ ok: false, severity: 'warn' });
    expect(refusalFor(checks)).toBeUndefined();
    expect(ctx.report.node('worker-0').notes).toContain('will be rebooted');
  });

  it('without an SSH key (auto → api), checks exec permission, MCD pods and the MTU through pods/exec', async () => {
    const ctx = context(twin, { mode: 'plan', mtu: 1400, ssh: { user: 'core', port: twin.ssh.port } });
    const checks = await runPreflight(ctx, variantA, { mode: 'plan', runner: { env: {} } });
    expect(checks.find((c) => c.id === 'preflight-ssh')).toBeUndefined();
    expect(byId(checks, 'node-access-permission')).toMatchObject({ ok: true });
    expect(byId(checks, 'node-access-mcd-pods')).toMatchObject({ ok: true });
    const exec = byId(checks, 'node-access-exec');
    expect(exec.ok, `${exec.detail} ${JSON.stringify(exec.items)}`).toBe(true);
    expect(byId(checks, 'mtu')).toMatchObject({ ok: true });
    expect(refusalFor(checks)).toBeUndefined();
  });

  it('refuses when the runner is a pod of this cluster, and not when it is a pod elsewhere', async () => {
    const pod = twin.store.list(findType('', 'pods')!, 'workloads')[0];
    const dir = mkdtempSync(join(tmpdir(), 'sa-'));
    const namespaceFile = join(dir, 'namespace');
    writeFileSync(namespaceFile, 'workloads\n');
    const env = { KUBERNETES_SERVICE_HOST: '172.30.0.1', HOSTNAME: pod.metadata.name };
    const inside = await runPreflight(context(twin), variantA, {
      mode: 'migrate',
      runner: { env, namespaceFile },
    });
    const c = byId(inside, 'runner-outside-cluster');
    expect(c.ok).toBe(false);
    expect(c.detail).toContain(`pod workloads/${pod.metadata.name} on node`);
    const elsewhere = await runPreflight(context(twin), variantA, {
      mode: 'migrate',
      runner: { env: { ...env, HOSTNAME: 'runner-abc12' }, namespaceFile },
    });
    expect(byId(elsewhere, 'runner-outside-cluster')).toMatchObject({ ok: true });
    const noFile = await runPreflight(context(twin), variantA, {
      mode: 'migrate',
      runner: { env, namespaceFile: join(dir, 'missing') },
    });
    expect(byId(noFile, 'runner-outside-cluster').ok).toBe(true);
  });

  it('lists every missing permission for a read-only user', async () => {
    const ctx = context(twin, { kubeconfig: twin.readonlyKubeconfig });
    const checks = await runPreflight(ctx, variantA, { mode: 'migrate', runner: { env: {} } });
    const perms = byId(checks, 'permissions');
    expect(perms.ok).toBe(false);
    expect(perms.items).toEqual([
      'patch networks.operator.openshift.io (to set the migration annotation / spec.migration and ovnKubernetesConfig)',
      'patch networks.config.openshift.io (to set spec.networkType)',
      'patch machineconfigpools.machineconfiguration.openshift.io (to pause and resume pools)',
      'delete namespaces (to delete openshift-sdn in cleanup)',
    ]);
    expect(twin.timeline.clientWrites()).toEqual([]);
  });

  it('refuses a migration someone else started, unless the hook says it is our own run', async () => {
    const networks = findType('operator.openshift.io', 'networks')!;
    const op = twin.store.get(networks, undefined, 'cluster')!;
    twin.store.update(
      {
        ...op,
        metadata: {
          ...op.metadata,
          annotations: { ...op.metadata.annotations, 'networkoperator.openshift.io/network-migration': '' },
        },
      },
      'someone',
    );
    try {
      const foreign = await runPreflight(context(twin), variantA, { mode: 'migrate', runner: { env: {} } });
      const c = byId(foreign, 'no-migration-in-progress');
      expect(c.ok).toBe(false);
      expect(c.items).toEqual([
        'Network.operator.openshift.io cluster has the annotation networkoperator.openshift.io/network-migration (4.5–4.7 migration)',
      ]);
      const own = await runPreflight(context(twin), variantA, {
        mode: 'migrate',
        ownRunInProgress: true,
        runner: { env: {} },
      });
      expect(byId(own, 'no-migration-in-progress')).toMatchObject({ ok: true });
    } finally {
      const now = twin.store.get(networks, undefined, 'cluster')!;
      delete now.metadata.annotations!['networkoperator.openshift.io/network-migration'];
      twin.store.update(now, 'someone');
    }
  });
});

describe('clusters that must be refused or warned about', () => {
  const twins: Twin[] = [];
  afterAll(async () => Promise.all(twins.map((t) => t.stop())));
  const twinOf = async (sc: ScenarioInput) => {
    const t = await startTwin(sc);
    twins.push(t);
    return t;
  };

  it('Multitenant mode, an overlapping cluster network, a NotReady node, a Degraded operator and pool', async () => {
    const twin = await twinOf(
      small({
        network: { sdnMode: 'Multitenant', clusterNetwork: [{ cidr: '100.64.0.0/14', hostPrefix: 23 }] },
        nodes: [{ name: 'master-0' }, { name: 'worker-0', ready: false }, { name: 'worker-1' }],
        clusterOperators: [{ name: 'dns', degraded: true, message: 'DNS default is degraded' }],
        pools: [{ name: 'worker', degraded: 'failed to drain node worker-1' }],
      }),
    );
    const checks = await runPreflight(context(twin), variantA, { mode: 'migrate', runner: { env: {} } });
    const failed = refusalFor(checks)!.checks.map((c) => c.id.replace('preflight-', ''));
    expect(failed).toEqual([
      'network-type',
      'nodes-ready',
      'operators-healthy',
      'pools-healthy',
      'network-ranges',
    ]);
    expect(byId(checks, 'network-type').detail).toMatch(
      /Multitenant isolation mode .* NetworkPolicy mode only/,
    );
    expect(byId(checks, 'nodes-ready').items).toEqual(['worker-0: Ready=False (KubeletNotReady)']);
    expect(byId(checks, 'operators-healthy').items?.[0]).toMatch(
      /^dns: .*Degraded=True — DNS default is degraded/,
    );
    expect(byId(checks, 'pools-healthy').items?.[0]).toMatch(
      /^worker: Degraded — .*failed to drain node worker-1/,
    );
    expect(byId(checks, 'network-ranges').items).toEqual([
      'cluster network 100.64.0.0/14 overlaps 100.64.0.0/16 (OVN-Kubernetes join switch (v4InternalSubnet))',
    ]);
    expect(twin.timeline.clientWrites()).toEqual([]);
  });

  it('a paused pool: a warning with its original state for procedure A, blocking for procedure B', async () => {
    const twin = await twinOf(small({ version: '4.14.12', pools: [{ name: 'worker', paused: true }] }));
    const b = byId(
      await runPreflight(context(twin), variantB, { mode: 'migrate', runner: { env: {} } }),
      'pools-not-paused',
    );
    expect(b).toMatchObject({ ok: false, severity: 'blocking' });
    expect(b.detail).toMatch(/would stall the migration: unpause it/);
    const a = byId(
      await runPreflight(context(twin), variantA, { mode: 'plan', runner: { env: {} } }),
      'pools-not-paused',
    );
    expect(a).toMatchObject({ ok: false, severity: 'warn' });
    expect(a.items?.slice(0, 2)).toEqual(['master: spec.paused false', 'worker: spec.paused true']);
    expect(a.items?.[2]).toMatch(
      /^MachineConfigPool\.machineconfiguration\.openshift\.io\/worker: paused, no change held back \(spec and status both on rendered-worker-\w+\)$/,
    );
    expect(a.detail).toMatch(/they are paused again after verification/);
  });

  it('no install-config: the machine network is a warning, an undocumented platform too; 4.14 converts SDN features', async () => {
    const twin = await twinOf(
      small({
        version: '4.14.12',
        platform: 'Nutanix',
        installConfig: false,
        sdnFeatures: { multicastNamespaces: ['video'] },
      }),
    );
    // worker-1's MTU is 9000: with node MTUs mixed, the mtu must be given.
    const ctx = context(twin, { mtu: 1400 });
    const checks = await runPreflight(ctx, variantB, { mode: 'plan', runner: { env: {} } });
    expect(refusalFor(checks)).toBeUndefined();
    expect(byId(checks, 'machine-network')).toMatchObject({ ok: false, severity: 'warn' });
    expect(byId(checks, 'platform')).toMatchObject({ ok: false, severity: 'warn' });
    expect(byId(checks, 'platform').detail).toMatch(
      /Nutanix is not one the documentation lists for OpenShift 4\.14/,
    );
    expect(byId(checks, 'sdn-features')).toMatchObject({ ok: true });
    expect(byId(checks, 'sdn-features').detail).toMatch(/4\.14 converts them/);
    expect(ctx.report.cluster.platform).toBe('Nutanix');
  });

  it('SSH problems are blocking and name the nodes: sudo asking for a password', async () => {
    const twin = await twinOf(small({ faults: [{ kind: 'sudo-password', node: 'worker-1' }] }));
    const checks = await runPreflight(context(twin), variantA, { mode: 'migrate', runner: { env: {} } });
    const ssh = byId(checks, 'ssh');
    expect(ssh.ok).toBe(false);
    expect(ssh.items).toHaveLength(1);
    expect(ssh.items![0]).toMatch(/^worker-1: sudo asked for a password for user core/);
  });
});
