// The vocabulary of a procedure: variants are ordered phases of named steps. A step knows how to tell
// that it is already done (so a re-run skips it) and how to apply itself; it describes what it will
// change for the plan. The engine (engine.ts) runs any variant without knowing what it migrates.
import type { Cluster } from '../cluster/client.ts';
import type { Logger } from '../util/log.ts';
import type { NodeAccess } from '../nodes/access.ts';
import type { NodeWatch } from '../nodes/node-watch.ts';
import type { RunReport } from '../report/model.ts';
import type { Settings } from '../inputs/settings.ts';
import type { NetworkType } from '../openshift/objects.ts';

export interface StepContext {
  cluster: Cluster;
  settings: Settings;
  log: Logger;
  report: RunReport;
  /** Network type the cluster moves to. */
  target: NetworkType;
  /** Values steps hand to later steps (e.g. multus generation before the switch, pool names). */
  memory: RunMemory;
  /** Node access (SSH or API; opened on first use, kept for the run) and a node watch started fresh by this call. */
  nodes(): Promise<NodeTools>;
  /** Saves the checkpoint now: steps call it after remembering something a re-run must know. */
  saveProgress(): Promise<void>;
  /** Where backup files are written. */
  backupDir: string;
  signal: AbortSignal;
}

export interface NodeTools {
  access: NodeAccess;
  watch: NodeWatch;
}

export interface RunMemory {
  /** Pools and whether each was paused before the run touched it. */
  poolsPausedBefore?: Record<string, boolean>;
  /** multus DaemonSet metadata.generation before the network type changed. */
  multusGenerationBefore?: number;
  /** Node boot IDs before the reboot phase. */
  bootIdsBefore?: Record<string, string>;
  [key: string]: unknown;
}

export interface Step {
  id: string;
  /** What the step does, in the document's words. */
  title: string;
  /** Changes for the plan: `Network.config.openshift.io/cluster spec.networkType = OVNKubernetes`. */
  plan(ctx: StepContext): Promise<string[]> | string[];
  /** The id of an earlier step this one undoes (unpause-pools reverts pause-pools), for the plan. */
  reverts?: string;
  isDone(ctx: StepContext): Promise<boolean>;
  apply(ctx: StepContext): Promise<void>;
  /**
   * false when isDone() cannot confirm the step after the fact (a wait or a check: its isDone only
   * says "run me again"). A resumed run cross-checks every other completed step against the cluster.
   */
  confirmable?: false;
  /** Later steps that undo what this one leaves behind (besides those that `reverts` it). */
  undoneBy?: string[];
  /** The `oc` command(s) a person would run for this step, for work left to them (cleanup: false). */
  commands?(ctx: StepContext): string[];
}

export interface Phase {
  id: string;
  title: string;
  steps: Step[];
}

export interface Variant {
  id: string;
  /** e.g. "A — offline, OpenShift 4.5–4.7" */
  title: string;
  /** Minor versions (4.x) it applies to, inclusive. */
  minors: [number, number];
  from: NetworkType;
  to: NetworkType;
  phases: Phase[];
  /** Phase ids that must all succeed before cleanup may run (verification). */
  verifyPhase: string;
  cleanupPhase: string;
}
