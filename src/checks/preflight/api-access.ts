// node-access: api. The run reaches the nodes by `pods/exec` into each node's machine-config-daemon pod,
// so before any change: the permission (`create pods/exec` in openshift-machine-config-operator, asked
// with a SelfSubjectAccessReview), a Running MCD pod on every node (a node without one could not be
// rebooted: named, blocking), and an exec that works on every node (the sudo/MTU probe, run through
// the same path the reboots will take, in parallel and bounded in time).
import { nodeAccessOf } from '../../inputs/node-access.ts';
import { ApiNodeAccess, MCO_NAMESPACE } from '../../nodes/api-access.ts';
import { groupedFailures } from './node-probe.ts';
import type { PreflightCheck, PreflightFacts } from './types.ts';

const viaApi = (f: PreflightFacts) => nodeAccessOf(f.ctx.settings).kind === 'api';

export const execPermissionCheck: PreflightCheck = {
  id: 'node-access-permission',
  title: `Permission to exec into the machine-config-daemon pods (create pods/exec in ${MCO_NAMESPACE})`,
  severity: 'blocking',
  applies: { when: viaApi },
  run: async ({ ctx: { cluster } }) => {
    const allowed = await cluster.canI({
      verb: 'create',
      group: '',
      resource: 'pods',
      subresource: 'exec',
      namespace: MCO_NAMESPACE,
    });
    return allowed
      ? { ok: true, detail: `${cluster.user} may create pods/exec in ${MCO_NAMESPACE}` }
      : {
          ok: false,
          detail: `${cluster.user} may not create pods/exec in ${MCO_NAMESPACE}: node-access api reboots the nodes through it — grant it (cluster-admin has it), or use node-access: ssh with ssh-private-key`,
        };
  },
};

export const mcdPodsCheck: PreflightCheck = {
  id: 'node-access-mcd-pods',
  title: 'A Running machine-config-daemon pod on every node',
  severity: 'blocking',
  applies: { when: viaApi },
  run: async (f) => {
    const nodes = await f.nodes();
    if (!nodes) throw new Error('the nodes could not be listed');
    const pods = await new ApiNodeAccess(f.ctx.cluster, f.ctx.log).mcdPods();
    const problems = nodes.flatMap((n) => {
      const name = n.metadata.name;
      const pod = pods.get(name);
      if (!pod) return [`${name}: no machine-config-daemon pod`];
      return pod.phase === 'Running' ? [] : [`${name}: ${pod.name} is ${pod.phase}`];
    });
    return problems.length
      ? {
          ok: false,
          detail: `${problems.length} of ${nodes.length} node(s) have no Running machine-config-daemon pod — they could not be rebooted through the API: check the machine-config-daemon DaemonSet in ${MCO_NAMESPACE}`,
          items: problems,
        }
      : { ok: true, detail: `${nodes.length} node(s), each with a Running machine-config-daemon pod` };
  },
};

export const nodeExecCheck: PreflightCheck = {
  id: 'node-access-exec',
  title: 'A command runs on every node through its machine-config-daemon pod',
  severity: 'blocking',
  applies: { when: viaApi },
  run: async (f) => {
    if (!(await f.nodes())) throw new Error('the nodes could not be listed');
    const probes = (await f.probes()) ?? [];
    const failed = probes.filter((p) => p.error);
    return failed.length
      ? {
          ok: false,
          detail: `${failed.length} of ${probes.length} node(s) did not run a command through pods/exec — the reboots would fail there`,
          items: groupedFailures(failed),
        }
      : { ok: true, detail: `${probes.length} node(s) ran \`chroot /rootfs\` commands through pods/exec` };
  },
};
