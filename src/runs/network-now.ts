// Where the cluster's network stands right now, in one or two sentences an administrator acts on:
// read from the live objects (reads only — also after a cancel), for the summary of a run that
// stopped with a migration unfinished.
import type { Cluster } from '../cluster/client.ts';
import { NETWORK_CONFIG, NETWORK_OPERATOR, POOLS } from '../cluster/types.ts';
import { MIGRATION_ANNOTATION } from '../procedure/variant-a.ts';
import { conditionsLine, hasLiveAnnotation } from '../procedure/live-conditions.ts';

export interface NetworkFacts {
  specType?: string;
  statusType?: string;
  /** Network.operator spec.migration.networkType. */
  migration?: string;
  annotated: boolean;
  pausedPools: string[];
  /** Network.config carries the live migration annotation. */
  liveAnnotated?: boolean;
  /** The five live migration conditions in one line (when the annotation is set). */
  liveConditions?: string;
}

export async function readNetworkFacts(cluster: Cluster): Promise<NetworkFacts> {
  const [config, operator, pools] = await Promise.all([
    cluster.get(NETWORK_CONFIG),
    cluster.get(NETWORK_OPERATOR),
    cluster.list(POOLS),
  ]);
  const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
  return {
    specType: str(config?.spec?.networkType),
    statusType: str(config?.status?.networkType),
    migration: str(operator?.spec?.migration?.networkType),
    annotated: operator?.metadata.annotations?.[MIGRATION_ANNOTATION] !== undefined,
    pausedPools: pools.items.filter((p) => p.spec?.paused === true).map((p) => p.metadata.name),
    liveAnnotated: hasLiveAnnotation(config),
    ...(hasLiveAnnotation(config) ? { liveConditions: conditionsLine(config) } : {}),
  };
}

/** Which run's words: a migration to OVN-Kubernetes, or a rollback to OpenShift SDN. */
export type RunKind = 'migration' | 'rollback';

/**
 * A rollback that started before the network type switched (from = target): the network never left
 * OpenShift SDN, so the pod network works; what remains is the migration's trigger and MCO's rollout.
 */
function neverSwitched(f: NetworkFacts, target: string): string {
  const trigger =
    f.migration && f.migration !== target
      ? ` spec.migration still asks for ${f.migration}: the Machine Config Operator rolls the ${f.migration} host configuration out to unpaused pools, rebooting nodes, until the rollback clears it.`
      : f.annotated
        ? ` The ${MIGRATION_ANNOTATION} annotation is still set until the rollback removes it.`
        : ` The migration's trigger is cleared: the Machine Config Operator rolls the ${target} host configuration back (its own reboots); verification remains.`;
  return `The network type never switched: the cluster runs ${f.statusType ?? f.specType ?? target} and its pod network works.${trigger}`;
}

/**
 * The sentence. `rebooted`: the checkpoint records that every node was rebooted onto the new
 * network (after that the pod network works again). `run`: whose words (what "continues").
 */
export function describeNetwork(
  f: NetworkFacts,
  target: string,
  from: string,
  rebooted: boolean,
  run: RunKind = 'migration',
): string {
  const parts: string[] = [];
  if (f.liveAnnotated)
    parts.push(
      `A live migration to ${f.specType ?? '?'} is under way (${f.liveConditions ?? ''}; status.networkType ${f.statusType ?? '?'}): the network and machine-config operators carry it on whatever this run does; the pod network keeps working while the pools roll.`,
    );
  else if (from === target) parts.push(neverSwitched(f, target));
  else if (f.specType === target && !rebooted)
    parts.push(
      `spec.networkType is already ${target}: the pod network is down until the ${run} continues (every node must still be rebooted onto ${target}).`,
    );
  else if (f.specType === target)
    parts.push(
      `The cluster runs ${target} (status.networkType ${f.statusType ?? '?'}) and every node was rebooted onto it: the pod network works; verification and cleanup are what remain.`,
    );
  else if (f.migration === target || f.annotated)
    parts.push(
      `The cluster is still on ${f.specType ?? from} and its pod network works, but the ${run} is started (${f.migration === target ? `spec.migration asks for ${target}: the Machine Config Operator rolls out the ${target} host configuration to unpaused pools, rebooting nodes` : `the ${MIGRATION_ANNOTATION} annotation is set`}).`,
    );
  else
    parts.push(
      `The cluster is on ${f.statusType ?? f.specType ?? from}; the ${run} has not changed its network.`,
    );
  if (f.pausedPools.length)
    parts.push(
      `Paused pools: ${f.pausedPools.join(', ')} (MachineConfig updates held until the ${run} continues).`,
    );
  return parts.join(' ');
}

/** The sentence, or why it could not be read. */
export async function networkNow(
  cluster: Cluster,
  target: string,
  from: string,
  rebooted: boolean,
  run: RunKind = 'migration',
): Promise<string> {
  try {
    return describeNetwork(await readNetworkFacts(cluster), target, from, rebooted, run);
  } catch (err) {
    return `The network's state could not be read (${err instanceof Error ? err.message : String(err)}).`;
  }
}
