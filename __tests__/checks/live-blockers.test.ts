// The live migration's blockers as preflight checks (each blocking for live with evidence and a fix),
// the 150-node warning, never mixing offline and live triggers, and the live estimate.
import { describe, expect, it } from 'vitest';
import type { KObject } from '../../src/cluster/types.ts';
import { estimateDuration } from '../../src/checks/estimate.ts';
import { clusterSizeCheck } from '../../src/checks/preflight/cluster-size.ts';
import { hostedControlPlaneCheck } from '../../src/checks/preflight/hosted-control-plane.ts';
import { networkTypeCheck } from '../../src/checks/preflight/network-type.ts';
import { noMigrationInProgressCheck } from '../../src/checks/preflight/no-migration-in-progress.ts';
import { pdbEvictionsCheck } from '../../src/checks/preflight/pdb-evictions.ts';
import { poolsNotPausedCheck } from '../../src/checks/preflight/pools-not-paused.ts';
import { applies, evaluate } from '../../src/checks/preflight/runner.ts';
import type { PreflightFacts } from '../../src/checks/preflight/types.ts';
import { LIVE_ANNOTATION } from '../../src/procedure/live-conditions.ts';
import { variantB } from '../../src/procedure/variant-b.ts';
import { liveRollback, variantLive } from '../../src/procedure/variant-live.ts';
import { fakeFacts, networkConfig, node, type FakeFacts } from './preflight-fakes.ts';

function live(f: FakeFacts = {}): PreflightFacts {
  return fakeFacts({ version: '4.16.20', variant: variantLive, ...f });
}

/** The fake context's cluster answers `get` and `list` from these objects, by kind. */
function withCluster(
  f: PreflightFacts,
  objects: Record<string, KObject>,
  lists: Record<string, KObject[]> = {},
) {
  (f.ctx as unknown as { cluster: unknown }).cluster = {
    server: 'https://127.0.0.1:6443',
    get: async (ref: { kind: string }) => objects[ref.kind],
    list: async (ref: { kind: string }) => ({ items: lists[ref.kind] ?? [] }),
  };
  return f;
}

const infra = (topology: string): KObject => ({
  apiVersion: 'config.openshift.io/v1',
  kind: 'Infrastructure',
  metadata: { name: 'cluster' },
  status: { controlPlaneTopology: topology },
});

const operator = (extra: Record<string, unknown> = {}): KObject => ({
  apiVersion: 'operator.openshift.io/v1',
  kind: 'Network',
  metadata: { name: 'cluster' },
  spec: { defaultNetwork: { type: 'OpenShiftSDN', openshiftSDNConfig: { mode: 'NetworkPolicy' } }, ...extra },
});

describe('live blockers', () => {
  it('hosted control plane (controlPlaneTopology External) is blocking for live, with the fix', async () => {
    const f = withCluster(live(), { Infrastructure: infra('External') });
    expect(await applies(hostedControlPlaneCheck, f)).toBe(true);
    const c = await evaluate(hostedControlPlaneCheck, f);
    expect(c).toMatchObject({ ok: false, severity: 'blocking', items: ['controlPlaneTopology: External'] });
    expect(c.detail).toContain('HostedCluster');
    const ok = await evaluate(
      hostedControlPlaneCheck,
      withCluster(live(), { Infrastructure: infra('HighlyAvailable') }),
    );
    expect(ok.ok).toBe(true);
  });

  it('hosted control plane is checked for live runs only (and the live rollback)', async () => {
    expect(await applies(hostedControlPlaneCheck, fakeFacts({ version: '4.16.20', variant: variantB }))).toBe(
      false,
    );
    expect(
      await applies(hostedControlPlaneCheck, fakeFacts({ version: '4.16.20', variant: liveRollback })),
    ).toBe(true);
  });

  it('Multitenant isolation mode is blocking for live', async () => {
    const f = live({
      config: networkConfig(['10.128.0.0/14'], ['172.30.0.0/16']),
      operator: operator({
        defaultNetwork: { type: 'OpenShiftSDN', openshiftSDNConfig: { mode: 'Multitenant' } },
      }),
    });
    const c = await evaluate(networkTypeCheck, f);
    expect(c).toMatchObject({ ok: false, severity: 'blocking' });
    expect(c.detail).toContain('Multitenant');
  });

  it('a PodDisruptionBudget that allows no eviction is blocking for live (the MCO drains every node twice)', async () => {
    const pdb: KObject = {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'db', namespace: 'shop' },
      spec: { maxUnavailable: 0 },
      status: { currentHealthy: 2 },
    };
    const c = await evaluate(pdbEvictionsCheck, withCluster(live(), {}, { PodDisruptionBudget: [pdb] }));
    expect(c).toMatchObject({ ok: false, severity: 'blocking', items: ['shop/db: maxUnavailable 0'] });
  });

  it('a paused pool is blocking for live (it stalls the migration)', async () => {
    const pools: KObject[] = [
      {
        apiVersion: 'machineconfiguration.openshift.io/v1',
        kind: 'MachineConfigPool',
        metadata: { name: 'worker' },
        spec: { paused: true },
      },
    ];
    const c = await evaluate(poolsNotPausedCheck, live({ pools }));
    expect(c).toMatchObject({ ok: false, severity: 'blocking' });
    expect(c.detail).toContain('unpause it');
  });

  it('above 150 nodes is a warning for live, not for offline', async () => {
    const nodes = Array.from({ length: 151 }, (_, i) => node(`worker-${i}`));
    const l = await evaluate(clusterSizeCheck, live({ nodes, pools: [] }));
    expect(l).toMatchObject({ ok: false, severity: 'warn' });
    expect(l.title).toContain('150 nodes for a live migration');
    expect(l.detail).toContain('151 nodes, above the 150 a live migration is documented for');
    const o = await evaluate(
      clusterSizeCheck,
      fakeFacts({ version: '4.16.20', variant: variantB, nodes, pools: [] }),
    );
    expect(o.ok).toBe(true);
  });
});

