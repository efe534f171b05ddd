// mode: rollback after a node that never came back: a migrate (or a rollback) run fails naming the
// node, nothing touches the cluster until an administrator fixes the node and powers it on
// (twin.controllers.powerOn), then mode: rollback takes the cluster back to OpenShift SDN.
// dist/index.js against the twin; assertions on the outputs, the summary, the report and the twin's
// timeline and objects.
import { afterEach, describe, expect, it } from 'vitest';
import { smallScenario, startHarness, type Harness } from '../helpers/twin-action.ts';
import type { ActionRun } from '../helpers/run-action.ts';
import type { Twin } from '../twin/index.ts';
import { findType } from '../twin/resources.ts';
import type { ScenarioInput } from '../twin/scenario.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const operatorType = () => findType('operator.openshift.io', 'networks')!;
const configType = () => findType('config.openshift.io', 'networks')!;
const REBOOT_STEP = '→ Reboot every node over SSH';

interface OperatorSpec {
  migration?: unknown;
  defaultNetwork: { openshiftSDNConfig?: Record<string, unknown>; ovnKubernetesConfig?: unknown };
}

const operatorSpec = (twin: Twin) =>
  twin.store.get(operatorType(), undefined, 'cluster')!.spec as unknown as OperatorSpec;
const networkType = (twin: Twin) =>
  (twin.store.get(configType(), undefined, 'cluster')!.status as { networkType?: string }).networkType;

/** Non-default OpenShift SDN settings, so that getting them back proves they came from the backup. */
function customiseSdn(twin: Twin): void {
  twin.store.mutate(operatorType(), undefined, 'cluster', 'client:admin', (o) => {
    (o.spec as unknown as OperatorSpec).defaultNetwork.openshiftSDNConfig = {
      mode: 'NetworkPolicy',
      mtu: 1400,
      vxlanPort: 4790,
    };
  });
}

function readyNodes(twin: Twin): Record<string, boolean> {
  const out: Record<string, boolean> = {};
  for (const n of twin.store.list(findType('', 'nodes')!)) {
    const conds = (n.status as { conditions: { type: string; status: string }[] }).conditions;
    out[n.metadata.name] = conds.some((c) => c.type === 'Ready' && c.status === 'True');
  }
  return out;
}

/** Per node, the reboots the action asked for over SSH from timeline index `from`. */
function sshReboots(twin: Twin, from: number): Record<string, number> {
  const out: Record<string, number> = Object.fromEntries(twin.scenario.nodes.map((n) => [n.name, 0]));
  for (const e of twin.timeline.entries.slice(from))
    if (e.verb === 'reboot' && e.actor.startsWith('ssh')) out[e.object.replace('Node/', '')]++;
  return out;
}

/** A migrate run during which `node` goes down on the action's reboot and never comes back. */
async function failingMigrate(h: Harness, node: string): Promise<ActionRun> {
  let out = '';
  return h.run(
    { 'reboot-timeout': '3s', 'artifact-name': 'migrate' },
    {
      onStdout: (chunk: string) => {
        out += chunk;
        // After MCO's rollout (which reboots it too on 4.8+): the action's reboot is the one it fails.
        if (out.includes(REBOOT_STEP) && !h.twin.faults.forNode('node-never-returns', node))
          h.twin.faults.add({ kind: 'node-never-returns', node });
      },
    },
  );
}

/**
 * The administrator's fix, after the failed run: the node is powered on and back Ready, and nothing
 * wrote to the cluster between the failure and now. Returns the timeline index where the fix ends.
 */
async function fixNode(twin: Twin, node: string, failedAt: number): Promise<number> {
  expect(readyNodes(twin)[node]).toBe(false);
  await twin.controllers.powerOn(node);
  expect(twin.controllers.isUp(node)).toBe(true);
  expect(readyNodes(twin)[node]).toBe(true);
  const between = twin.timeline.entries.slice(failedAt);
  expect(between.filter((e) => e.actor.startsWith('client:'))).toEqual([]);
  expect(between.filter((e) => e.verb === 'power-on').map((e) => e.object)).toEqual([`Node/${node}`]);
  return twin.timeline.entries.length;
}

