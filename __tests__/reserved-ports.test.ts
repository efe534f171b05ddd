// The Geneve port may not take a port the cluster already uses; the error names the owner.
import { describe, expect, it } from 'vitest';
import { describeReservedPorts, reservedPort } from '../src/inputs/reserved-ports.ts';

describe('reservedPort', () => {
  it.each([
    [500, /IPsec IKE/],
    [4500, /IPsec NAT-traversal/],
    [4789, /VXLAN port OpenShift SDN/],
    [6443, /Kubernetes API server/],
    [22623, /Machine Config Server/],
    [2379, /etcd/],
    [2380, /etcd/],
    [9000, /host services/],
    [9999, /host services/],
    [10250, /kubelet/],
    [10259, /kube-scheduler/],
    [30000, /node port range/],
    [32767, /node port range/],
  ])('%i is reserved: %s', (port, owner) => {
    expect(reservedPort(port)?.says).toMatch(owner);
  });

  it.each([
    6081, 1, 499, 501, 2378, 2381, 4499, 4501, 6442, 6444, 8999, 10000, 10249, 10260, 22622, 22624, 29999,
    32768, 65535,
  ])('%i is free', (port) => {
    expect(reservedPort(port)).toBeUndefined();
  });

  it('lists every reservation for the input description', () => {
    expect(describeReservedPorts()).toBe(
      '500, 2379–2380, 4500, 4789, 6443, 9000–9999, 10250–10259, 22623, 30000–32767',
    );
  });
});
