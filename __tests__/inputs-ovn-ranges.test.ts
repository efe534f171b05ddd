// The OVN-Kubernetes internal subnet inputs and the migration feature switches, read from plain text.
import { describe, expect, it } from 'vitest';
import { readMigrationFeatures } from '../src/inputs/migration-features.ts';
import { readOvnSubnets } from '../src/inputs/ovn-internal-subnets.ts';
import { ovnInternalRanges } from '../src/checks/cidr.ts';

const from = (m: Record<string, string>) => (name: string) => m[name] ?? '';

describe('ovn-*-subnet-* inputs', () => {
  it('returns only the subnets given', () => {
    expect(readOvnSubnets(from({}))).toEqual({});
    expect(
      readOvnSubnets(
        from({ 'ovn-join-subnet-v4': '100.70.0.0/16', 'ovn-masquerade-subnet-v6': 'fd70::/125' }),
      ),
    ).toEqual({ joinV4: '100.70.0.0/16', masqueradeV6: 'fd70::/125' });
  });

  it.each([
    ['ovn-join-subnet-v4', 'nonsense', /"nonsense" is not a CIDR/],
    ['ovn-join-subnet-v4', 'fd00::/64', /is not an IPv4 CIDR/],
    ['ovn-join-subnet-v6', '10.0.0.0/16', /is not an IPv6 CIDR/],
    ['ovn-join-subnet-v4', '100.70.0.0/31', /too small/],
    ['ovn-masquerade-subnet-v4', '169.254.0.0/30', /too small/],
    ['ovn-transit-subnet-v4', '100.90.0.1/16', /host bits set/],
  ])('%s: %s is refused naming the input', (name, value, problem) => {
    expect(() => readOvnSubnets(from({ [name]: value }))).toThrow(problem);
    expect(() => readOvnSubnets(from({ [name]: value }))).toThrow(`Input "${name}"`);
  });

  it('refuses two ranges that overlap each other', () => {
    expect(() =>
      readOvnSubnets(
        from({ 'ovn-join-subnet-v4': '100.70.0.0/16', 'ovn-transit-subnet-v4': '100.70.128.0/17' }),
      ),
    ).toThrow(
      /Input "ovn-transit-subnet-v4": "100.70.128.0\/17" overlaps ovn-join-subnet-v4 \(100.70.0.0\/16\)/,
    );
  });
});

describe('the field each release uses', () => {
  const field = (minor: number, key: string) => ovnInternalRanges(minor).find((r) => r.key === key)?.field;
  it('join: none before 4.12 (release-4.11 has no v4InternalSubnet), v4InternalSubnet 4.12–4.15, ipv4.internalJoinSubnet from 4.16', () => {
    expect(field(11, 'joinV4')).toBeUndefined();
    expect(field(12, 'joinV4')).toBe('v4InternalSubnet');
    expect(field(15, 'joinV6')).toBe('v6InternalSubnet');
    expect(field(16, 'joinV4')).toBe('ipv4.internalJoinSubnet');
  });
  it('transit from 4.16, masquerade from 4.14', () => {
    expect(field(15, 'transitV4')).toBeUndefined();
    expect(field(16, 'transitV4')).toBe('ipv4.internalTransitSwitchSubnet');
    expect(field(13, 'masqueradeV4')).toBeUndefined();
    expect(field(14, 'masqueradeV4')).toBe('gatewayConfig.ipv4.internalMasqueradeSubnet');
  });
  it('an input replaces the default range', () => {
    expect(ovnInternalRanges(14, { joinV4: '100.70.0.0/16' })[0]).toMatchObject({
      cidr: '100.70.0.0/16',
      chosen: true,
      field: 'v4InternalSubnet',
    });
  });
});

describe('migrate-* feature switches', () => {
  it('default to true and read false', () => {
    expect(readMigrationFeatures(from({}))).toEqual({
      egressIP: true,
      egressFirewall: true,
      multicast: true,
    });
    expect(readMigrationFeatures(from({ 'migrate-multicast': 'false' }))).toEqual({
      egressIP: true,
      egressFirewall: true,
      multicast: false,
    });
    expect(() => readMigrationFeatures(from({ 'migrate-egress-ip': 'maybe' }))).toThrow(
      /Input "migrate-egress-ip": "maybe" is not a boolean/,
    );
  });
});
