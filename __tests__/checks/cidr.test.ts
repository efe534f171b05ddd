import { describe, expect, it } from 'vitest';
import { OVN_RESERVED, overlaps, parseCidr, reservedOverlaps } from '../../src/checks/cidr.ts';

describe('parseCidr', () => {
  it('reads IPv4 and IPv6 ranges, normalising host bits', () => {
    const v4 = parseCidr('10.128.7.9/14');
    expect(v4.family).toBe(4);
    expect(v4.start).toBe(0x0a800000n);
    expect(v4.end).toBe(0x0a83ffffn);
    const v6 = parseCidr('fd69::/125');
    expect(v6.family).toBe(6);
    expect(v6.end - v6.start).toBe(7n);
    expect(parseCidr('::ffff:10.0.0.0/120').start).toBe((0xffffn << 32n) | 0x0a000000n);
  });

  it.each(['10.0.0.0', '10.0.0.0/33', 'fd00::/129', 'not-a-cidr/8', '300.1.1.1/8'])('rejects %j', (t) => {
    expect(() => parseCidr(t)).toThrow(/CIDR|prefix/);
  });
});

describe('overlaps', () => {
  it('is true for nested and partly shared ranges, false for neighbours and across families', () => {
    expect(overlaps(parseCidr('100.64.0.0/14'), parseCidr('100.64.0.0/16'))).toBe(true);
    expect(overlaps(parseCidr('100.65.0.0/16'), parseCidr('100.64.0.0/15'))).toBe(true);
    expect(overlaps(parseCidr('100.65.0.0/16'), parseCidr('100.64.0.0/16'))).toBe(false);
    expect(overlaps(parseCidr('169.254.169.8/29'), parseCidr('169.254.169.0/29'))).toBe(false);
    expect(overlaps(parseCidr('::/0'), parseCidr('0.0.0.0/0'))).toBe(false);
  });
});

describe('reservedOverlaps', () => {
  it("names each network that overlaps one of OVN-Kubernetes' ranges and what that range is for", () => {
    const r = reservedOverlaps([
      { kind: 'cluster network', cidr: '100.64.0.0/14' },
      { kind: 'service network', cidr: '172.30.0.0/16' },
      { kind: 'machine network', cidr: 'fd97::/48' },
      { kind: 'machine network', cidr: '169.254.0.0/16' },
      { kind: 'service network', cidr: 'bogus' },
    ]);
    expect(r.overlaps).toEqual([
      'cluster network 100.64.0.0/14 overlaps 100.64.0.0/16 (OVN-Kubernetes join switch (v4InternalSubnet))',
      'machine network fd97::/48 overlaps fd97::/64 (OVN-Kubernetes transit switch (IPv6))',
      'machine network 169.254.0.0/16 overlaps 169.254.169.0/29 (OVN-Kubernetes masquerade)',
    ]);
    expect(r.unreadable).toEqual(['service network "bogus" is not a CIDR']);
  });

  it('passes the OpenShift defaults', () => {
    expect(
      reservedOverlaps([
        { kind: 'cluster network', cidr: '10.128.0.0/14' },
        { kind: 'service network', cidr: '172.30.0.0/16' },
        { kind: 'machine network', cidr: '10.0.0.0/16' },
        { kind: 'cluster network', cidr: 'fd01::/48' },
        { kind: 'service network', cidr: 'fd02::/112' },
      ]),
    ).toEqual({ overlaps: [], unreadable: [] });
    expect(OVN_RESERVED.map((r) => r.cidr)).toEqual([
      '100.64.0.0/16',
      '100.88.0.0/16',
      '169.254.169.0/29',
      'fd98::/64',
      'fd69::/125',
      'fd97::/64',
    ]);
  });
});
