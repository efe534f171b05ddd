// The steps of a limited live migration (procedures.md "Variant C" and "Live rollback"): remember the
// nodes' boot IDs, one merge-patch that starts it, follow it, remove the annotation, verify. The
// operators do the work and the reboots; this action never reboots a node in a live run.
import { NETWORK_CONFIG, NODES } from '../cluster/types.ts';
import { verifyMigration } from '../checks/verify.ts';
import { LIVE_ANNOTATION, liveInProgress } from './live-conditions.ts';
import { followLiveMigration } from './live-follow.ts';
import { recordChange, reportName, setAnnotation } from './steps.ts';
import type { Step, StepContext } from './types.ts';

export const LIVE_TRIGGER_STEP = 'live-trigger';
export const LIVE_FOLLOW_STEP = 'live-follow';
export const LIVE_REMOVE_ANNOTATION_STEP = 'live-remove-annotation';

/**
 * Every node's boot ID before the trigger, kept in the checkpoint: verification proves the Machine
 * Config Operator rebooted each node (a re-run keeps the first run's). When a live migration is
 * already under way (a run attaching to one it did not start), nothing true can be recorded.
 */
export function rememberBootIds(): Step {
  return {
    id: 'remember-boot-ids',
    title: "Record every node's boot ID before the live migration (verification proves each node rebooted)",
    plan: () => ['(no change) read every Node status.nodeInfo.bootID into the checkpoint'],
    isDone: async (ctx) => ctx.memory.bootIdsBefore !== undefined,
    apply: async (ctx) => {
      if (liveInProgress(await ctx.cluster.get(NETWORK_CONFIG))) {
        ctx.log.info('  a live migration is already under way: the boot IDs from before it are not known');
        return;
      }
      const nodes = (await ctx.cluster.list(NODES)).items;
      ctx.memory.bootIdsBefore = Object.fromEntries(
        nodes.map((n) => [n.metadata.name, String(n.status?.nodeInfo?.bootID ?? '')]),
      );
      for (const n of nodes)
        ctx.report.node(n.metadata.name).bootIdBefore = ctx.memory.bootIdsBefore[n.metadata.name];
      await ctx.saveProgress();
    },
  };
}

const triggerPatch = (ctx: StepContext) => ({
  metadata: { annotations: { [LIVE_ANNOTATION]: '' } },
  spec: { networkType: ctx.target },
});

/** The trigger: one merge-patch of Network.config with the annotation and spec.networkType. */
export function liveTrigger(): Step {
  return {
    id: LIVE_TRIGGER_STEP,
    title: `Start the live migration: annotate Network.config.openshift.io cluster with ${LIVE_ANNOTATION} and set spec.networkType`,
    plan: (ctx) => [
      `${reportName(NETWORK_CONFIG)} metadata.annotations["${LIVE_ANNOTATION}"] = "" and spec.networkType = ${ctx.target} (one merge-patch; from here the network and machine-config operators carry the migration, and cancelling this run cannot stop them)`,
    ],
    commands: (ctx) => [
      `oc patch network.config.openshift.io cluster --type=merge --patch '${JSON.stringify(triggerPatch(ctx))}'`,
    ],
    isDone: async (ctx) => {
      const config = await ctx.cluster.get(NETWORK_CONFIG);
      return (
        config?.metadata.annotations?.[LIVE_ANNOTATION] !== undefined &&
        config.spec?.networkType === ctx.target
      );
    },
    apply: async (ctx) => {
      const before = await ctx.cluster.get(NETWORK_CONFIG);
      await ctx.cluster.mergePatch(NETWORK_CONFIG, triggerPatch(ctx));
      const name = reportName(NETWORK_CONFIG);
      recordChange(
        ctx,
        LIVE_TRIGGER_STEP,
        name,
        `metadata.annotations["${LIVE_ANNOTATION}"]`,
        before?.metadata.annotations?.[LIVE_ANNOTATION],
        '',
      );
      recordChange(ctx, LIVE_TRIGGER_STEP, name, 'spec.networkType', before?.spec?.networkType, ctx.target);
    },
  };
}

/** Waits for the operators: done, failed (co/network Degraded) or stalled (no progress for wait-timeout). */
export function followLive(): Step {
  return {
    id: LIVE_FOLLOW_STEP,
    title:
      'Follow the live migration: the five NetworkTypeMigration conditions, the pools rolling twice, co/network',
    plan: () => [
      'wait: NetworkTypeMigrationInProgress False (NetworkTypeMigrationCompleted), the other four conditions Unknown, status.networkType the target; fails on co/network Degraded or no progress for wait-timeout',
    ],
    confirmable: false,
    isDone: async () => false,
    apply: (ctx) => followLiveMigration(ctx),
  };
}

/** When the operators are done, the documentation removes the annotation. */
export function removeLiveAnnotation(): Step {
  return setAnnotation({
    id: LIVE_REMOVE_ANNOTATION_STEP,
    // Planned as a change while the trigger is still to do (the annotation is absent before it).
    reverts: LIVE_TRIGGER_STEP,
    title: `Remove the annotation ${LIVE_ANNOTATION} from Network.config.openshift.io cluster`,
    ref: NETWORK_CONFIG,
    key: LIVE_ANNOTATION,
    value: null,
  });
}

/** Verification as offline does, except that no node is rebooted by this action. */
export function verifyLive(): Step {
  return {
    id: 'verify',
    title: 'Verify the migration (no node is rebooted by this action)',
    plan: () => [
      'check: nodes Done with currentConfig = desiredConfig, configure-ovs.sh line, status.networkType, nodes Ready, no pod in error, every node rebooted by the Machine Config Operator, operators healthy, pools Updated',
    ],
    isDone: async () => false,
    confirmable: false,
    apply: async (ctx) => {
      await verifyMigration(ctx, { rebootPodsInError: false });
    },
  };
}
