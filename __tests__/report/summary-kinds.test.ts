// Each kind of summary read as its reader reads it: the verdict on the first line, the sections in
// order (failures and warnings open, long parts collapsed), the nodes by pool in natural order with
// empty columns dropped, and the size. The Markdown of the plan, the failure and the 500-node run is
// kept in fixtures/ (rendered.test.ts keeps the pages GitHub shows for them; UPDATE_FIXTURES=1
// regenerates both).
import { describe, expect, it } from 'vitest';
import { renderSummary } from '../../src/report/markdown.ts';
import { expectFixture } from './fixture-file.ts';
import type { RunReport } from '../../src/report/model.ts';
import { check, failedRun, report, T0 } from './sample-reports.ts';

const lines = (md: string) => md.split('\n');
const headings = (md: string) =>
  [...md.matchAll(/^### (.+)$|<summary>([^<]+)<\/summary>/gm)].map((m) => (m[1] ?? m[2])!);
/** Whether a heading's section is collapsed (inside <details>). */
const collapsed = (md: string, title: string) => md.includes(`<summary>${title}`);

describe('the summary of each kind of run', () => {
  it('planned: the verdict with the numbers, the risk open, steps, passing checks and nodes collapsed', () => {
    const md = renderSummary(report('planned', 6, 'plan'));
    expect(lines(md)[0]).toBe(
      '## ✅ 16/16 checks pass — migrate will change 3 objects, reboot 6 nodes (each twice), about 33 min, network down ~10 min',
    );
    expect(headings(md)).toEqual([
      'The risk',
      'Estimated duration: about 33m',
      'All 4 steps, in order',
      'Passing checks (16)',
      'Nodes (6), by pool — state now',
      'SDN features that change form in the migration: none found',
    ]);
    expect(md).toContain('- **Reboots:** every node (6: master 3, worker 3) is rebooted **twice**');
    expect(md).toContain('is unreachable for minutes');
    expect(md).toContain('**Node access:** SSH as core (port 22); host keys: given (host keys checked)');
    expect(md).not.toMatch(/were rebooted|was rebooted/);
    // A plan has no boot IDs, back-after or MCO state: those columns are dropped.
    expect(md).toContain('| Node | Addresses | Ready |');
    expect(Buffer.byteLength(md)).toBeLessThan(10_000);
    expectFixture('plan.md', md);
  });

  it('refused (plan): "migrate would be refused" and the blocking checks as a list under it', () => {
    const r = report('refused', 6, 'plan');
    r.checks[3] = check('nodes-ready', false);
    r.checks[5] = check('pools-updated', false);
    r.failure = {
      message: 'Preflight refused the migration',
      stand: 'untouched',
      clusterState: 'No change was made to the cluster.',
      nextSteps: ['Fix the cause'],
    };
    const md = renderSummary(r);
    expect(lines(md).slice(0, 5)).toEqual([
      '## ⛔ migrate would be refused — 2 blocking checks:',
      '',
      '- Check nodes-ready — nodes-ready is not fine',
      '- Check pools-updated — pools-updated is not fine',
      '',
    ]);
    expect(headings(md).slice(0, 3)).toEqual([
      'What happened',
      'Where the cluster stands',
      'What to do next',
    ]);
    expect(md).toContain('**Untouched** — This run changed nothing');
  });

  it('each error once: a refusal, a verification failure, a node that did not come back', () => {
    const count = (md: string, text: string) => md.split(text).length - 1;
    // A refused plan: each check's detail once (in the verdict's list), its objects under What happened;
    // the preflight message and the "would be refused" warning restate them and are not shown.
    const refused = report('refused', 6, 'plan');
    refused.checks[3] = {
      ...check('nodes-ready', false),
      items: ['worker-1: Ready=False (KubeletNotReady)'],
    };
    refused.checks[5] = check('pools-updated', false);
    refused.warnings.push('mode: migrate would be refused: Check nodes-ready; Check pools-updated');
    refused.failure = {
      message:
        'Preflight refused the migration (no change was made): 2 blocking check(s) failed — [Check nodes-ready] nodes-ready is not fine: worker-1: Ready=False (KubeletNotReady); [Check pools-updated] pools-updated is not fine',
      stand: 'untouched',
      clusterState: 'No change was made to the cluster.',
      nextSteps: ['Fix the cause'],
    };
    const md = renderSummary(refused);
    expect(count(md, 'nodes-ready is not fine')).toBe(1);
    expect(count(md, 'pools-updated is not fine')).toBe(1);
    expect(count(md, 'worker-1: Ready=False (KubeletNotReady)')).toBe(1);
    expect(md).toContain(
      '### What happened\nThe blocking checks listed at the top stopped the run before any change.\n\n- ❌ **Check nodes-ready**: worker-1: Ready=False (KubeletNotReady)\n\n',
    );
    expect(md).not.toContain('would be refused:');
    expect(md).not.toContain('### Warnings');

    // A failed verification: "verification failed: <titles>" says nothing the checks do not.
    const failed = failedRun();
    failed.failure!.message = 'verification failed: No pod in an error state';
    failed.node('worker-2').notes.splice(0);
    expect(renderSummary(failed)).toContain(
      '### What happened\n- ❌ **No pod in an error state** — 25 pod(s) in error<br>app-0/web-0 on worker-0',
    );

    // A node that did not come back: its note repeats the failure message, so it is left out.
    const lost = failedRun();
    lost.checks = lost.checks.filter((c) => c.ok);
    const error = 'worker-2 did not come back within 10m (last seen NotReady, bootID unchanged)';
    lost.failure!.message = `1 node(s) did not come back from the reboot: ${error}`;
    lost.node('worker-2').notes.splice(0, 1, error);
    lost.phases[1]!.detail = lost.failure!.message; // the engine records the failure as the phase's detail
    const lostMd = renderSummary(lost);
    // Once in what is open; the collapsed node table keeps each node's notes as its record.
    expect(count(lostMd.slice(0, lostMd.indexOf('<details>')), error)).toBe(1);
    expect(lostMd).toContain(
      '- ❌ node **worker-2** is NotReady — Ready=Unknown (NodeStatusUnknown: Kubelet stopped posting node status.)\n',
    );
  });

  it('migrated: past tense, time taken beside the estimate', () => {
    const r = report('migrated');
    r.phases = [
      {
        id: 'prepare',
        title: 'Start the migration',
        startedAt: T0.toISOString(),
        durationMs: 14 * 60_000,
        outcome: 'ok',
      },
      {
        id: 'reboot',
        title: 'Reboot every node',
        startedAt: T0.toISOString(),
        durationMs: 12 * 60_000,
        outcome: 'ok',
      },
    ];
    const md = renderSummary(r);
    expect(lines(md)[0]).toBe('## ✅ Migrated to OVN-Kubernetes — 6 nodes rebooted in 41m (estimate 33 min)');
    expect(headings(md)[0]).toBe('What this run did');
    expect(md).toContain('every node (6: master 3, worker 3) was rebooted **twice**');
    expect(collapsed(md, 'Phases (2), time taken and estimate')).toBe(true);
    expect(md).toContain('| Reboot every node | ok | 12m | 10m |');
    expect(md).toContain('| Start the migration | ok | 14m | 15m |');
    expect(md).toContain('state read at the end of the run');
  });

  it('failed: the phase and the node in the verdict; what happened names objects; nothing about the failure collapsed', () => {
    const md = renderSummary(failedRun());
    expect(lines(md)[0]).toBe(
      '## ❌ Migration failed during Reboot every node — worker-2 did not come back (NotReady)',
    );
    expect(headings(md).slice(0, 4)).toEqual([
      'What happened',
      'Where the cluster stands',
      'What to do next',
      'Phases',
    ]);
    // Pods in error: the first 20 with node and reason, then a count.
    expect(md).toContain('app-19/web-19 on worker-1: CrashLoopBackOff<br>… and 5 more (see report.json)');
    expect(md).not.toContain('app-20/');
    expect(md).toContain(
      '- ❌ node **worker-2** is NotReady — Ready=Unknown (NodeStatusUnknown: Kubelet stopped posting node status.)',
    );
    expect(md).toContain('machine-config-daemon log of worker-2');
    expect(md).toContain(
      '**Network switched, nodes not rebooted** — The pod network is down until the migration continues',
    );
    expect(md).toContain(
      '- Network.config.openshift.io/cluster spec.networkType: &quot;OpenShiftSDN&quot; → &quot;OVNKubernetes&quot;',
    );
    expect(md).toContain('oc describe node worker-2');
    expect(md).toContain(
      "📦 Artifact <code>sdn-to-ovn-report</code>, 47 KiB: [download from the run's artifacts](https://github.com/acme/ops/actions/runs/42#artifacts)",
    );
    // The node table: grouped by pool, natural order, worker-2 NotReady.
    const names = lines(md)
      .filter((l) => /^\| (master|worker)-\d/.test(l))
      .map((l) => l.split(' | ')[0]!.slice(2));
    expect(names).toEqual(['master-0', 'master-1', 'master-2', 'worker-0', 'worker-1', 'worker-2']);
    expect(lines(md).find((l) => l.startsWith('| worker-2 |'))).toContain('**NotReady**');
    expectFixture('failure.md', md);
  });

  it('cancelled: where it was cancelled and the cluster state in the verdict', () => {
    const r = failedRun();
    r.result = 'cancelled';
    r.failure!.message = 'cancelled during "Reboot every node"';
    r.checks = r.checks.filter((c) => c.ok);
    for (const n of r.nodes.values()) n.ready = true;
    r.phases[1]!.outcome = 'cancelled';
    const md = renderSummary(r);
    expect(lines(md)[0]).toBe(
      '## ⏹️ Migration cancelled during Reboot every node — cluster: network switched, nodes not rebooted',
    );
    expect(headings(md).slice(0, 3)).toEqual([
      'What happened',
      'Where the cluster stands',
      'What to do next',
    ]);
  });

  it('already-migrated and unhealthy', () => {
    const ok = report('already-migrated');
    expect(lines(renderSummary(ok))[0]).toBe(
      '## ✅ Already on OVN-Kubernetes — verified, nothing changed (16/16 checks pass)',
    );
    const bad = report('unhealthy');
    bad.checks.push({
      ...check('pods-healthy', false),
      items: ['ns/p on worker-1: Error', 'ns/q on worker-1: Error'],
    });
    bad.failure = {
      message: 'verification failed',
      stand: 'on-target-unhealthy',
      clusterState: 'x',
      nextSteps: [],
    };
    const md = renderSummary(bad);
    expect(lines(md)[0]).toBe(
      '## ⚠️ Already on OVN-Kubernetes, but verification failed — Check pods-healthy: ns/p on worker-1: Error (and 1 more) (nothing changed)',
    );
    expect(md).toContain('**On OVN-Kubernetes, unhealthy**');
  });

  it('every kind, migrate and rollback: its first line, its first section and its size', () => {
    const refusedRun = () => {
      const r = report('refused', 6, 'plan');
      r.checks[3] = check('nodes-ready', false);
      r.failure = { message: 'x', stand: 'untouched', clusterState: 'No change.', nextSteps: ['Fix it'] };
      return r;
    };
    const cancelled = () => {
      const r = failedRun();
      r.result = 'cancelled';
      r.checks = r.checks.filter((c) => c.ok);
      for (const n of r.nodes.values()) n.ready = true;
      return r;
    };
    const rollbackFailed = () => {
      const r = failedRun();
      r.settings.mode = 'rollback';
      return r;
    };
    const kinds: [string, RunReport, RegExp, string][] = [
      [
        'plan',
        report('planned', 6, 'plan'),
        /^## ✅ 16\/16 checks pass — migrate will change 3 objects/,
        'The risk',
      ],
      [
        'plan-rollback',
        report('planned', 6, 'plan-rollback'),
        /^## ✅ 16\/16 checks pass — rollback will change 3 objects/,
        'The risk',
      ],
      ['refused', refusedRun(), /^## ⛔ migrate would be refused — 1 blocking check:$/, 'What happened'],
      [
        'migrated',
        report('migrated'),
        /^## ✅ Migrated to OVN-Kubernetes — 6 nodes rebooted in 41m/,
        'What this run did',
      ],
      [
        'rolled-back',
        report('rolled-back', 6, 'rollback'),
        /^## ↩️ Rolled back to OpenShift SDN — verified, 6 nodes in 41m/,
        'What this run did',
      ],
      ['failed', failedRun(), /^## ❌ Migration failed during Reboot every node — worker-2/, 'What happened'],
      [
        'rollback failed',
        rollbackFailed(),
        /^## ❌ Rollback failed during Reboot every node — worker-2/,
        'What happened',
      ],
      [
        'cancelled',
        cancelled(),
        /^## ⏹️ Migration cancelled during Reboot every node — cluster: /,
        'What happened',
      ],
      [
        'already-migrated',
        report('already-migrated'),
        /^## ✅ Already on OVN-Kubernetes — verified/,
        'Passing checks (16)',
      ],
    ];
    for (const [kind, r, first, section] of kinds) {
      if (r.result === 'rolled-back' || r.result === 'migrated')
        r.estimateVsActual = r.estimate!.parts.map((p) => ({
          phase: p.what,
          what: p.what,
          estimateMs: p.ms,
          actualMs: p.ms,
        }));
      if (r.result === 'already-migrated') r.plan = [];
      const md = renderSummary(r);
      expect(lines(md)[0], kind).toMatch(first);
      expect(headings(md)[0], kind).toBe(section);
      // A 6-node run's summary is read, not searched: a few kilobytes.
      expect(Buffer.byteLength(md), kind).toBeLessThan(12 * 1024);
    }
  });

  it('a 500-node migration stays under 200 KB, with the full node table collapsed', () => {
    const r = report('migrated', 500);
    const md = renderSummary(r);
    const bytes = Buffer.byteLength(md);
    expect(bytes).toBeLessThan(200 * 1024);
    expect(collapsed(md, 'Nodes (500), by pool')).toBe(true);
    // Every node is in the table (no cut at this size), worker-2 before worker-10.
    const names = lines(md)
      .filter((l) => /^\| (master|worker)-\d/.test(l))
      .map((l) => l.split(' | ')[0]!.slice(2));
    expect(names).toHaveLength(500);
    expect(names.indexOf('worker-2')).toBeLessThan(names.indexOf('worker-10'));
    // The risk lists the reboot order per pool, cut at 20 names with a count.
    expect(md).toContain('… and 477 more');
    expectFixture('500-nodes.md', md);
  });
});
