// The after-migration comparison and the manifests before 4.12, from plain objects.
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { compareConversion } from '../../src/checks/ovn-conversion.ts';
import { ovnManifests } from '../../src/checks/ovn-manifests.ts';
import type { SdnObjects } from '../../src/checks/inventory.ts';
import type { KObject } from '../../src/cluster/types.ts';

const sdn: SdnObjects = {
  firewalls: [
    {
      namespace: 'shop',
      name: 'policy',
      egress: [
        { type: 'Deny', to: { cidrSelector: '10.9.0.0/16' } },
        { type: 'Allow', to: { dnsName: 'example.com' } },
      ],
    },
  ],
  namespaceEgressIPs: [{ namespace: 'shop', ips: ['10.0.0.50'] }],
  egressNodes: ['worker-0'],
  multicastNamespaces: ['video'],
};

const obj = (kind: string, name: string, rest: Partial<KObject> = {}, namespace?: string): KObject => ({
  apiVersion: 'v1',
  kind,
  ...rest,
  metadata: { name, ...(namespace ? { namespace } : {}), ...rest.metadata },
});

const converted = () => ({
  firewalls: [
    obj(
      'EgressFirewall',
      'default',
      {
        spec: {
          egress: [
            { to: { cidrSelector: '10.9.0.0/16' }, type: 'Deny' },
            { to: { dnsName: 'example.com' }, type: 'Allow' },
          ],
        },
      },
      'shop',
    ),
  ],
  egressIPs: [
    obj('EgressIP', 'eip', {
      spec: { egressIPs: ['10.0.0.50'], namespaceSelector: { matchLabels: { env: 'prod' } } },
    }),
  ],
  nodes: [
    obj('Node', 'worker-0', {
      metadata: { name: 'worker-0', labels: { 'k8s.ovn.org/egress-assignable': '' } },
    }),
  ],
  namespaces: [
    obj('Namespace', 'shop', { metadata: { name: 'shop', labels: { env: 'prod' } } }),
    obj('Namespace', 'video', {
      metadata: { name: 'video', annotations: { 'k8s.ovn.org/multicast-enabled': 'true' } },
    }),
  ],
});

describe('compareConversion', () => {
  it('matches rules in order whatever the field order, an EgressIP by its namespace labels, labels and annotations', () => {
    const f = compareConversion(sdn, converted());
    expect(f.missing).toEqual([]);
    expect(f.matched).toHaveLength(4);
  });

  it('names what is missing: rules out of order, an EgressIP selecting another namespace, a missing label', () => {
    const ovn = converted();
    (ovn.firewalls[0].spec as { egress: unknown[] }).egress.reverse();
    ovn.egressIPs[0].spec.namespaceSelector.matchLabels = { env: 'dev' };
    ovn.nodes[0].metadata.labels = {};
    expect(compareConversion(sdn, ovn).missing).toEqual([
      'EgressNetworkPolicy shop/policy: no EgressFirewall shop/default with the same 2 rule(s) in order',
      'egress IP 10.0.0.50 of namespace shop: no EgressIP selecting it',
      'egress node worker-0: no label k8s.ovn.org/egress-assignable',
    ]);
  });

  it('lists a feature turned off as not converted rather than missing', () => {
    const f = compareConversion(sdn, { firewalls: [], egressIPs: [], nodes: [], namespaces: [] }, [
      'multicast',
    ]);
    expect(f.skipped).toEqual(['multicast namespace video: not converted (migrate-multicast: false)']);
    expect(f.missing).toHaveLength(3);
  });
});

describe('ovnManifests (before 4.12)', () => {
  it('writes EgressFirewall default, EgressIP, node labels and namespace annotations, one file per kind', () => {
    const files = Object.fromEntries(ovnManifests(sdn));
    expect(Object.keys(files)).toEqual([
      'egressfirewalls.yaml',
      'egressips.yaml',
      'egress-nodes.yaml',
      'multicast-namespaces.yaml',
    ]);
    const [fw] = parseAllDocuments(files['egressfirewalls.yaml']).map((d) => d.toJS());
    expect(fw).toEqual({
      apiVersion: 'k8s.ovn.org/v1',
      kind: 'EgressFirewall',
      metadata: { name: 'default', namespace: 'shop' },
      spec: { egress: sdn.firewalls[0].egress },
    });
    expect(parseAllDocuments(files['egressips.yaml'])[0].toJS().spec).toEqual({
      egressIPs: ['10.0.0.50'],
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } },
    });
    expect(
      ovnManifests({ firewalls: [], namespaceEgressIPs: [], egressNodes: [], multicastNamespaces: [] }),
    ).toEqual([]);
  });
});