function reportOf(h: Harness, artifact: string) {
  const file = h.results.artifacts.find((a) => a.name === artifact)!.files.get('report.json')!;
  return JSON.parse(file.toString()) as {
    result: string;
    checks: { id: string; ok: boolean }[];
    failure?: { stand?: string; clusterState: string; nextSteps: string[] };
  };
}

/** The end state of every rollback here: OpenShift SDN, its original settings, every node Ready, no leftovers. */
function expectBackOnSdn(h: Harness, run: ActionRun, fixedAt: number): void {
  const twin = h.twin;
  expect(run.code, run.stdout.slice(-4000)).toBe(0);
  expect(run.outputs.result).toBe('rolled-back');
  expect(run.outputs['network-type']).toBe('OpenShiftSDN');
  expect(networkType(twin)).toBe('OpenShiftSDN');
  expect(Object.values(readyNodes(twin)).every(Boolean), JSON.stringify(readyNodes(twin))).toBe(true);
  const spec = operatorSpec(twin);
  expect(spec.defaultNetwork.openshiftSDNConfig).toMatchObject({
    mode: 'NetworkPolicy',
    mtu: 1400,
    vxlanPort: 4790,
  });
  expect(spec.migration ?? null).toBeNull();
  expect(twin.store.get(findType('', 'namespaces')!, undefined, 'openshift-ovn-kubernetes')).toBeUndefined();
  const cms = findType('', 'configmaps')!;
  expect(
    twin.store.get(cms, 'openshift-network-operator', 'sdn-to-ovn-migration-checkpoint'),
  ).toBeUndefined();
  // The rollback's writes all come after the fix; it rebooted every node once, the fixed one too.
  const firstWrite = twin.timeline.entries.findIndex((e, i) => i >= fixedAt && e.actor.startsWith('client:'));
  expect(firstWrite).toBeGreaterThanOrEqual(fixedAt);
  for (const [node, n] of Object.entries(sshReboots(twin, fixedAt)))
    expect({ node, n }).toEqual({ node, n: 1 });
  const report = reportOf(h, 'rollback');
  expect(report.result).toBe('rolled-back');
  expect(report.checks.filter((c) => !c.ok)).toEqual([]);
  expect(report.checks.map((c) => c.id)).toEqual(
    expect.arrayContaining(['network-type', 'nodes-ready', 'nodes-rebooted', 'machineconfig-configure-ovs']),
  );
  expect(run.summary).toContain('Rolled back to OpenShift SDN — verified');
}

const on46: Partial<ScenarioInput> = { version: '4.6.21' };

