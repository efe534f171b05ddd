// Variant B step 3: `spec.migration: {networkType: OVNKubernetes}` on Network.operator, and on 4.12+
// `spec.migration.features` when the migrate-* inputs turn a conversion off (all on is the network
// operator's default, so nothing is written for it). openshift/api operator/v1 `NetworkMigration.features`
// (`MigrationFeatures`: egressIP, egressFirewall, multicast) exists from 4.12, where the offline
// migration converts the SDN features.
import { NETWORK_OPERATOR } from '../cluster/types.ts';
import { allFeatures } from '../inputs/migration-features.ts';
import { clusterMinor } from './cluster-minor.ts';
import { setField } from './steps.ts';
import type { Step, StepContext } from './types.ts';

export const FEATURES_FROM_MINOR = 12;

export function migrationValue(ctx: StepContext): Record<string, unknown> {
  const features = ctx.settings.migrationFeatures;
  const minor = clusterMinor(ctx);
  return minor >= FEATURES_FROM_MINOR && !allFeatures(features)
    ? { networkType: 'OVNKubernetes', features }
    : { networkType: 'OVNKubernetes' };
}

const ID = 'set-migration';
const TITLE = 'Set Network.operator.openshift.io cluster spec.migration.networkType';

export function setMigration(): Step {
  const inner = (ctx: StepContext) =>
    setField({
      id: ID,
      title: TITLE,
      ref: NETWORK_OPERATOR,
      path: ['spec', 'migration'],
      value: migrationValue(ctx),
    });
  return {
    id: ID,
    title: TITLE,
    plan: (ctx) => inner(ctx).plan(ctx),
    commands: (ctx) => inner(ctx).commands?.(ctx) ?? [],
    isDone: (ctx) => inner(ctx).isDone(ctx),
    apply: (ctx) => inner(ctx).apply(ctx),
  };
}