describe('no migration in progress: live and offline are never mixed', () => {
  const liveConfig = (annotated: boolean, inProgress: boolean): KObject => ({
    ...networkConfig(['10.128.0.0/14'], ['172.30.0.0/16']),
    metadata: { name: 'cluster', ...(annotated ? { annotations: { [LIVE_ANNOTATION]: '' } } : {}) },
    spec: { networkType: 'OVNKubernetes' },
    status: {
      networkType: 'OpenShiftSDN',
      conditions: inProgress ? [{ type: 'NetworkTypeMigrationInProgress', status: 'True' }] : [],
    },
  });

  it('an offline run refuses a live migration in progress (annotation, or InProgress True)', async () => {
    for (const [a, p] of [
      [true, false],
      [false, true],
    ] as const) {
      const c = await evaluate(
        noMigrationInProgressCheck,
        fakeFacts({ version: '4.16.20', variant: variantB, operator: operator(), config: liveConfig(a, p) }),
      );
      expect(c).toMatchObject({ ok: false, severity: 'blocking' });
      expect(c.detail).toContain('a live migration is under way');
      expect(c.detail).toContain('must not be mixed');
    }
  });

  it('a live run refuses an offline migration in progress', async () => {
    const c = await evaluate(
      noMigrationInProgressCheck,
      live({
        operator: operator({ migration: { networkType: 'OVNKubernetes' } }),
        config: networkConfig([], []),
      }),
    );
    expect(c).toMatchObject({ ok: false, severity: 'blocking' });
    expect(c.detail).toContain('an offline migration is under way');
  });

  it('a live run attaches to a live migration toward the same network type', async () => {
    const c = await evaluate(
      noMigrationInProgressCheck,
      live({ operator: operator(), config: liveConfig(true, true) }),
    );
    expect(c.ok).toBe(true);
    expect(c.detail).toContain('attaches to it');
  });

  it("the operator's own spec.migration (mode Live) and status.migration belong to the live migration", async () => {
    const migration = { mode: 'Live', networkType: 'OVNKubernetes' };
    const config = liveConfig(true, true);
    (config.status as Record<string, unknown>).migration = { networkType: 'OpenShiftSDN' };
    const attach = await evaluate(
      noMigrationInProgressCheck,
      live({ operator: operator({ migration }), config }),
    );
    expect(attach.ok).toBe(true);
    expect(attach.items?.join('\n')).not.toMatch(/^Network.operator.* spec.migration = .*[^)]$/m);
    const offline = await evaluate(
      noMigrationInProgressCheck,
      fakeFacts({ version: '4.16.20', variant: variantB, operator: operator({ migration }), config }),
    );
    expect(offline.detail).toContain('a live migration is under way');
  });

  it('nothing under way passes', async () => {
    const c = await evaluate(
      noMigrationInProgressCheck,
      live({ operator: operator(), config: networkConfig([], []) }),
    );
    expect(c.ok).toBe(true);
  });
});

describe('live estimate', () => {
  it('pools roll twice at their maxUnavailable; no reboot part (no network outage)', () => {
    const pool = (name: string, machines: number, mu: number): KObject => ({
      apiVersion: 'machineconfiguration.openshift.io/v1',
      kind: 'MachineConfigPool',
      metadata: { name },
      spec: { maxUnavailable: mu },
      status: { machineCount: machines },
    });
    const e = estimateDuration({
      variantId: variantLive.id,
      nodeCount: 9,
      pools: [pool('master', 3, 1), pool('worker', 6, 2)],
      maxParallelReboots: 0,
      rebootTimeoutMs: 600_000,
    });
    const offline = estimateDuration({
      variantId: 'B',
      nodeCount: 9,
      pools: [pool('master', 3, 1), pool('worker', 6, 2)],
      maxParallelReboots: 0,
      rebootTimeoutMs: 600_000,
    });
    const once = offline.parts.find((p) => p.phase === 'prepare')!.ms;
    expect(e.parts.map((p) => p.phase)).toEqual(['follow', 'other']);
    expect(e.parts[0].ms).toBe(2 * once);
    expect(e.parts[0].basis).toMatch(
      /^2 × \(pools in parallel; slowest master: 3 node\(s\), 1 at a time → 3 round/,
    );
    expect(e.parts.some((p) => /^Reboot/.test(p.what))).toBe(false);
    expect(e.model).toContain('no cluster-wide network outage');
  });
});
