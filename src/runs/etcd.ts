// The etcd backup before the first change. A resumed run skips it only when the checkpoint records
// one whose files are confirmed present on the node now (through the node access the backup itself uses);
// otherwise it takes one.
import * as core from '@actions/core';
import { takeEtcdBackup } from '../checks/etcd-backup.ts';
import { NODES } from '../cluster/types.ts';
import { waitFor } from '../cluster/wait.ts';
import { nodeReady } from '../openshift/objects.ts';
import { CheckpointRejected } from '../procedure/checkpoint.ts';
import type { StepContext } from '../procedure/types.ts';
import type { EtcdBackupRecord } from '../report/model.ts';
import { internalIPs } from '../nodes/access.ts';

// What takeEtcdBackup records: /home/core/assets/backup-<run>[-<attempt>]/<file>.
const NODE_PATH = /^\/home\/core\/assets\/backup-[A-Za-z0-9_-]+\/[A-Za-z0-9._-]+$/;
const NODE_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/** Refuses a recorded etcd backup whose node or paths are not what this action writes. */
export function checkEtcdRecord(rec: EtcdBackupRecord | undefined): void {
  if (!rec) return;
  const ok =
    typeof rec.node === 'string' &&
    NODE_NAME.test(rec.node) &&
    [rec.snapshot, rec.staticResources].every((p) => typeof p === 'string' && NODE_PATH.test(p));
  if (!ok)
    throw new CheckpointRejected(
      'records an etcd backup whose node or file paths are not ones this action writes',
    );
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** True when both files are on the node and not empty; false when they are not; throws when it cannot tell. */
async function presentOnNode(ctx: StepContext, rec: EtcdBackupRecord): Promise<boolean> {
  let lastError = '';
  for (let attempt = 1; attempt <= 3; attempt++) {
    // Mid-migration the node may be down for its reboot: wait for it as a reboot would.
    const items = await waitFor(
      ctx.cluster,
      { ...NODES, fieldSelector: `metadata.name=${rec.node}` },
      {
        description: `node ${rec.node} (holding the etcd backup) to be Ready`,
        timeoutMs: ctx.settings.rebootTimeoutMs,
        evaluate: (nodes) => ({
          done: nodes.length === 0 || nodeReady(nodes[0]),
          progress: nodes.length ? `${rec.node}: NotReady` : `${rec.node}: not found`,
        }),
        log: ctx.log,
        signal: ctx.signal,
      },
    );
    const node = items[0];
    if (!node) return false;
    const addresses = internalIPs(node);
    try {
      const { access } = await ctx.nodes();
      const run = await access.exec(
        { name: rec.node, addresses },
        `sudo -n test -s ${quote(rec.snapshot)} && sudo -n test -s ${quote(rec.staticResources)}`,
        { timeoutMs: 60_000, signal: ctx.signal },
      );
      return run.code === 0;
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err);
    }
  }
  throw new Error(
    `could not confirm the etcd backup recorded in the checkpoint on ${rec.node}: ${lastError} — run again once the node is reachable, or set etcd-backup: false`,
  );
}

function warn(ctx: StepContext, msg: string): void {
  ctx.log.warn(msg);
  ctx.report.warnings.push(msg);
}

/**
 * Takes the etcd backup, or confirms the one an earlier run recorded. Returns the record to keep in
 * the checkpoint (undefined with etcd-backup: false).
 */
export async function ensureEtcdBackup(
  ctx: StepContext,
  recorded: EtcdBackupRecord | undefined,
  resuming: boolean,
): Promise<EtcdBackupRecord | undefined> {
  return core.group('etcd backup', async () => {
    if (recorded && ctx.settings.etcdBackup) {
      if (await presentOnNode(ctx, recorded)) {
        ctx.report.etcdBackup = recorded;
        ctx.log.info(
          `etcd backup taken before the first change is present on ${recorded.node}: ${recorded.snapshot}, ${recorded.staticResources} — not taken again`,
        );
        return recorded;
      }
      warn(
        ctx,
        `The etcd backup the checkpoint records (${recorded.snapshot} on ${recorded.node}) is not on the node: a new one is taken now.`,
      );
    } else if (resuming && ctx.settings.etcdBackup) {
      warn(ctx, 'The checkpoint records no etcd backup: one is taken now.');
    }
    return takeEtcdBackup(ctx);
  });
}
