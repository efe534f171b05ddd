// What every kind of run shares: the settings, the cancel signal, the cluster client, the report being
// written, where files go on the runner, and node access (SSH or API exec) + node watch opened on first use. The session also
// carries what the run has learned so far (procedure, checkpoint), which the failure description reads.
import * as github from '@actions/github';
import { join } from 'node:path';
import { Cluster } from '../cluster/client.ts';
import { NodeShell } from '../nodes/ssh.ts';
import type { NodeAccess } from '../nodes/access.ts';
import { ApiNodeAccess } from '../nodes/api-access.ts';
import { nodeAccessOf } from '../inputs/node-access.ts';
import { NodeWatch } from '../nodes/node-watch.ts';
import { coreLogger, type Logger } from '../util/log.ts';
import type { Checkpoint } from '../procedure/checkpoint.ts';
import type { NodeTools, RunMemory, StepContext, Variant } from '../procedure/types.ts';
import { publicSettings, RunReport } from '../report/model.ts';
import type { Settings } from '../inputs/settings.ts';
import type { LeaseKeeper } from './lease.ts';
import { pathUnder } from './paths.ts';
import { InputError } from '../inputs/input-error.ts';

export interface NodeToolsFactory {
  get(): Promise<NodeTools>;
  close(): Promise<void>;
  /** The SSH shell, once opened: its recorded host keys go into the report and the known-hosts output. */
  shell(): NodeShell | undefined;
}

export interface Session {
  settings: Settings;
  /** The runner's cancel (SIGINT/SIGTERM). */
  cancel: AbortSignal;
  /** Aborted on cancel, or when the checkpoint lease is lost: no new change starts after it. */
  signal: AbortSignal;
  /** Aborts `signal` when the lease is lost. */
  stop: AbortController;
  log: Logger;
  cluster: Cluster;
  report: RunReport;
  /** Everything the run writes on the runner stays under this directory. */
  workDir: string;
  backupDir: string;
  nodeTools: NodeToolsFactory;
  /** The procedure, once the version is known. */
  variant?: Variant;
  /** The checkpoint an earlier run left (undefined on a fresh start). */
  earlier?: Checkpoint;
  /** The checkpoint this run keeps (the earlier run's, or its own once written). */
  checkpoint?: Checkpoint;
  /** strategy live/auto found a live migration under way that no checkpoint of ours records: it is followed. */
  attachLive?: boolean;
  /** The cluster was already on the target network with no migration of ours unfinished. */
  onTarget?: boolean;
  /** The procedure started: from here on, this run changes the cluster. */
  started: boolean;
  /** The lease on the checkpoint, once this run holds it. */
  lease?: LeaseKeeper;
  /** Saves this run's progress to the checkpoint; a no-op until there is one to save. */
  saveProgress(): Promise<void>;
}

function runContext(): RunReport['context'] {
  const c = github.context;
  const repository = process.env.GITHUB_REPOSITORY;
  return {
    repository,
    runUrl: repository && c.runId ? `${c.serverUrl}/${repository}/actions/runs/${c.runId}` : undefined,
    actor: c.actor || undefined,
    ref: c.ref || undefined,
    sha: c.sha || undefined,
    workflow: c.workflow || undefined,
  };
}

function workDirectory(settings: Settings): string {
  const base = process.env.RUNNER_TEMP || join(process.cwd(), '.sdn-to-ovn');
  try {
    return pathUnder(base, settings.artifactName);
  } catch {
    throw new InputError(
      'artifact-name',
      `"${settings.artifactName}" would put the run's files outside RUNNER_TEMP`,
      'a name that is not "." or ".." and holds no path separator',
    );
  }
}

/** The run's node access: SSH with the ssh-* inputs, or pods/exec through the cluster behind the cancel gate. */
function openAccess(cluster: Cluster, settings: Settings, log: Logger, signal: AbortSignal): NodeAccess {
  if (nodeAccessOf(settings).kind === 'api') return new ApiNodeAccess(cluster.withCancelGate(signal), log);
  if (!settings.ssh.privateKey)
    throw new Error('ssh-private-key is required to reach nodes over SSH (node-access: ssh)');
  return new NodeShell(
    {
      user: settings.ssh.user,
      port: settings.ssh.port,
      privateKey: settings.ssh.privateKey,
      passphrase: settings.ssh.passphrase,
      bastion: settings.ssh.bastion,
      knownHosts: settings.ssh.knownHosts,
      hostKeyPolicy: settings.ssh.hostKeyPolicy,
      // The plan records every address's host key, so what is approved is what migrate trusts.
      recordEveryAddress: settings.mode === 'plan',
    },
    log,
  );
}

/**
 * Node access and the node watch for steps. The access (and SSH's recorded host keys) lives for the whole run;
 * each call starts a fresh node watch (one LIST, then WATCH) and stops the previous one, so a reboot
 * fan-out compares boot IDs against the cluster as it is now, never against a cache that a throttled or
 * cut watch left behind.
 */
function nodeToolsFactory(cluster: Cluster, settings: Settings, log: Logger, signal: AbortSignal) {
  let access: NodeAccess | undefined;
  let watch: NodeWatch | undefined;
  const get = async (): Promise<NodeTools> => {
    access ??= openAccess(cluster, settings, log, signal);
    watch?.stop();
    watch = await NodeWatch.start(cluster, log, signal, settings.waitTimeoutMs);
    return { access, watch };
  };
  const close = async () => {
    watch?.stop();
    await access?.close();
  };
  return { get, close, shell: () => (access instanceof NodeShell ? access : undefined) };
}

export function openSession(settings: Settings, cancel: AbortSignal): Session {
  const log = coreLogger;
  const stop = new AbortController();
  const signal = AbortSignal.any([cancel, stop.signal]);
  const cluster = Cluster.fromKubeconfig(settings.kubeconfig, settings.context, log);
  const report = new RunReport(cluster.server);
  report.context = runContext();
  report.settings = publicSettings(settings);
  report.warnings.push(...(settings.kubeconfigWarnings ?? []));
  const workDir = workDirectory(settings);
  return {
    settings,
    cancel,
    signal,
    stop,
    log,
    cluster,
    report,
    workDir,
    backupDir: join(workDir, 'backup'),
    nodeTools: nodeToolsFactory(cluster, settings, log, signal),
    started: false,
    saveProgress: async () => {},
  };
}

/** The context steps run with. */
export function stepContext(s: Session, variant: Variant, memory: RunMemory): StepContext {
  return {
    cluster: s.cluster,
    settings: s.settings,
    log: s.log,
    report: s.report,
    target: variant.to,
    memory,
    nodes: s.nodeTools.get,
    saveProgress: () => s.saveProgress(),
    backupDir: s.backupDir,
    signal: s.signal,
  };
}
