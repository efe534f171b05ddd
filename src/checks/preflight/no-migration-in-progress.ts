// A migration someone else started must be finished or rolled back first; this action's own unfinished
// run may continue. Two kinds are told apart and never mixed: an offline one (the 4.5–4.7 annotation on
// Network.operator, spec.migration, status.migration) and a live one (the network-type-migration
// annotation on Network.config, NetworkTypeMigrationInProgress True, status.migration mode Live). A live
// run attaches to a live migration toward the same network type: it follows it to the end.
import type { KObject } from '../../cluster/types.ts';
import { conditionOf } from '../../openshift/objects.ts';
import { LIVE_ANNOTATION, LIVE_CONDITIONS } from '../../procedure/live-conditions.ts';
import { isLive } from '../../procedure/variant-live.ts';
import { MIGRATION_ANNOTATION } from '../../procedure/variant-a.ts';
import type { Outcome, PreflightCheck } from './types.ts';

const isSet = (v: unknown) => v !== undefined && v !== null;
const liveMode = (m: unknown) => (m as { mode?: unknown } | null | undefined)?.mode === 'Live';

/**
 * What an offline migration left: the Network.operator annotation, spec.migration, status.migration.
 * During a live migration the operator writes spec.migration itself (mode Live) and copies it to
 * status.migration: those belong to the live one.
 */
export function offlineSigns(operator: KObject | undefined, config: KObject | undefined): string[] {
  const found: string[] = [];
  if (operator?.metadata.annotations?.[MIGRATION_ANNOTATION] !== undefined)
    found.push(
      `Network.operator.openshift.io cluster has the annotation ${MIGRATION_ANNOTATION} (4.5–4.7 migration)`,
    );
  const spec = operator?.spec?.migration as unknown;
  const offlineSpec = isSet(spec) && !liveMode(spec);
  if (offlineSpec)
    found.push(`Network.operator.openshift.io cluster spec.migration = ${JSON.stringify(spec)}`);
  const status = config?.status?.migration as unknown;
  const live = liveMode(spec) || liveSigns(config).length > 0;
  if (isSet(status) && !liveMode(status) && (offlineSpec || !live))
    found.push(`Network.config.openshift.io cluster status.migration = ${JSON.stringify(status)}`);
  return found;
}

/** What a live migration shows: the Network.config annotation, InProgress True, status.migration mode Live. */
export function liveSigns(config: KObject | undefined, operator?: KObject): string[] {
  const found: string[] = [];
  if (config?.metadata.annotations?.[LIVE_ANNOTATION] !== undefined)
    found.push(`Network.config.openshift.io cluster has the annotation ${LIVE_ANNOTATION} (live migration)`);
  const c = conditionOf(config, LIVE_CONDITIONS[0]);
  if (c?.status === 'True')
    found.push(
      `Network.config.openshift.io cluster condition ${LIVE_CONDITIONS[0]} True${c.reason ? ` (${c.reason})` : ''}`,
    );
  if (liveMode(config?.status?.migration))
    found.push(
      `Network.config.openshift.io cluster status.migration = ${JSON.stringify(config?.status?.migration)}`,
    );
  if (liveMode(operator?.spec?.migration))
    found.push(
      `Network.operator.openshift.io cluster spec.migration = ${JSON.stringify(operator?.spec?.migration)} (live)`,
    );
  return found;
}

const NEVER_MIX =
  'never start the other kind of migration on top of it (the offline and live triggers must not be mixed)';

function judge(live: boolean, offline: string[], liveFound: string[], sameTarget: boolean): Outcome {
  const items = [...offline, ...liveFound];
  if (live && liveFound.length && !offline.length && sameTarget)
    return {
      ok: true,
      detail:
        'a live migration toward this network type is under way: this run attaches to it and follows it to the end (cancelling a run cannot stop the operators)',
      items,
    };
  if (!live && liveFound.length)
    return {
      ok: false,
      detail: `a live migration is under way — ${NEVER_MIX}: let it finish (a run with strategy live attaches to it and follows it), then run again`,
      items,
    };
  if (live && offline.length)
    return {
      ok: false,
      detail: `an offline migration is under way — ${NEVER_MIX}: finish it with strategy offline, or roll it back (set spec.migration: null once the cluster is back on OpenShift SDN), then run again`,
      items,
    };
  return {
    ok: false,
    detail:
      'a migration was started outside this run — finish it or roll it back (remove the annotation / set spec.migration: null once the cluster is back on OpenShift SDN), then run again',
    items,
  };
}

export const noMigrationInProgressCheck: PreflightCheck = {
  id: 'no-migration-in-progress',
  title: 'No migration already under way',
  severity: 'blocking',
  run: async (f) => {
    const [operator, config] = [await f.operator(), await f.config()];
    const offline = offlineSigns(operator, config);
    const live = liveSigns(config, operator);
    if (!offline.length && !live.length)
      return {
        ok: true,
        detail: `no migration annotation, spec.migration, status.migration or ${LIVE_CONDITIONS[0]} True`,
      };
    if (f.opts.ownRunInProgress)
      return {
        ok: true,
        detail: "a migration is under way, and it is this action's own unfinished run: resuming",
        items: [...offline, ...live],
      };
    return judge(isLive(f.variant), offline, live, config?.spec?.networkType === f.variant.to);
  },
};
