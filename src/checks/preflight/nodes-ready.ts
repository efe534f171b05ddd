// A NotReady node cannot be rebooted into the new network and proven back.
import { conditionOf, nodeReady } from '../../openshift/objects.ts';
import type { PreflightCheck } from './types.ts';

export const nodesReadyCheck: PreflightCheck = {
  id: 'nodes-ready',
  title: 'Every node Ready',
  severity: 'blocking',
  run: async (f) => {
    const nodes = await f.nodes();
    if (!nodes) throw new Error('the nodes could not be listed');
    const notReady = nodes.filter((n) => !nodeReady(n));
    return notReady.length
      ? {
          ok: false,
          detail: `${notReady.length} of ${nodes.length} node(s) NotReady — bring them back (oc describe node <name>; oc adm uncordon) or remove them, then run again`,
          items: notReady.map((n) => {
            const c = conditionOf(n, 'Ready');
            return `${n.metadata.name}: Ready=${c?.status ?? '?'}${c?.reason ? ` (${c.reason})` : ''}`;
          }),
        }
      : { ok: true, detail: `${nodes.length} node(s) Ready` };
  },
};
