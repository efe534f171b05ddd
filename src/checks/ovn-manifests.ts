// Before 4.12 the network operator converts none of the SDN features: the OVN-Kubernetes objects the
// administrator must apply after the migration are generated from the SDN objects, into the artifact as
// converted/*.yaml (kubectl apply -f converted/). The after-check (ovn-conversion.ts) verifies them
// once applied. Objects follow the OVN-Kubernetes API (k8s.ovn.org/v1 EgressFirewall must be named
// `default`, one per namespace; EgressIP is cluster-scoped with a namespaceSelector).
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { SdnObjects } from './inventory.ts';
import { EGRESS_ASSIGNABLE, OVN_MULTICAST } from './ovn-conversion.ts';

export const CONVERTED_DIR = 'converted';

/** `[file name, YAML]` per kind; kinds with nothing to apply are left out. */
export function ovnManifests(sdn: SdnObjects): [string, string][] {
  const docs = (objects: object[]) => objects.map((o) => stringify(o)).join('---\n');
  const files: [string, object[]][] = [
    [
      'egressfirewalls.yaml',
      sdn.firewalls.map((p) => ({
        apiVersion: 'k8s.ovn.org/v1',
        kind: 'EgressFirewall',
        metadata: { name: 'default', namespace: p.namespace },
        spec: { egress: p.egress },
      })),
    ],
    [
      'egressips.yaml',
      sdn.namespaceEgressIPs.map((n) => ({
        apiVersion: 'k8s.ovn.org/v1',
        kind: 'EgressIP',
        metadata: { name: `egressip-${n.namespace}` },
        spec: {
          egressIPs: n.ips,
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': n.namespace } },
        },
      })),
    ],
    [
      'egress-nodes.yaml',
      sdn.egressNodes.map((name) => ({
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name, labels: { [EGRESS_ASSIGNABLE]: '' } },
      })),
    ],
    [
      'multicast-namespaces.yaml',
      sdn.multicastNamespaces.map((name) => ({
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name, annotations: { [OVN_MULTICAST]: 'true' } },
      })),
    ],
  ];
  return files.filter(([, objects]) => objects.length).map(([name, objects]) => [name, docs(objects)]);
}

/** Writes the manifests under `dir`/converted/ and returns the paths written. */
export async function writeOvnManifests(dir: string, sdn: SdnObjects): Promise<string[]> {
  const out = join(dir, CONVERTED_DIR);
  await mkdir(out, { recursive: true });
  const paths: string[] = [];
  for (const [name, text] of ovnManifests(sdn)) {
    const path = join(out, name);
    await writeFile(path, text, { mode: 0o600 });
    paths.push(path);
  }
  return paths;
}
