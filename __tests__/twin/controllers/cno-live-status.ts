// The live migration's five conditions on Network.config and the pool check behind two of them, as
// cluster-network-operator pkg/controller/operconfig/migration.go (release-4.15/4.16) writes them:
// `initMigrationConditions`, `resetMigrationConditions`, `ensureMachineConfigPools` with
// `ovsConfigurationUnitMatch` (TargetCNIInUse) and `routebleMtuUnitMatch` (MTUReady). A condition's
// lastTransitionTime moves only when its status flips (meta.SetStatusCondition).
import type { TwinContext } from '../context.ts';
import type { NetworkType } from '../scenario.ts';
import { IN_PROGRESS } from './cno-live-validate.ts';
import { T } from './types.ts';
import { type Condition, type ConditionStatus, getCondition, setCondition } from './util.ts';

/** The four step conditions, in the order the operator first writes them (then InProgress). */
export const STEP_CONDITIONS = [
  'NetworkTypeMigrationMTUReady',
  'NetworkTypeMigrationTargetCNIAvailable',
  'NetworkTypeMigrationTargetCNIInUse',
  'NetworkTypeMigrationOriginalCNIPurged',
] as const;

export type StepCondition = (typeof STEP_CONDITIONS)[number];
export type ConditionValue = [ConditionStatus, string, string];

export interface LiveConditions {
  set(type: StepCondition, value: ConditionValue): void;
  /** The migration starts: the four False (Initialized), InProgress True (Started). */
  init(): void;
  /** Not migrating, or done: the four Unknown, InProgress False (Completed). */
  reset(): void;
}

export function liveConditions(conditions: Condition[]): LiveConditions {
  const set = (type: string, [status, reason, message]: ConditionValue) =>
    setCondition(conditions, type, status, reason, message);
  return {
    set,
    init: () => {
      for (const t of STEP_CONDITIONS)
        set(t, [
          'False',
          'NetworkTypeMigrationInitialized',
          'network operator initialize network type migration status',
        ]);
      set(IN_PROGRESS, ['True', 'NetworkTypeMigrationStarted', 'Network type migration is started']);
    },
    reset: () => {
      for (const t of STEP_CONDITIONS)
        set(t, ['Unknown', 'NetworkTypeMigrationNotInProgress', 'Network type migration is not in progress']);
      set(IN_PROGRESS, ['False', 'NetworkTypeMigrationCompleted', 'Network type migration is completed']);
    },
  };
}

export interface PoolsCheck {
  condition: ConditionValue;
  /** Every pool runs a config with the wanted units. */
  desired: boolean;
  /** No pool degraded or updating. */
  stable: boolean;
}

interface Unit {
  name: string;
  enabled?: boolean;
  contents?: string;
}

/**
 * `ensureMachineConfigPools`: any pool Degraded, else any Updating, else every pool's current
 * (status) rendered config must have the units: `ovs` — configure-ovs.sh for `target` and no
 * mtu-migration.service; `mtu` — mtu-migration.service enabled.
 */
export function poolsCheck(ctx: TwinContext, target: NetworkType, want: 'ovs' | 'mtu'): PoolsCheck {
  const pools = ctx.store.list(T.pool);
  const isTrue = (p: (typeof pools)[number], type: string) =>
    getCondition((p.status as { conditions?: unknown } | undefined)?.conditions, type)?.status === 'True';
  const degraded = pools.find((p) => isTrue(p, 'Degraded'));
  if (degraded)
    return notYet([
      'False',
      'MachineConfigPoolDegraded',
      `MachineConfig Pool ${degraded.metadata.name} is degraded`,
    ]);
  const updating = pools.find((p) => isTrue(p, 'Updating'));
  if (updating)
    return notYet([
      'False',
      'MachineConfigPoolsUpdating',
      `MachineConfigPools ${updating.metadata.name} is updating`,
    ]);
  for (const p of pools) {
    const name = (p.status as { configuration?: { name?: string } } | undefined)?.configuration?.name ?? '';
    const mc = ctx.store.get(T.machineConfig, undefined, name);
    const units =
      (mc?.spec as { config?: { systemd?: { units?: Unit[] } } } | undefined)?.config?.systemd?.units ?? [];
    if (!unitsMatch(units, target, want))
      return {
        condition: [
          'False',
          'MachineConfigNotApplied',
          'The desired MachineConfig is not applied to cluster',
        ],
        desired: false,
        stable: true,
      };
  }
  return {
    condition: ['True', 'MachineConfigApplied', 'The desired MachineConfig is applied to cluster'],
    desired: true,
    stable: true,
  };
}

function notYet(condition: ConditionValue): PoolsCheck {
  return { condition, desired: false, stable: false };
}

function unitsMatch(units: Unit[], target: NetworkType, want: 'ovs' | 'mtu'): boolean {
  const mtu = units.find((u) => u.name === 'mtu-migration.service');
  if (want === 'mtu') return mtu?.enabled === true;
  const ovs = units.find((u) => u.name === 'ovs-configuration.service');
  const runsTarget =
    ovs?.enabled === true && !!ovs.contents?.includes(`ExecStart=/usr/local/bin/configure-ovs.sh ${target}`);
  return runsTarget && !mtu;
}
