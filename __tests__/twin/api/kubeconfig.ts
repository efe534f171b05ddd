// A kubeconfig for the twin's API server: token auth and the twin's CA, so clients verify TLS.
import { stringify } from 'yaml';

export function makeKubeconfig(o: {
  url: string;
  caPem: string;
  token: string;
  user?: string;
  context?: string;
  cluster?: string;
}): string {
  const cluster = o.cluster ?? 'twin';
  const user = o.user ?? 'twin-user';
  const context = o.context ?? 'twin';
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: cluster,
        cluster: { server: o.url, 'certificate-authority-data': Buffer.from(o.caPem).toString('base64') },
      },
    ],
    users: [{ name: user, user: { token: o.token } }],
    contexts: [{ name: context, context: { cluster, user } }],
    'current-context': context,
    preferences: {},
  });
}
