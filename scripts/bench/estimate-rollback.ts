// The twin's timing profile as the estimate's figures for a rollback that follows a migration
// (rollback-a.ts, rollback-b.ts), as twinTimings (estimate-accuracy.ts) gives them for the migration.
import { OPERATOR_PASS_SECONDS as PASS_SECONDS } from '../../__tests__/helpers/twin-action.ts';
import type { Scenario } from '../../__tests__/twin/scenario.ts';
import { SHUTDOWN_DELAY_MS, type KnownTimings } from '../../src/checks/estimate.ts';
import { nodesAtOnce } from '../../src/inputs/max-unavailable.ts';

export const SRC = 'twin timing profile';
/** The bench's clusters: three control-plane nodes, the rest workers (accuracyScenario). */
const MASTERS = 3;

/**
 * When the operators are healthy again, in virtual seconds after the MCO update ends (the slowest
 * pool's last node back). They flap after every node's reboot (__tests__/twin/controllers/operators.ts):
 * a node's own operators settle flapSeconds + up to 30 s later (the latest stagger); after a
 * control-plane node kube-apiserver settles flapSeconds + 10 s later, stays green 40 s, then is
 * Progressing 30 s more (one more static-pod revision). The control-plane pool goes one node at a
 * time; when the worker pool has more rounds, the last master came back that many rounds before the end.
 */
function operatorsSettle(sc: Scenario, maxUnavailable: string | undefined): number {
  const { realism: r, timing: t } = sc;
  if (!r.operatorFlapping) return 0;
  const workers = sc.nodes.length - MASTERS;
  const workerRounds = Math.ceil(workers / (maxUnavailable ? nodesAtOnce(maxUnavailable, workers) : 1));
  const mastersEarlier = Math.max(0, workerRounds - MASTERS) * (t.mcoUpdateSeconds + t.rebootSeconds);
  return Math.max(r.flapSeconds + 30, r.flapSeconds + 10 + 40 + 30 - mastersEarlier);
}

/**
 * Verification's operator gate: three healthy passes PASS_SECONDS apart; while the operators are
 * still settling, the first healthy pass comes on average half an interval after they do.
 */
function verifyGate(sc: Scenario, maxUnavailable: string | undefined): number {
  const settle = operatorsSettle(sc, maxUnavailable);
  return (settle > 0 ? settle + PASS_SECONDS / 2 : 0) + 2 * PASS_SECONDS;
}

/**
 * A rollback reboots with the pools paused, then MCO updates them once they are resumed
 * (resume-pools starts as A's unpause does: render, then pickup). The per-node figures are the
 * migration's; what the phases wait for besides is the rollback's own:
 * - B-rollback waits for multus inside its reboot phase (the document's step 7 comes after the
 *   reboot): the rollout started at the switch, one pod at a time, and stalls while the nodes are
 *   down (multus.ts), so the phase ends with the later of the nodes' return (as for the migration)
 *   and multus: nodes × a pod restart, + the downtime when it was not done before the reboot.
 * - "other": the network operator's reaction (to spec.migration in B's prepare, before A's multus
 *   rollout in its switch phase); A's multus rollout; verification's operator gate after the MCO
 *   update (verifyGate); cleanup's namespace Terminating. No operator gate in a rollback's preflight
 *   and no ovnkube-node to wait for (the target is OpenShift SDN).
 */
export function rollbackTimings(
  sc: Scenario,
  variant: 'A' | 'B',
  maxUnavailable: string | undefined,
  /** The migration's figures on this twin (twinTimings): the per-node ones are the same. */
  forward: KnownTimings,
): KnownTimings {
  const t = sc.timing;
  const multus = sc.nodes.length * t.multusPodRestartSeconds;
  const multusEnd = (multus + (multus * 1000 > SHUTDOWN_DELAY_MS ? t.rebootSeconds : 0)) * 1000;
  const multusBound = variant === 'B' && multusEnd - SHUTDOWN_DELAY_MS > forward.rebootMs!.ms;
  const other =
    t.cnoReconcileSeconds +
    (variant === 'A' ? multus : 0) +
    verifyGate(sc, maxUnavailable) +
    t.namespaceTerminatingSeconds;
  return {
    updateMs: forward.updateMs,
    rolloutStartMs: {
      ms: 2 * sc.realism.mcoReactionSeconds * 1000,
      source: `${SRC}: MCO render + pickup reactions`,
    },
    rebootMs: multusBound
      ? {
          ms: multusEnd - SHUTDOWN_DELAY_MS,
          source: `${SRC}: the multus rollout the reboot phase waits for (${sc.nodes.length} pods × ${t.multusPodRestartSeconds} s, stalled ${t.rebootSeconds} s while the nodes are down) ends after the nodes are back`,
        }
      : forward.rebootMs!,
    overheadMs: {
      ms: other * 1000,
      source: `${SRC}: the network operator's reaction,${variant === 'A' ? ' multus pods × nodes,' : ''} operators settling after the MCO update + verification's operator gate, namespace Terminating`,
    },
  };
}
