// The risk section of a rollback's summary (plan-rollback, and a finished rollback after the fact):
// the reboots go the other way round from a migration's (over SSH with the pools paused, then the
// Machine Config Operator), and a rollback that starts before the network type switched (an undo)
// reboots no node itself and keeps the pod network up.
import { escapeHtml } from './escape.ts';
import type { RunReport } from './model.ts';
import { afterTheFact, minutes, networkDownMs, poolCounts, rebootOrder } from './parts.ts';

/** The undo procedures' titles say "before the switch" (src/procedure/rollback-a.ts, rollback-b.ts). */
export const isUndo = (r: RunReport): boolean => /before the switch/.test(r.cluster.variant ?? '');

function undoLines(done: boolean): string[] {
  return [
    `- **Reboots:** none by this run. The Machine Config Operator ${done ? 'rolled' : 'rolls'} the OpenShift SDN host configuration back to the nodes that had received OVN-Kubernetes' (drain and reboot, maxUnavailable nodes of each pool at a time).`,
    `- **Pod network:** ${done ? 'stayed' : 'stays'} up: the network type never switched.`,
    `- **Afterwards:** the migration is ended (its trigger cleared, the pools as they were); migrating again is a new mode: migrate run from the beginning.`,
  ];
}

/** The risk of a rollback, plainly; empty when the run neither plans nor finished one. */
export function rollbackRisk(r: RunReport): string {
  if (!r.nodes.size || (r.result !== 'planned' && r.result !== 'refused' && r.result !== 'rolled-back'))
    return '';
  const done = afterTheFact(r);
  const title = `### ${done ? 'What this run did' : 'The risk'}\n`;
  if (isUndo(r)) return `${title}${undoLines(done).join('\n')}\n`;
  const n = r.nodes.size;
  const parallel = Number(r.settings.maxParallelReboots ?? 0);
  const atOnce = parallel > 0 && parallel < n ? `${parallel} at a time` : 'all at once';
  const down = networkDownMs(r);
  const lines = [
    `- **Reboots:** every node (${n}: ${escapeHtml(poolCounts(r))}) ${done ? 'was' : 'is'} rebooted **twice** — first over SSH, ${atOnce} (max-parallel-reboots ${parallel}), with every pool paused; then by the Machine Config Operator once the pools are resumed, pool by pool, maxUnavailable nodes of each pool at a time. The nodes:`,
    rebootOrder(r),
    parallel > 0
      ? `- **API:** the control-plane nodes ${done ? 'were' : 'are'} rebooted one at a time (max-parallel-reboots ${parallel}), so etcd keeps its quorum and the Kubernetes API stays up.`
      : `- **API:** the control-plane nodes ${done ? 'rebooted' : 'reboot'} together: the Kubernetes API ${done ? 'was' : 'is'} unreachable for minutes, until they are back.`,
    `- **Pod network:** ${done ? 'was' : 'is'} down from the switch back to OpenShift SDN until every node is back${down !== undefined ? ` — about ${minutes(down)} (estimate)` : ''}: workloads ${done ? 'were' : 'are'} disrupted.`,
    `- **Afterwards:** the cluster is on OpenShift SDN with the settings it had before the migration; migrating again is a new mode: migrate run (two reboots per node). ${r.settings.cleanup === false ? 'cleanup is false: the OVN-Kubernetes leftovers stay until the cleanup commands run.' : 'Cleanup clears spec.migration and the OVN-Kubernetes settings and deletes the openshift-ovn-kubernetes namespace.'}`,
  ];
  return `${title}${lines.join('\n')}\n`;
}
