// One run of the action after the inputs are read: connect, detect the version and variant, plan or
// migrate, verify, and — on every path — write the report, upload the artifact, write the summary and
// set the outputs. Errors end up as a failure that says where the cluster stands and what to do.
import * as core from '@actions/core';
import * as github from '@actions/github';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Cluster } from './cluster/client.ts';
import { CLUSTER_VERSION, INFRASTRUCTURE, NETWORK_CONFIG } from './cluster/types.ts';
import { NodeShell } from './nodes/ssh.ts';
import { NodeWatch } from './nodes/node-watch.ts';
import { coreLogger, type Logger } from './util/log.ts';
import { planVariant, runVariant, StepFailure, VerificationFailed } from './procedure/engine.ts';
import { selectVariant } from './procedure/select.ts';
import { Checkpoint, CHECKPOINT_REF, identityDifferences, identityOf } from './procedure/checkpoint.ts';
import type { NodeTools, RunMemory, StepContext, Variant } from './procedure/types.ts';
import { verifyMigration } from './checks/verify.ts';
import { refusalFor, runPreflight } from './checks/preflight.ts';
import { takeEtcdBackup } from './checks/etcd-backup.ts';
import { clusterIdentity } from './checks/cluster-identity.ts';
import { reportHostKeys } from './nodes/host-key-report.ts';
import { publicSettings, RunReport, type FailureInfo } from './report/model.ts';
import { commonRoot, uploadArtifact, writeReportFiles, writeSummary } from './report/publish.ts';
import type { Settings } from './inputs/settings.ts';

/** Checks that still block a run that continues an unfinished migration. */
// SSH is not among them: mid-migration a node may be down for its reboot. The reboot step names any
// node it cannot reach, and a host key mismatch still stops it before a command is sent.
const RESUME_BLOCKING = new Set(
  ['permissions', 'no-migration-in-progress', 'runner-outside-cluster'].map((id) => `preflight-${id}`),
);

export interface RunOutcome {
  report: RunReport;
  failed: boolean;
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
  return join(base, settings.artifactName);
}

/** Lazily opens SSH and the shared node watch the first time a step needs them. */
/**
 * SSH and the node watch for steps. The SSH shell (and its recorded host keys) lives for the whole run;
 * each call starts a fresh node watch (one LIST, then WATCH) and stops the previous one, so a reboot
 * fan-out compares boot IDs against the cluster as it is now, never against a cache that a throttled or
 * cut watch left behind.
 */
function nodeToolsFactory(cluster: Cluster, settings: Settings, log: Logger, signal: AbortSignal) {
  let shell: NodeShell | undefined;
  let watch: NodeWatch | undefined;
  const get = async (): Promise<NodeTools> => {
    if (!settings.ssh.privateKey)
      throw new Error('ssh-private-key is required to reboot nodes (mode: migrate)');
    shell ??= new NodeShell(
      {
        user: settings.ssh.user,
        port: settings.ssh.port,
        privateKey: settings.ssh.privateKey,
        passphrase: settings.ssh.passphrase,
        bastion: settings.ssh.bastion,
        knownHosts: settings.ssh.knownHosts,
        hostKeyPolicy: settings.ssh.hostKeyPolicy,
        recordEveryAddress: settings.mode === 'plan',
      },
      log,
    );
    watch?.stop();
    watch = await NodeWatch.start(cluster, log, signal);
    return { shell, watch };
  };
  const close = async () => {
    watch?.stop();
    await shell?.close();
  };
  return { get, close, shell: () => shell };
}