describe('mode: rollback after a migrate that failed on a node that never came back, once it is fixed', () => {
  for (const [version, extra, procedure] of [
    ['4.14', {}, 'B-rollback'],
    ['4.6', on46, 'A-rollback'],
  ] as const) {
    it(`${version}: migrate fails naming the node, the node is powered on, mode: rollback → OpenShift SDN (${procedure})`, async () => {
      h = await startHarness(smallScenario(extra));
      const twin = h.twin;
      customiseSdn(twin);
      const migrate = await failingMigrate(h, 'worker-1');
      expect(migrate.code).toBe(1);
      expect(migrate.outputs.result).toBe('failed');
      expect(migrate.errors.join('\n')).toMatch(/worker-1 did not come back within 3s/);
      expect(migrate.summary).toContain(
        'Migration failed during Reboot every node — worker-1 did not come back',
      );
      expect(migrate.summary).toMatch(/mode: rollback \(mode: plan-rollback first/);
      // The network switched before the reboot: the pod network is down until someone acts.
      expect(networkType(twin)).toBe('OVNKubernetes');

      const fixedAt = await fixNode(twin, 'worker-1', twin.timeline.entries.length);
      const run = await h.run({ mode: 'rollback', 'artifact-name': 'rollback' });
      expect(run.stdout).toMatch(
        /Rolling back the unfinished migration .*the network type switched, so the documented rollback runs/,
      );
      expect(run.stdout).toContain(`Running procedure ${procedure.charAt(0)} rollback`);
      expectBackOnSdn(h, run, fixedAt);
    });
  }
});

describe('a rollback that fails on a node that never came back', () => {
  it('says "Rollback failed during …", where the cluster stands and to re-run the rollback (never migrate); once the node is fixed the re-run completes', async () => {
    h = await startHarness(smallScenario());
    const twin = h.twin;
    customiseSdn(twin);
    const migrate = await h.run({ 'artifact-name': 'migrate' });
    expect(migrate.code, migrate.stdout.slice(-3000)).toBe(0);

    // The pools are paused during the rollback: the action's reboot is worker-0's first.
    twin.faults.add({ kind: 'node-never-returns', node: 'worker-0' });
    const failed = await h.run({ mode: 'rollback', 'reboot-timeout': '3s', 'artifact-name': 'rollback-1' });
    expect(failed.code).toBe(1);
    expect(failed.outputs.result).toBe('failed');
    expect(failed.errors.join('\n')).toMatch(/worker-0 did not come back within 3s/);
    const summary = failed.summary;
    expect(summary).toContain(
      '## ❌ Rollback failed during Reboot every node — worker-0 did not come back (NotReady)',
    );
    expect(summary).not.toMatch(/Migration failed|Migration cancelled/);
    // Where it stands: on its way back, spec.networkType already OpenShiftSDN, nodes not all rebooted.
    const report = reportOf(h, 'rollback-1');
    expect(report.failure?.stand).toBe('switched-not-rebooted');
    expect(report.failure?.clusterState).toMatch(
      /The rollback \(procedure B-rollback\) stopped during "Reboot every node"/,
    );
    expect(report.failure?.clusterState).toMatch(/spec\.networkType is already OpenShiftSDN/);
    // What to do next: the rollback again, never migrate.
    const next = report.failure!.nextSteps.join('\n');
    expect(next).toMatch(/mode: rollback/);
    expect(next).not.toMatch(/mode: migrate|run the migration|the migration continues/i);
    expect(summary).not.toMatch(/mode: migrate/);
    expect(summary).toMatch(
      /To finish going back to OpenShift SDN, run the action again with mode: rollback/,
    );
    // Where it stands and what to do, in a rollback's words from end to end.
    const stopped = summary.slice(
      summary.indexOf('### Where the cluster stands'),
      summary.indexOf('### Phases'),
    );
    expect(stopped).toContain(
      '**Switched back to OpenShift SDN, nodes not rebooted** — The pod network is down until the rollback continues (every node must still be rebooted onto OpenShift SDN).',
    );
    expect(stopped).toContain(
      'Paused pools: master, worker (MachineConfig updates held until the rollback continues)',
    );
    expect(stopped).toContain('refused while the rollback is unfinished');
    expect(stopped).not.toMatch(/migration (continues|is unfinished|is started)|OVN-Kubernetes and passed/);

    const fixedAt = await fixNode(twin, 'worker-0', twin.timeline.entries.length);
    const again = await h.run({ mode: 'rollback', 'artifact-name': 'rollback' });
    expect(again.stdout).toContain('Continuing the rollback');
    expect(again.code, again.stdout.slice(-4000)).toBe(0);
    expect(again.outputs.result).toBe('rolled-back');
    expect(networkType(twin)).toBe('OpenShiftSDN');
    expect(Object.values(readyNodes(twin)).every(Boolean)).toBe(true);
    if (process.env.DUMP_SUMMARY) process.stderr.write(`${summary}\n----\n${again.stdout}\n`);
    // No node is rebooted again: the others were, and worker-0's power-on was its boot onto OpenShift SDN
    // (a new boot ID since the rollback switched the network type).
    expect(sshReboots(twin, fixedAt)).toEqual({ 'master-0': 0, 'worker-0': 0, 'worker-1': 0 });
    expect(again.summary).toContain('Rolled back to OpenShift SDN — verified');
  });
});

describe('on-failure: rollback when a node never came back', () => {
  it('the same-job rollback cannot reach the node and changes nothing; once the node is fixed, mode: rollback completes', async () => {
    h = await startHarness(smallScenario());
    const twin = h.twin;
    customiseSdn(twin);
    let out = '';
    const migrate = await h.run(
      { 'on-failure': 'rollback', 'reboot-timeout': '3s', 'artifact-name': 'migrate' },
      {
        onStdout: (chunk: string) => {
          out += chunk;
          if (out.includes(REBOOT_STEP) && !twin.faults.forNode('node-never-returns', 'worker-1'))
            twin.faults.add({ kind: 'node-never-returns', node: 'worker-1' });
        },
      },
    );
    if (process.env.DUMP_SUMMARY) process.stderr.write(`${migrate.summary}\n`);
    expect(migrate.code).toBe(1);
    expect(migrate.outputs.result).toBe('failed');
    expect(migrate.stdout).toContain('rolling the cluster back to OpenShift SDN');
    const art = h.results.artifacts.find((a) => a.name === 'migrate')!;
    const rollback = JSON.parse(art.files.get('rollback/report.json')!.toString());
    // Its preflight reaches every node over SSH first: worker-1 is down, so it is refused before any change.
    expect(rollback.result).toBe('refused');
    expect(JSON.stringify(rollback.checks.filter((c: { ok: boolean }) => !c.ok))).toContain('worker-1');
    expect(networkType(twin)).toBe('OVNKubernetes');
    expect(migrate.summary).toContain('Migration failed during Reboot every node');
    expect(migrate.summary).toMatch(/Refused before any change/);
    // Both ends say what happened: the rollback was tried and refused, the network is still OVN-Kubernetes.
    const migrateReport = JSON.parse(art.files.get('report.json')!.toString());
    expect(migrateReport.warnings.join('\n')).toContain(
      'this job tried to roll it back, but the rollback ended refused',
    );
    expect(migrateReport.warnings.join('\n')).toContain(
      'on-failure: rollback ended with result refused; network type now OVNKubernetes.',
    );
    expect(migrateReport.warnings.join('\n')).not.toContain('so this job rolled it back');
    expect(rollback.failure.message).toMatch(/^Preflight refused the rollback \(no change was made\)/);
    // The refused rollback left the unfinished migration alone and describes it in its own terms.
    expect(rollback.failure.stand).toBe('switched-not-rebooted');
    expect(rollback.failure.standTerms).toBe('migration');
    expect(rollback.failure.clusterState).toMatch(/stays as it was: this rollback did not take it over/);
    expect(rollback.failure.clusterState).toMatch(
      /spec\.networkType is already OVNKubernetes: the pod network is down/,
    );
    expect(migrate.summary).toContain(
      '**Network switched, nodes not rebooted** — The pod network is down until the migration continues',
    );
    expect(migrate.summary).not.toMatch(/\*\*Untouched\*\*|Switched back to OpenShift SDN/);
    const cm = twin.store.get(
      findType('', 'configmaps')!,
      'openshift-network-operator',
      'sdn-to-ovn-migration-checkpoint',
    )!;
    expect(JSON.parse((cm.data as Record<string, string>)['checkpoint.json']).identity.to).toBe(
      'OVNKubernetes',
    );

    const fixedAt = await fixNode(twin, 'worker-1', twin.timeline.entries.length);
    const run = await h.run({ mode: 'rollback', 'artifact-name': 'rollback' });
    expectBackOnSdn(h, run, fixedAt);
  });
});
