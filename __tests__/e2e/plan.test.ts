// mode: plan end to end: dist/index.js against the twin changes nothing, and says what it checked,
// what it would change (in order), which nodes reboot and how long it should take. Then mode: migrate
// on the same twin: the changes it makes are the ones the plan listed, in the plan's order.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/twin-action.ts';
import type { ActionRun } from '../helpers/run-action.ts';
import type { TimelineEntry } from '../twin/timeline.ts';

interface PlanEntry {
  phase: string;
  step: string;
  changes: string[];
}

/** `object field` of one planned change line, or undefined for waits, notes and local files. */
function plannedChange(line: string): { object: string; field: string } | undefined {
  const del = /^delete (\S+)$/.exec(line);
  if (del) return { object: del[1], field: '(delete)' };
  const m = /^(\S+\/\S+) (\S+?) (=|removed)/.exec(line);
  if (!m) return undefined;
  return { object: m[1], field: m[2].replace(/\["([^"]+)"\]/g, '.$1') };
}

/** `object field` of one client write in the twin's timeline. */
function written(e: TimelineEntry): { object: string; field: string } {
  if (e.verb === 'delete') return { object: e.object, field: '(delete)' };
  return { object: e.object, field: e.change.split(': ')[0] };
}

/** The same field, or one inside the other (a patch of ovnKubernetesConfig carries .mtu). */
function sameChange(a: { object: string; field: string }, b: { object: string; field: string }): boolean {
  return (
    a.object === b.object &&
    (a.field === b.field || a.field.startsWith(`${b.field}.`) || b.field.startsWith(`${a.field}.`))
  );
}

function reportOf(run: ActionRun): {
  result: string;
  plan: PlanEntry[];
  checks: { id: string; ok: boolean; severity: string }[];
  estimate: { totalMs: number; parts: { what: string }[]; model: string };
  nodes: { name: string; notes: string[] }[];
  warnings: string[];
  etcdBackup?: { node: string; snapshot: string; staticResources: string; directory: string };
  cluster: { version: string; variant: string };
} {
  return JSON.parse(readFileSync(run.outputs['report-path'], 'utf8'));
}

const CASES = [
  {
    name: 'OpenShift 4.6 (procedure A)',
    scenario: '__tests__/twin/scenarios/ocp-4.6.yaml',
    variant: /^A — offline, OpenShift 4\.5–4\.7/,
    steps: [
      'Annotate Network.operator.openshift.io cluster with network-migration',
      'Pause every MachineConfigPool (master, worker and custom pools)',
      'Set Network.config.openshift.io cluster spec.networkType to the target plugin',
      'Reboot every node over SSH and wait until each is back Ready with a new boot ID',
      'Delete namespace openshift-sdn',
    ],
  },
  {
    name: 'OpenShift 4.14 (procedure B)',
    scenario: '__tests__/twin/scenarios/ocp-4.14.yaml',
    variant: /^B — offline, OpenShift 4\.8–4\.16/,
    steps: [
      'Set Network.operator.openshift.io cluster spec.migration.networkType',
      'Wait for the Machine Config Operator to update every pool',
      'Set Network.config.openshift.io cluster spec.networkType to the target plugin',
      'Reboot every node over SSH and wait until each is back Ready with a new boot ID',
      'Delete namespace openshift-sdn',
    ],
  },
];

describe.each(CASES)('$name', ({ scenario, variant, steps }) => {
  let h: Harness;
  let plan: ActionRun;
  let migrate: ActionRun;
  let writesAfterPlan: number;
  beforeAll(async () => {
    h = await startHarness(scenario);
    plan = await h.run({ mode: 'plan', mtu: '1400' });
    writesAfterPlan = h.twin.timeline.clientWrites().length;
    migrate = await h.run({ mode: 'migrate', mtu: '1400' });
  }, 240_000);
  afterAll(async () => h?.stop());

  it('plan: exit 0, result planned, no client write, every preflight check passed', () => {
    expect(plan.code, plan.stdout + plan.stderr).toBe(0);
    expect(plan.outputs.result).toBe('planned');
    expect(writesAfterPlan).toBe(0);
    const report = reportOf(plan);
    expect(report.result).toBe('planned');
    expect(report.cluster.version).toBe(h.twin.scenario.version);
    expect(report.cluster.variant).toMatch(variant);
    const preflight = report.checks.filter((c) => c.id.startsWith('preflight-'));
    expect(preflight.length).toBeGreaterThanOrEqual(15);
    expect(preflight.filter((c) => !c.ok)).toEqual([]);
  });

  it('plan: log, summary and report list the steps, the changes, the nodes to reboot, the estimate and warnings', () => {
    const report = reportOf(plan);
    const stepTitles = report.plan.map((p) => p.step);
    let at = -1;
    for (const s of steps) {
      const i = stepTitles.indexOf(s);
      expect(i, `plan lists "${s}" after the previous step`).toBeGreaterThan(at);
      at = i;
    }
    expect(report.plan.flatMap((p) => p.changes)).toContain(
      'Network.config.openshift.io/cluster spec.networkType = "OVNKubernetes"',
    );
    const nodes = h.twin.scenario.nodes.map((n) => n.name).sort();
    expect(
      report.nodes
        .filter((n) => n.notes.includes('will be rebooted'))
        .map((n) => n.name)
        .sort(),
    ).toEqual(nodes);
    expect(report.estimate.totalMs).toBeGreaterThan(0);
    expect(report.estimate.parts.map((p) => p.what)).toContain('Reboot every node over SSH');
    expect(report.warnings[0]).toMatch(/^Every node \(\d+\) will be rebooted/);

    expect(plan.stdout).toMatch(/::group::Preflight checks/);
    expect(plan.stdout).toContain(`Nodes that will be rebooted (${nodes.length}): ${nodes.join(', ')}`);
    expect(plan.stdout).toMatch(/Estimated duration: about \d+ min/);
    for (const s of steps) expect(plan.summary).toContain(s);
    expect(plan.summary).toMatch(
      /^## ✅ \d+\/\d+ checks pass(, \d+ warnings?)? — migrate will change \d+ objects, reboot \d+ nodes \(each twice\)/,
    );
    expect(plan.summary).toMatch(/<summary>Estimated duration: about \d+/);
    expect(plan.summary).toContain('Every MachineConfigPool Updated and not Degraded');
    expect(plan.summary).toContain('### Warnings');
  });

  it('migrate: takes the etcd backup before the first change and records where it is', () => {
    expect(migrate.code, migrate.stdout + migrate.stderr).toBe(0);
    expect(migrate.outputs.result).toBe('migrated');
    const report = reportOf(migrate);
    expect(report.etcdBackup?.directory).toBe('/home/core/assets/backup-4242-1');
    expect(report.etcdBackup?.snapshot).toMatch(/snapshot_.+\.db$/);
    const entries = h.twin.timeline.entries;
    const backup = entries.findIndex((e) => e.verb === 'backup');
    const firstWrite = entries.findIndex((e) => e.actor.startsWith('client:'));
    expect(backup).toBeGreaterThanOrEqual(0);
    expect(entries[backup].object).toBe(`Node/${report.etcdBackup!.node}`);
    expect(firstWrite).toBeGreaterThan(backup);
    expect(migrate.summary).toContain('**etcd backup** on node');
  });

  it('migrate: every change the plan listed is made, in the order the plan listed them', () => {
    const planned = reportOf(plan)
      .plan.flatMap((p) => p.changes)
      .map(plannedChange)
      .filter((c): c is NonNullable<typeof c> => c !== undefined);
    expect(planned.length).toBeGreaterThanOrEqual(4);
    const writes = h.twin.timeline.clientWrites().map(written);
    let from = 0;
    for (const p of planned) {
      const i = writes.findIndex((w, k) => k >= from && sameChange(w, p));
      expect(i, `${p.object} ${p.field} written after the previous planned change`).toBeGreaterThanOrEqual(
        from,
      );
      from = i + 1;
    }
  });

  // Known gap (procedure/engine.ts planVariant): a step is planned against the cluster as it is now,
  // so steps that undo an earlier step of the same run — unpausing the pools and removing the
  // annotation (A), clearing spec.migration (B) — are shown as "(already done)", yet the run makes
  // them. This test records that gap; it starts passing (and `fails` turns red) once the plan lists them.
  it('migrate: makes no client write the plan did not list', () => {
    const planned = reportOf(plan)
      .plan.flatMap((p) => p.changes)
      .map(plannedChange)
      .filter((c): c is NonNullable<typeof c> => c !== undefined);
    // The checkpoint and the rollback record (ConfigMaps) are the action's own bookkeeping, each
    // announced once in the plan.
    for (const name of ['sdn-to-ovn-migration-checkpoint', 'sdn-to-ovn-migration-backup'])
      expect(reportOf(plan).plan.some((p) => p.changes.some((c) => c.includes(name)))).toBe(true);
    const writes = h.twin.timeline
      .clientWrites()
      .map(written)
      .filter(
        (w) =>
          !w.object.endsWith('/sdn-to-ovn-migration-checkpoint') &&
          !w.object.endsWith('/sdn-to-ovn-migration-backup'),
      );
    const unlisted: string[] = [];
    let next = 0;
    for (const w of writes) {
      if (next < planned.length && sameChange(w, planned[next])) next++;
      else unlisted.push(`${w.object} ${w.field}`);
    }
    expect(unlisted).toEqual([]);
  });
});