function describeFailure(
  err: unknown,
  report: RunReport,
  variant: Variant | undefined,
  o: { cancelled: boolean; earlierSteps: string[] },
): FailureInfo {
  const cause = err instanceof StepFailure && err.cause instanceof Error ? err.cause : err;
  const phase = err instanceof StepFailure ? err.phase.title : undefined;
  const message = o.cancelled
    ? `cancelled${phase ? ` during "${phase}"` : ''}`
    : cause instanceof Error
      ? cause.message
      : String(cause);
  if (report.changes.length === 0 && o.earlierSteps.length === 0) {
    return {
      message,
      clusterState: 'No change was made to the cluster.',
      nextSteps: [
        o.cancelled
          ? 'Re-run the workflow with the same inputs to continue where this run stopped.'
          : 'Fix the cause named above and run the workflow again.',
      ],
    };
  }
  const where =
    err instanceof StepFailure
      ? `during "${err.phase.title}" (step ${err.stepId})`
      : 'after changes were made';
  const last = report.changes.slice(-3).map((c) => `${c.object} ${c.field} = ${JSON.stringify(c.to)}`);
  const paused = report.changes
    .filter((c) => c.field === 'spec.paused')
    .reduce<Record<string, boolean>>((acc, c) => ({ ...acc, [c.object]: c.to === true }), {});
  const stillPaused = Object.entries(paused)
    .filter(([, p]) => p)
    .map(([o]) => o);
  const state = [
    `The migration (procedure ${variant?.id ?? '?'}) stopped ${where}.`,
    o.earlierSteps.length
      ? `Earlier runs completed ${o.earlierSteps.length} step(s) (${o.earlierSteps.join(', ')}).`
      : '',
    report.changes.length
      ? `This run made ${report.changes.length} change(s); the last: ${last.join('; ')}.`
      : 'This run made no change.',
    stillPaused.length ? `Still paused: ${stillPaused.join(', ')}.` : '',
    err instanceof VerificationFailed
      ? 'Cleanup did not run: the migration annotation / spec.migration and the openshift-sdn namespace are still in place.'
      : '',
    `The checkpoint in ConfigMap ${CHECKPOINT_REF.namespace}/${CHECKPOINT_REF.name} records what is done.`,
  ]
    .filter(Boolean)
    .join(' ');
  return {
    message,
    clusterState: state,
    nextSteps: [
      o.cancelled
        ? 'Re-run the workflow with the same inputs to continue where this run stopped.'
        : 'Fix the cause named above (see the checks and the node table).',
      ...(o.cancelled
        ? []
        : [
            'Run the workflow again with the same inputs: it continues from the checkpoint; completed steps are not repeated and rebooted nodes are not rebooted again.',
          ]),
      'To go back to OpenShift SDN instead, follow the rollback procedure; the original configuration is in the artifact (backup/cluster-openshift-sdn.yaml).',
    ],
  };
}

