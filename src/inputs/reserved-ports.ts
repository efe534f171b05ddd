// Ports the cluster already uses on every node, which the Geneve tunnel cannot take: the network
// operator's own port rules plus OpenShift's documented host ports. The list is fixed by the product,
// not read from the cluster, so a Geneve port on one of them is an input error before any cluster
// contact.
export interface ReservedPorts {
  from: number;
  to: number;
  /** Completes "<port> …": which service owns the port. */
  says: string;
}

export const RESERVED_PORTS: readonly ReservedPorts[] = [
  { from: 500, to: 500, says: 'is the IPsec IKE port (IPsec encryption of node traffic)' },
  { from: 2379, to: 2380, says: "is one of etcd's ports (2379 client, 2380 peer)" },
  { from: 4500, to: 4500, says: 'is the IPsec NAT-traversal port (IPsec encryption of node traffic)' },
  { from: 4789, to: 4789, says: 'is the VXLAN port OpenShift SDN uses' },
  { from: 6443, to: 6443, says: 'is the Kubernetes API server port' },
  {
    from: 9000,
    to: 9999,
    says: 'is in the range 9000–9999 reserved for host services (node exporter and other host-level services)',
  },
  {
    from: 10250,
    to: 10259,
    says: 'is in 10250–10259, the ports of the kubelet (10250) and the control-plane components (kube-controller-manager 10257, kube-scheduler 10259)',
  },
  { from: 22623, to: 22623, says: 'is the Machine Config Server port' },
  { from: 30000, to: 32767, says: 'is in the node port range 30000–32767 (NodePort services)' },
];

/** The reservation a port falls in, or undefined when the Geneve tunnel may use it. */
export function reservedPort(port: number): ReservedPorts | undefined {
  return RESERVED_PORTS.find((r) => port >= r.from && port <= r.to);
}

/** The reserved ports in words, for the input's "accepted" text. */
export function describeReservedPorts(): string {
  return RESERVED_PORTS.map((r) => (r.from === r.to ? `${r.from}` : `${r.from}–${r.to}`)).join(', ');
}
