// The reserved-range check with the ovn-*-subnet-* inputs: an overlap the release lets us move is
// resolved by an input; an input the release has no field for, or one that itself overlaps, is refused.
import { describe, expect, it } from 'vitest';
import { networkRangesCheck } from '../../src/checks/preflight/network-ranges.ts';
import { fakeFacts, networkConfig } from './preflight-fakes.ts';

const overlapping = networkConfig(['100.64.0.0/14'], ['172.30.0.0/16']);

describe('network-ranges with OVN internal subnet inputs', () => {
  it('4.14: the join-switch overlap asks for ovn-join-subnet-v4, and the input resolves it', async () => {
    const refused = await networkRangesCheck.run(fakeFacts({ version: '4.14.12', config: overlapping }));
    expect(refused.ok).toBe(false);
    expect(refused.detail).toMatch(/choose a free range with ovn-join-subnet-v4/);
    expect(refused.items).toEqual([
      'cluster network 100.64.0.0/14 overlaps 100.64.0.0/16 (OpenShift OVN-Kubernetes join switch (v4InternalSubnet))'.replace(
        'OpenShift ',
        '',
      ),
    ]);
    const ok = await networkRangesCheck.run(
      fakeFacts({
        version: '4.14.12',
        config: overlapping,
        settings: { ovnSubnets: { joinV4: '100.72.0.0/16' } },
      }),
    );
    expect(ok).toEqual({
      ok: true,
      detail: expect.stringMatching(
        /no overlap: .*; chosen: join switch \(v4InternalSubnet\) 100\.72\.0\.0\/16 \(ovn-join-subnet-v4\)$/,
      ),
    });
  });

  it('an input that itself overlaps a cluster network is refused', async () => {
    const o = await networkRangesCheck.run(
      fakeFacts({
        version: '4.14.12',
        config: overlapping,
        settings: { ovnSubnets: { joinV4: '100.65.0.0/16' } },
      }),
    );
    expect(o.ok).toBe(false);
    expect(o.items).toEqual([
      expect.stringMatching(/^cluster network 100\.64\.0\.0\/14 overlaps 100\.65\.0\.0\/16/),
    ]);
  });

  it('4.10: the join switch cannot move — the input is refused, the overlap needs support', async () => {
    const input = await networkRangesCheck.run(
      fakeFacts({
        version: '4.10.40',
        config: overlapping,
        settings: { ovnSubnets: { joinV4: '100.72.0.0/16' } },
      }),
    );
    expect(input).toMatchObject({
      ok: false,
      items: [
        'ovn-join-subnet-v4 cannot be set on OpenShift 4.10: the join switch (v4InternalSubnet) range is not configurable in this release',
      ],
    });
    const overlap = await networkRangesCheck.run(fakeFacts({ version: '4.10.40', config: overlapping }));
    expect(overlap.detail).toMatch(
      /does not let you move \(join switch \(v4InternalSubnet\) 100\.64\.0\.0\/16\) .*\(contact Red Hat support\)$/,
    );
  });
});
