// A migration someone else started (annotation, spec.migration, status.migration) must be finished or
// rolled back first; this action's own unfinished run may continue.
import { MIGRATION_ANNOTATION } from '../../procedure/variant-a.ts';
import type { PreflightCheck } from './types.ts';

export const noMigrationInProgressCheck: PreflightCheck = {
  id: 'no-migration-in-progress',
  title: 'No migration already under way',
  severity: 'blocking',
  run: async (f) => {
    const [operator, config] = [await f.operator(), await f.config()];
    const found: string[] = [];
    if (operator?.metadata.annotations?.[MIGRATION_ANNOTATION] !== undefined)
      found.push(
        `Network.operator.openshift.io cluster has the annotation ${MIGRATION_ANNOTATION} (4.5–4.7 migration)`,
      );
    const specMigration = operator?.spec?.migration as unknown;
    if (specMigration !== undefined && specMigration !== null)
      found.push(`Network.operator.openshift.io cluster spec.migration = ${JSON.stringify(specMigration)}`);
    const statusMigration = config?.status?.migration as unknown;
    if (statusMigration !== undefined && statusMigration !== null)
      found.push(`Network.config.openshift.io cluster status.migration = ${JSON.stringify(statusMigration)}`);
    if (!found.length)
      return { ok: true, detail: 'no migration annotation, spec.migration or status.migration' };
    if (f.opts.ownRunInProgress)
      return {
        ok: true,
        detail: "a migration is under way, and it is this action's own unfinished run: resuming",
        items: found,
      };
    return {
      ok: false,
      detail:
        'a migration was started outside this run — finish it or roll it back (remove the annotation / set spec.migration: null once the cluster is back on OpenShift SDN), then run again',
      items: found,
    };
  },
};
