// The MTU rules the network operator enforces, checked from plain facts: mixed node MTUs with mtu unset,
// IPv6's 1280 floor, and the Geneve overhead.
import { describe, expect, it } from 'vitest';
import { ipv6Networks, mtuCheck } from '../../src/checks/preflight/mtu.ts';
import type { NodeProbe } from '../../src/checks/preflight/types.ts';
import { fakeFacts, networkConfig } from './preflight-fakes.ts';

const v4 = networkConfig(['10.128.0.0/14'], ['172.30.0.0/16']);
const dual = networkConfig(['10.128.0.0/14', 'fd01::/48'], ['172.30.0.0/16', 'fd02::/112']);
const probes = (...mtus: number[]): NodeProbe[] =>
  mtus.map((mtu, i) => ({ name: i === 0 ? 'master-0' : `worker-${i - 1}`, mtu, iface: 'ens3' }));

describe('mtu: mixed node MTUs', () => {
  it('with mtu unset is blocking and says which mtu to set (smallest − 100), listing the MTUs', async () => {
    const o = await mtuCheck.run(fakeFacts({ config: v4, probes: probes(9000, 1500, 9000, 1450) }));
    expect(o.ok).toBe(false);
    expect(o.severity).toBeUndefined(); // the check's own severity: blocking
    expect(o.detail).toMatch(/^node MTUs differ and mtu is not set: .*from the node it runs on/);
    expect(o.detail).toContain('set the mtu input to 1350 (smallest node MTU 1450 on worker-2 − 100)');
    expect(o.items).toEqual([
      'MTU 1450: 1 node(s) — worker-2',
      'MTU 1500: 1 node(s) — worker-0',
      'MTU 9000: 2 node(s) — master-0, worker-1',
    ]);
  });

  it('with mtu set within the smallest node MTU − 100 passes; equal MTUs and mtu unset pass', async () => {
    const set = await mtuCheck.run(
      fakeFacts({ config: v4, probes: probes(9000, 1500), settings: { mtu: 1400 } }),
    );
    expect(set).toMatchObject({
      ok: true,
      detail: 'mtu 1400 ≤ 1400: smallest node MTU 1500 (worker-0, ens3); 2 node(s) read',
    });
    const same = await mtuCheck.run(fakeFacts({ config: v4, probes: probes(1500, 1500) }));
    expect(same.ok).toBe(true);
    expect(same.detail).toMatch(/^mtu not set; .*may be at most 1400$/);
  });
});

describe('mtu: IPv6 networks', () => {
  it('finds IPv6 cluster and service networks only', () => {
    expect(ipv6Networks(v4)).toEqual([]);
    expect(ipv6Networks(dual)).toEqual(['cluster network fd01::/48', 'service network fd02::/112']);
  });

  it('refuses an mtu below 1280 with any IPv6 network, even before the node MTUs are read', async () => {
    const o = await mtuCheck.run(
      fakeFacts({ config: dual, probes: new Error('no SSH'), settings: { mtu: 1200 } }),
    );
    expect(o).toMatchObject({ ok: false });
    expect(o.severity).toBeUndefined();
    expect(o.detail).toBe(
      'mtu 1200 is below 1280, the smallest MTU the network operator accepts with an IPv6 network (cluster network fd01::/48, service network fd02::/112) — set the mtu input to at least 1280',
    );
  });

  it('accepts 1280 with IPv6, and 1200 on an IPv4-only cluster', async () => {
    const p = probes(1500, 1500);
    expect((await mtuCheck.run(fakeFacts({ config: dual, probes: p, settings: { mtu: 1280 } }))).ok).toBe(
      true,
    );
    expect((await mtuCheck.run(fakeFacts({ config: v4, probes: p, settings: { mtu: 1200 } }))).ok).toBe(true);
  });

  it('with mtu unset, refuses node MTUs that leave less than 1280 for an IPv6 overlay', async () => {
    const o = await mtuCheck.run(fakeFacts({ config: dual, probes: probes(1300, 1300) }));
    expect(o.ok).toBe(false);
    expect(o.detail).toMatch(
      /leaves 1200 for the overlay, below the 1280 an IPv6 network needs .* at least 1380/,
    );
  });
});

describe('mtu: an ovnKubernetesConfig.mtu already in Network.operator', () => {
  const operator = (mtu: number) => ({
    apiVersion: 'operator.openshift.io/v1',
    kind: 'Network',
    metadata: { name: 'cluster' },
    spec: { defaultNetwork: { type: 'OpenShiftSDN', ovnKubernetesConfig: { mtu } } },
  });
  const PRESET =
    /^Network\.operator cluster already sets ovnKubernetesConfig\.mtu (\d+), which the network operator will use \(the mtu input replaces it\): /;

  it('with the mtu input unset, is checked as the operator will use it: 1200 with IPv6 is refused', async () => {
    const o = await mtuCheck.run(fakeFacts({ config: dual, operator: operator(1200), probes: probes(1500) }));
    expect(o.ok).toBe(false);
    expect(o.detail).toMatch(PRESET);
    expect(o.detail).toContain('mtu 1200 is below 1280');
  });

  it('too large for the smallest node, or below the operator’s 576: refused; within limits: passes, saying so', async () => {
    const big = await mtuCheck.run(
      fakeFacts({ config: v4, operator: operator(8900), probes: probes(9000, 1500) }),
    );
    expect(big.ok).toBe(false);
    expect(big.detail).toMatch(
      /mtu 8900 is above the smallest node MTU minus 100 \(1500 − 100 = 1400 on worker-0\)/,
    );
    const tiny = await mtuCheck.run(fakeFacts({ config: v4, operator: operator(500), probes: probes(1500) }));
    expect(tiny.ok).toBe(false);
    expect(tiny.detail).toContain(
      'mtu 500 is outside 576–65536, which the network operator refuses ("invalid MTU")',
    );
    const fine = await mtuCheck.run(
      fakeFacts({ config: v4, operator: operator(1400), probes: probes(9000, 1500) }),
    );
    expect(fine.ok).toBe(true);
    expect(fine.detail).toMatch(PRESET);
  });

  it('the mtu input replaces it', async () => {
    const o = await mtuCheck.run(
      fakeFacts({ config: dual, operator: operator(1200), probes: probes(1500), settings: { mtu: 1400 } }),
    );
    expect(o).toMatchObject({
      ok: true,
      detail: 'mtu 1400 ≤ 1400: smallest node MTU 1500 (master-0, ens3); 1 node(s) read',
    });
  });
});
