// Input strategy → the procedure, with the one line the approver reads first: auto takes live where
// the cluster offers it and no live blocker the network operator enforces is found, else offline;
// live where the cluster cannot is refused before any change; an unfinished migration decides.
import { describe, expect, it } from 'vitest';
import type { KObject } from '../../src/cluster/types.ts';
import type { StrategyInput } from '../../src/inputs/strategy.ts';
import { LIVE_ANNOTATION } from '../../src/procedure/live-conditions.ts';
import { RunReport } from '../../src/report/model.ts';
import type { Session } from '../../src/runs/session.ts';
import { chooseStrategy, StrategyRefused } from '../../src/runs/strategy.ts';
import { MemoryLogger } from '../../src/util/log.ts';
import { SETTINGS } from '../checks/preflight-fakes.ts';

interface World {
  version: string;
  gate?: 'enabled' | 'disabled';
  egressRouter?: boolean;
  liveAnnotation?: boolean;
  topology?: string;
}

function objects(w: World): Record<string, KObject | undefined> {
  return {
    Network: {
      apiVersion: 'config.openshift.io/v1',
      kind: 'Network',
      metadata: { name: 'cluster', ...(w.liveAnnotation ? { annotations: { [LIVE_ANNOTATION]: '' } } : {}) },
      spec: {
        networkType: w.liveAnnotation ? 'OVNKubernetes' : 'OpenShiftSDN',
        clusterNetwork: [{ cidr: '10.128.0.0/14', hostPrefix: 23 }],
        serviceNetwork: ['172.30.0.0/16'],
        defaultNetwork: { type: 'OpenShiftSDN' },
      },
      status: { networkType: 'OpenShiftSDN' },
    },
    Infrastructure: {
      apiVersion: 'config.openshift.io/v1',
      kind: 'Infrastructure',
      metadata: { name: 'cluster' },
      status: { controlPlaneTopology: w.topology ?? 'HighlyAvailable' },
    },
    FeatureGate: w.gate
      ? {
          apiVersion: 'config.openshift.io/v1',
          kind: 'FeatureGate',
          metadata: { name: 'cluster' },
          status: { featureGates: [{ version: w.version, [w.gate]: [{ name: 'NetworkLiveMigration' }] }] },
        }
      : undefined,
  };
}

function session(w: World, strategy: StrategyInput): { s: Session; writes: string[] } {
  const writes: string[] = [];
  const objs = objects(w);
  const pods: KObject[] = w.egressRouter
    ? [
        {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: {
            name: 'egress-1',
            namespace: 'egress',
            annotations: { 'pod.network.openshift.io/assign-macvlan': 'true' },
          },
        },
      ]
    : [];
  const cluster = {
    server: 'https://127.0.0.1:6443',
    // Network.operator and Network.config share the kind: the group tells them apart.
    get: async (ref: { kind: string; apiVersion: string }) =>
      ref.kind === 'Network' && ref.apiVersion.startsWith('operator')
        ? { apiVersion: ref.apiVersion, kind: 'Network', metadata: { name: 'cluster' }, spec: {} }
        : objs[ref.kind],
    list: async (ref: { kind: string }) => ({ items: ref.kind === 'Pod' ? pods : [] }),
    mergePatch: async () => void writes.push('patch'),
    withCancelGate() {
      return this;
    },
  };
  const report = new RunReport(cluster.server);
  report.cluster.version = w.version;
  report.cluster.networkTypeBefore = 'OpenShiftSDN';
  const s = {
    settings: { ...SETTINGS, mode: 'plan', strategy },
    report,
    log: new MemoryLogger(),
    cluster,
    signal: new AbortController().signal,
    nodeTools: { get: async () => ({}), close: async () => {}, shell: () => undefined },
    backupDir: '/nonexistent',
    saveProgress: async () => {},
  } as unknown as Session;
  return { s, writes };
}

describe('strategy', () => {
  it('auto picks live on 4.16 when the FeatureGate offers it and no blocker is found', async () => {
    const { s, writes } = session({ version: '4.16.20', gate: 'enabled' }, 'auto');
    const v = await chooseStrategy(s, '4.16.20');
    expect(v.id).toBe('C');
    expect(s.report.strategy).toEqual({
      requested: 'auto',
      chosen: 'live',
      line: 'live: 4.16.20 supports it (FeatureGate cluster: NetworkLiveMigration enabled); no blocker found; nodes reboot twice, rolling, no network outage',
    });
    expect(writes).toEqual([]);
  });

  it('auto picks offline on 4.14, saying why', async () => {
    const { s } = session({ version: '4.14.12' }, 'auto');
    expect((await chooseStrategy(s, '4.14.12')).id).toBe('B');
    expect(s.report.strategy?.line).toMatch(
      /^offline: live migration not available — 4\.14\.12 does not offer it/,
    );
  });

  it('auto picks offline where the FeatureGate has the gate disabled, even on 4.16', async () => {
    const { s } = session({ version: '4.16.3', gate: 'disabled' }, 'auto');
    expect((await chooseStrategy(s, '4.16.3')).id).toBe('B');
    expect(s.report.strategy?.line).toContain('NetworkLiveMigration disabled');
  });

  it('auto picks offline on 4.16 with an egress-router pod, naming it', async () => {
    const { s } = session({ version: '4.16.20', gate: 'enabled', egressRouter: true }, 'auto');
    expect((await chooseStrategy(s, '4.16.20')).id).toBe('B');
    expect(s.report.strategy?.line).toMatch(
      /^offline: an egress-router pod \(egress\/egress-1\) blocks live migration/,
    );
  });

  it('auto picks offline on a hosted control plane', async () => {
    const { s } = session({ version: '4.16.20', topology: 'External' }, 'auto');
    expect((await chooseStrategy(s, '4.16.20')).id).toBe('B');
    expect(s.report.strategy?.line).toMatch(/^offline: a hosted control plane/);
  });

  it('live on 4.14 is refused before any change, naming why and the fix', async () => {
    const { s, writes } = session({ version: '4.14.12' }, 'live');
    await expect(chooseStrategy(s, '4.14.12')).rejects.toThrow(StrategyRefused);
    await expect(chooseStrategy(s, '4.14.12')).rejects.toThrow(
      /4\.14\.12 does not offer it.*Use strategy offline/,
    );
    expect(writes).toEqual([]);
  });

  it('live with a blocker stays live and says the run is refused (preflight names the blocker)', async () => {
    const { s } = session({ version: '4.16.20', egressRouter: true }, 'live');
    expect((await chooseStrategy(s, '4.16.20')).id).toBe('C');
    expect(s.report.strategy?.line).toContain(
      'an egress-router pod (egress/egress-1) blocks live migration — refused before any change',
    );
  });

  it('offline is offline, whatever the cluster offers', async () => {
    const { s } = session({ version: '4.16.20', gate: 'enabled' }, 'offline');
    expect((await chooseStrategy(s, '4.16.20')).id).toBe('B');
    expect(s.report.strategy?.line).toMatch(/^offline: strategy offline/);
  });

  it('a live migration under way on the cluster: auto attaches to it', async () => {
    const { s } = session({ version: '4.16.20', gate: 'enabled', liveAnnotation: true }, 'auto');
    expect((await chooseStrategy(s, '4.16.20')).id).toBe('C');
    expect(s.attachLive).toBe(true);
    expect(s.report.strategy?.line).toContain('this run attaches to it and follows it to the end');
  });
});
