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
