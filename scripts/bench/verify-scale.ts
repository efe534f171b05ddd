// 4. Verification at scale: a twin that is already on OVN-Kubernetes (2,000 nodes and 30 pods per node
// in the full run), so the action's already-migrated path runs the verification only. The verify
// group's duration comes from the log (its ::group:: line to its ::endgroup::, stamped as they
// arrive); peak RSS from process.resourceUsage().maxRSS of the action's process (rss-wrapper.ts).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../../__tests__/helpers/run-action.ts';
import { startHarness, type Harness } from '../../__tests__/helpers/twin-action.ts';

export interface VerifyRun {
  verifyMs: number;
  /** CPU the action's process used (user + system), and the twin's (this process) during the run. */
  actionCpuMs: number;
  twinCpuMs: number;
  wallMs: number;
  maxRssMB: number;
  pods: number;
  podListRequests: number;
  result: string | undefined;
  code: number | null;
}

export function verifyScenario(nodes: number, podsPerNode: number) {
  return {
    name: `bench-verify-${nodes}`,
    version: '4.14.12',
    network: { type: 'OVNKubernetes' as const },
    nodes: [{ name: 'master-0' }, { name: 'master-1' }, { name: 'master-2' }],
    nodeSets: [{ prefix: 'worker-', count: nodes - 3, pool: 'worker' }],
    podsPerNode,
    timing: { msPerSecond: 5 },
  };
}

/** A twin at verification scale. The twin pages lists from a sorted key index without copying. */
export async function startVerifyTwin(nodes: number, podsPerNode: number): Promise<Harness> {
  return startHarness(verifyScenario(nodes, podsPerNode));
}

export async function runVerify(h: Harness): Promise<VerifyRun> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-rss-'));
  const rssFile = join(dir, 'usage.json');
  let groupAt = 0;
  let endAt = 0;
  let partial = '';
  const before = h.twin.timeline.counters.get('list pods') ?? 0;
  const start = performance.now();
  const cpu0 = process.cpuUsage();
  try {
    // ssh-known-hosts for 2,000 nodes (~200 KB) exceeds Linux's 128 KiB limit on one environment
    // string (spawn E2BIG): pass the twin's known_hosts file by its path (mode migrate needs one).
    const run = await h.run(
      { 'ssh-known-hosts': h.twin.ssh.knownHostsPath },
      {
        entry: join(REPO_ROOT, 'scripts', 'bench', 'rss-wrapper.ts'),
        env: { BENCH_RSS_FILE: rssFile },
        timeoutMs: 600_000,
        onStdout: (chunk) => {
          const at = performance.now();
          const parts = (partial + chunk).split('\n');
          partial = parts.pop() ?? '';
          for (const line of parts) {
            if (line.startsWith('::group::Verify')) groupAt = at;
            else if (groupAt && !endAt && line === '::endgroup::') endAt = at;
          }
        },
      },
    );
    const wallMs = performance.now() - start;
    const cpu = process.cpuUsage(cpu0);
    const usage = JSON.parse(readFileSync(rssFile, 'utf8')) as {
      maxRSS: number;
      userCPUTime: number;
      systemCPUTime: number;
    };
    const podsLine = /No pod in an error state: (\d+) pods/.exec(run.stdout);
    return {
      verifyMs: groupAt && endAt ? endAt - groupAt : NaN,
      actionCpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000,
      twinCpuMs: (cpu.user + cpu.system) / 1000,
      wallMs,
      maxRssMB: usage.maxRSS / 1024,
      pods: podsLine ? Number(podsLine[1]) : NaN,
      podListRequests: (h.twin.timeline.counters.get('list pods') ?? 0) - before,
      result: run.outputs.result,
      code: run.code,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
