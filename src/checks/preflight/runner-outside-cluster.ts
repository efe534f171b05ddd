// A runner that is a pod of the cluster it reboots dies with its node, midway through the migration.
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import type { PreflightCheck } from './types.ts';

export const SERVICE_ACCOUNT_NAMESPACE_FILE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';

export const runnerOutsideClusterCheck: PreflightCheck = {
  id: 'runner-outside-cluster',
  title: 'The runner is not a pod of the cluster it reboots',
  severity: 'blocking',
  run: async ({ ctx, opts }) => {
    const env = opts.runner?.env ?? process.env;
    const file = opts.runner?.namespaceFile ?? SERVICE_ACCOUNT_NAMESPACE_FILE;
    if (!env.KUBERNETES_SERVICE_HOST)
      return { ok: true, detail: 'the runner is not a Kubernetes pod (KUBERNETES_SERVICE_HOST not set)' };
    if (!existsSync(file))
      return {
        ok: true,
        detail: `KUBERNETES_SERVICE_HOST is set but ${file} does not exist: not a pod with a service account`,
      };
    const namespace = readFileSync(file, 'utf8').trim();
    const name = env.HOSTNAME || os.hostname();
    const pod = await ctx.cluster.get({ apiVersion: 'v1', kind: 'Pod', namespace, name });
    if (!pod)
      return {
        ok: true,
        detail: `the runner is pod ${namespace}/${name} of another cluster (not found in this one)`,
      };
    return {
      ok: false,
      detail: `the runner is pod ${namespace}/${name} on node ${String(pod.spec?.nodeName ?? '?')} of this cluster — rebooting every node would kill the run midway: run the job on a runner outside this cluster`,
    };
  },
};