export async function orchestrate(settings: Settings, signal: AbortSignal): Promise<RunOutcome> {
  const log = coreLogger;
  const cluster = Cluster.fromKubeconfig(settings.kubeconfig, settings.context, log);
  const report = new RunReport(cluster.server);
  report.context = runContext();
  report.settings = publicSettings(settings);
  report.warnings.push(...(settings.kubeconfigWarnings ?? []));
  const workDir = workDirectory(settings);
  const backupDir = join(workDir, 'backup');
  await mkdir(workDir, { recursive: true });
  const nodeTools = nodeToolsFactory(cluster, settings, log, signal);
  log.info(`mode: ${settings.mode}`);
  let variant: Variant | undefined;
  let failed = false;
  let saveProgress: () => Promise<void> = async () => {};
  let earlierSteps: string[] = [];
  try {
    const version = await core.group('Connect to the cluster', async () => {
      const cv = await cluster.get(CLUSTER_VERSION);
      report.cluster.id = clusterIdentity(cv, settings.expectedClusterId);
      const v = String(cv?.status?.desired?.version ?? cv?.status?.history?.[0]?.version ?? '');
      if (!v)
        throw new Error(
          'ClusterVersion "version" has no status.desired.version — is this an OpenShift 4 cluster?',
        );
      const config = await cluster.get(NETWORK_CONFIG);
      const infra = await cluster.get(INFRASTRUCTURE);
      report.cluster.version = v;
      report.cluster.networkTypeBefore = String(
        config?.status?.networkType ?? config?.spec?.networkType ?? '?',
      );
      report.cluster.platform = String(infra?.status?.platformStatus?.type ?? infra?.status?.platform ?? '?');
      log.info(
        `Connected to ${cluster.server} (cluster ID ${report.cluster.id ?? 'unknown'}): OpenShift ${v}, network type ${report.cluster.networkTypeBefore}, platform ${report.cluster.platform}`,
      );
      return v;
    });
    variant = selectVariant(version);
    report.cluster.variant = variant.title;

    // An unfinished run of this action left a checkpoint: continue it (same direction and settings)
    // or refuse, saying what is in progress.
    const identity = identityOf(variant, settings.mtu, settings.genevePort);
    const earlier = await Checkpoint.load(cluster, log);
    if (earlier) {
      const diff = identityDifferences(earlier.state.identity, identity);
      const by = earlier.state.startedBy;
      const who = `started ${by.startedAt}${by.actor ? ` by ${by.actor}` : ''}${by.runUrl ? ` (${by.runUrl})` : ''}`;
      if (diff.length) {
        throw new Error(
          `a migration by this action is in progress (${who}; variant ${earlier.state.identity.variant}, ${earlier.state.completedSteps.length} step(s) done) with other settings — ${diff.join('; ')}. ` +
            `To continue it, run again with the same inputs; to abandon it, roll the cluster back and delete ConfigMap ${CHECKPOINT_REF.namespace}/${CHECKPOINT_REF.name}.`,
        );
      }
      log.info(
        `Continuing the migration ${who}: ${earlier.state.completedSteps.length} step(s) already done (${earlier.state.completedSteps.join(', ')}).`,
      );
      report.warnings.push(`This run continues an unfinished migration ${who}.`);
      // The original backup, from before the first change, byte for byte.
      if (earlier.backup.size) {
        await mkdir(backupDir, { recursive: true });
        for (const [name, text] of earlier.backup)
          await writeFile(join(backupDir, name), text, { mode: 0o600 });
        report.backup = {
          directory: backupDir,
          files: [...earlier.backup.keys()].map((n) => join(backupDir, n)),
        };
      }
    }
    earlierSteps = [...(earlier?.state.completedSteps ?? [])];
    const memory: RunMemory = earlier?.state.memory ?? {};
    const checkpoint =
      earlier ??
      Checkpoint.fresh(
        cluster,
        log,
        identity,
        {
          repository: report.context.repository,
          runUrl: report.context.runUrl,
          actor: report.context.actor,
          startedAt: new Date().toISOString(),
        },
        memory,
      );
    // The checkpoint is first written once the backup is taken (before the first change).
    let checkpointActive = earlier !== undefined;
    const saveCheckpoint = async () => {
      if (settings.mode === 'migrate' && checkpointActive) await checkpoint.save();
    };
    const hooks = {
      completed: (id: string) => checkpoint.completed(id),
      onStepDone: async (_phase: unknown, id: string) => {
        checkpoint.markDone(id);
        if (id === 'backup' && !checkpoint.backup.size) {
          for (const f of report.backup.files)
            checkpoint.backup.set(f.slice(backupDir.length + 1), await readFile(f, 'utf8'));
          checkpointActive = true;
        }
        await saveCheckpoint();
      },
    };
    const ctx: StepContext = {
      cluster,
      settings,
      log,
      report,
      target: variant.to,
      memory,
      nodes: nodeTools.get,
      saveProgress: saveCheckpoint,
      backupDir,
      signal,
    };
    saveProgress = saveCheckpoint;
    const onTarget = !earlier && report.cluster.networkTypeBefore === variant.to;
    let refusal: Error | undefined;
    if (!onTarget) {
      const checks = await core.group('Preflight checks', () =>
        runPreflight(ctx, variant!, { mode: settings.mode, ownRunInProgress: earlier !== undefined }),
      );
      if (earlier) {
        // Mid-migration the cluster is expected to look unhealthy (nodes rebooting, pools paused,
        // the network type already switched): only what the next steps need still blocks.
        for (const c of checks)
          if (!RESUME_BLOCKING.has(c.id) && c.severity === 'blocking') c.severity = 'warn';
      }
      refusal = refusalFor(checks);
      if (refusal && settings.mode === 'migrate') throw refusal;
    }
    if (onTarget) {
      await core.group('Verify (the cluster is already on OVN-Kubernetes)', async () => {
        memory.bootIdsBefore = {};
        await verifyMigration(ctx);
      });
      // Without a migration of ours there is nothing to compare boot IDs with.
      report.checks = report.checks.filter((c) => c.id !== 'nodes-rebooted');
      report.cluster.networkTypeAfter = variant.to;
      if (report.failedChecks().length)
        throw new VerificationFailed(
          `the cluster is on ${variant.to} but verification failed: ${report
            .failedChecks()
            .map((c) => c.title)
            .join('; ')}`,
        );
      report.result = 'already-migrated';
    } else if (settings.mode === 'plan') {
      await core.group(`Plan (procedure ${variant.title})`, async () => {
        await planVariant(variant!, ctx, hooks);
        report.plan.push({
          phase: 'Throughout',
          step: 'Keep a checkpoint so that an interrupted run can be continued',
          changes: [
            `ConfigMap ${CHECKPOINT_REF.namespace}/${CHECKPOINT_REF.name}: created after the backup, updated after every step, deleted when the migration completes`,
          ],
        });
        for (const [i, p] of report.plan.entries())
          log.info(`${i + 1}. [${p.phase}] ${p.step}\n     ${p.changes.join('\n     ')}`);
      });
      // The plan is written either way; a plan that migrate would refuse fails (result refused), so
      // the approval job that `needs` it never asks anyone to approve it.
      if (refusal) throw refusal;
      report.result = 'planned';
    } else {
      if (!earlier) await core.group('etcd backup', () => takeEtcdBackup(ctx));
      log.info(`Running procedure ${variant.title}`);
      await runVariant(variant, ctx, hooks);
      await checkpoint.clear();
      report.result = 'migrated';
    }
  } catch (err) {
    failed = true;
    // Whatever stopped the run, the next one must know what this one did.
    await saveProgress().catch((e: unknown) =>
      core.warning(`could not save the checkpoint: ${e instanceof Error ? e.message : String(e)}`),
    );
    report.result = signal.aborted
      ? 'cancelled'
      : report.changes.length || earlierSteps.length
        ? 'failed'
        : 'refused';
    report.failure = describeFailure(err, report, variant, { cancelled: signal.aborted, earlierSteps });
    core.error(report.failure.message);
  } finally {
    await nodeTools.close();
    const knownHosts = reportHostKeys(report, nodeTools.shell());
    report.finishedAt = new Date();
    const files = await writeReportFiles(report, workDir);
    const uploads = [...report.backup.files, files.json, files.md];
    await uploadArtifact(report, settings.artifactName, uploads, commonRoot(uploads), settings.retentionDays);
    // Written again so the artifact id / upload error are in the kept copy too.
    await writeReportFiles(report, workDir);
    await writeSummary(report);
    core.setOutput('result', report.result);
    core.setOutput('network-type', report.cluster.networkTypeAfter ?? report.cluster.networkTypeBefore ?? '');
    core.setOutput('report-path', files.json);
    core.setOutput('backup-path', report.backup.files.length ? backupDir : '');
    core.setOutput('cluster-id', report.cluster.id ?? '');
    core.setOutput('known-hosts', knownHosts);
    core.setOutput('artifact-id', report.artifact.id === undefined ? '' : String(report.artifact.id));
  }
  return { report, failed };
}
