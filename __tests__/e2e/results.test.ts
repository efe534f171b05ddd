// Results mean one thing each (issue 10): every way a run can end, through dist/index.js against the
// twin — its `result` output, its exit code and the headline of its job summary. `refused` always
// means this run changed nothing; when an earlier run's migration is unfinished the summary says so
// (and never "No change was made to the cluster"); a cancelled or failed run says what the network is
// now; cleanup: false lists the cleanup left to do as commands.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, smallScenario, type Harness } from '../helpers/twin-action.ts';
import type { ActionRun } from '../helpers/run-action.ts';
import { findType } from '../twin/resources.ts';
import { variantB } from '../../src/procedure/variant-b.ts';

/** Procedure B's steps (the checkpoint counts them; the plan lists one more, the checkpoint itself). */
const STEPS = variantB.phases.flatMap((p) => p.steps).length;

const headline = (run: ActionRun) => run.summary.split('\n')[0];

/** The summary's sections (### headings and the titles of collapsed <details>), in order. */
const sections = (md: string) =>
  [...md.matchAll(/^### (.+)$|<summary>([^<]+)<\/summary>/gm)].map((m) =>
    (m[1] ?? m[2])!.replace(/ \(\d+\).*$|:.*$/, ''),
  );

function expectEnd(
  run: ActionRun,
  result: string,
  code: number,
  title: string | RegExp,
  expected: string[] = [],
): void {
  expect(run.outputs.result, run.stdout.slice(-3000)).toBe(result);
  expect(run.code).toBe(code);
  if (typeof title === 'string') expect(headline(run)).toBe(title);
  else expect(headline(run)).toMatch(title);
  // The sections this kind of run must show, in this order (others may sit between them).
  const found = sections(run.summary);
  expect(
    found.filter((s) => expected.includes(s)),
    found.join(' | '),
  ).toEqual(expected);
  // A small cluster's summary is small: an approver reads it, it is not a log.
  expect(Buffer.byteLength(run.summary)).toBeLessThan(40_000);
  // Each error once: the run's failure is one titled annotation, never repeated by setFailed.
  expect(new Set(run.errors).size).toBe(run.errors.length);
  if ((code !== 0 && result !== 'refused') || run.summary.startsWith('## ⛔'))
    expect(run.errors.length).toBeGreaterThan(0);
}

const FAILURE = ['What happened', 'Where the cluster stands', 'What to do next'];

async function cancelAt(h: Harness, marker: string, extra: Record<string, string> = {}): Promise<ActionRun> {
  const stop = new AbortController();
  let out = '';
  return h.run(extra, {
    signal: stop.signal,
    onStdout: (c) => {
      out += c;
      if (out.includes(marker)) stop.abort();
    },
  });
}

const DOWN =
  'spec.networkType is already OVNKubernetes: the pod network is down until the migration continues';

describe('one 4.14 cluster, from plan to migrated, through a cancel and re-runs', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(smallScenario({ timing: { msPerSecond: 2 } }));
  });
  afterAll(async () => h?.stop());

  it('invalid input: refused, exit 1, a short summary naming the input', async () => {
    const run = await h.run({ mtu: 'abc' });
    expectEnd(run, 'refused', 1, '## ⛔ Refused: input `mtu` is invalid');
    expect(run.summary).toContain('No change was made to the cluster');
    expect(h.twin.timeline.totalRequests()).toBe(0);
  });

  it('plan: planned, exit 0', async () => {
    const run = await h.run({ mode: 'plan' });
    expectEnd(
      run,
      'planned',
      0,
      /^## ✅ (\d+)\/\1 checks pass — migrate will change \d+ objects, reboot 3 nodes \(each twice\), about \d+ min, network down ~\d+ min$/,
      [
        'Warnings',
        'The risk',
        'Estimated duration',
        `All ${STEPS + 1} steps, in order`,
        'Passing checks',
        'Nodes',
      ],
    );
    expect(run.summary).toContain('**Node access:** Nodes are reached over SSH as core');
    // The log starts with the version, the mode, the node access and the inputs; never a secret.
    const version = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;
    const first = run.stdout.split('\n').filter((l) => !l.startsWith('::'));
    expect(first.slice(0, 3)).toEqual([
      `sdn-to-ovn action ${version}: mode plan, strategy auto`,
      expect.stringMatching(
        /^node access: Nodes are reached over SSH as core .*; SSH as core on port \d+, host keys /,
      ),
      expect.stringMatching(/^inputs: context=.*maxParallelReboots=0/),
    ]);
    expect(first[2]).not.toMatch(/BEGIN|PRIVATE|token/i);
  });

  it('cancelled after the switch: cancelled, exit 1, and the summary says the pod network is down', async () => {
    const run = await cancelAt(h, '→ Wait for the multus DaemonSet rollout to finish');
    expectEnd(
      run,
      'cancelled',
      1,
      '## ⏹️ Migration cancelled during Switch the default network to OVN-Kubernetes — cluster: network switched, nodes not rebooted',
      [...FAILURE, 'Phases'],
    );
    expect(run.summary).toContain('**Network switched, nodes not rebooted** — The pod network is down');
    expect(run.summary).toContain('Re-run failed jobs');
    expect(run.summary).toContain(`Network now: ${DOWN}`);
  });

  it('a re-run with other settings while it is unfinished: refused, and it does not say "No change was made to the cluster"', async () => {
    const writes = h.twin.timeline.clientWrites().length;
    const run = await h.run({ mtu: '1400' });
    expectEnd(
      run,
      'refused',
      1,
      new RegExp(
        String.raw`^## ⛔ Refused: this run changed nothing — an unfinished migration is in progress \(started \S+ by cluster-admin, \d+ of ${STEPS} steps done\)$`,
      ),
    );
    expect(run.errors[0]).toMatch(/with other settings — mtu: in progress null, this run 1400/);
    expect(run.summary).not.toContain('No change was made to the cluster');
    expect(run.summary).toContain(DOWN);
    expect(run.summary).toContain('Run again with the inputs the unfinished migration was started with');
    expect(h.twin.timeline.clientWrites()).toHaveLength(writes);
  });

  it('plan on the unfinished migration: says whose and how far, lists only the remaining steps, planned', async () => {
    const writes = h.twin.timeline.clientWrites().length;
    const run = await h.run({ mode: 'plan' });
    expectEnd(
      run,
      'planned',
      0,
      new RegExp(
        String.raw`^## ✅ \d+/\d+ checks pass(, \d+ warnings?)? — migrate will continue the unfinished migration \(started \S+ by cluster-admin, \d+ of ${STEPS} steps done\): change \d+ objects, reboot 3 nodes \(each twice\)`,
      ),
      ['The risk', 'Passing checks', 'Nodes'],
    );
    const plan = JSON.parse(readFileSync(run.outputs['report-path'], 'utf8')).plan as { step: string }[];
    const steps = plan.map((p) => p.step);
    expect(steps).not.toContain('Set Network.operator.openshift.io cluster spec.migration.networkType');
    expect(steps).not.toContain(
      'Set Network.config.openshift.io cluster spec.networkType to the target plugin',
    );
    expect(steps).toContain('Wait for the multus DaemonSet rollout to finish');
    expect(steps).toContain(
      'Reboot every node over SSH and wait until each is back Ready with a new boot ID',
    );
    // Migrate would not refuse (it continues below), so neither does the plan.
    expect(run.summary).not.toContain('mode: migrate would be refused');
    expect(h.twin.timeline.clientWrites()).toHaveLength(writes);
  });

  it('plan on the unfinished migration with other settings: refused, exit 1, as migrate would be', async () => {
    const run = await h.run({ mode: 'plan', mtu: '1400' });
    expectEnd(
      run,
      'refused',
      1,
      /^## ⛔ Refused: this run changed nothing — an unfinished migration is in progress/,
    );
  });

  it('migrate continues with cleanup: false: migrated, exit 0, the cleanup left to do as commands', async () => {
    const run = await h.run({ cleanup: 'false' });
    expectEnd(
      run,
      'migrated',
      0,
      /^## ✅ Migrated to OVN-Kubernetes — 3 nodes rebooted in \S+ \(estimate \d+ min\) — continuing the migration started \S+ by cluster-admin/,
      ['What this run did', 'Cleanup left to do (cleanup', 'Phases', 'Passing checks', 'Nodes'],
    );
    expect(run.summary).toContain('### Cleanup left to do (cleanup: false)');
    for (const cmd of [
      `oc patch networks.operator.openshift.io cluster --type=merge --patch '{"spec":{"migration":null}}'`,
      `oc patch networks.operator.openshift.io cluster --type=merge --patch '{"spec":{"defaultNetwork":{"openshiftSDNConfig":null}}}'`,
      'oc delete namespace openshift-sdn',
    ])
      expect(run.summary).toContain(cmd);
    expect(h.twin.store.get(findType('', 'namespaces')!, undefined, 'openshift-sdn')).toBeDefined();
  });

  it('then the cluster is on OVN-Kubernetes: already-migrated, exit 0', async () => {
    const run = await h.run({});
    expectEnd(
      run,
      'already-migrated',
      0,
      /^## ✅ Already on OVN-Kubernetes — verified, nothing changed \((\d+)\/\1 checks pass\)$/,
      ['Passing checks'],
    );
    expect(run.errors).toEqual([]);
  });
});

describe('the other endings', () => {
  it('a blocking preflight check: refused, exit 1', async () => {
    const h = await startHarness(
      smallScenario({ nodes: [{ name: 'master-0' }, { name: 'worker-0', ready: false }] }),
    );
    try {
      const run = await h.run({});
      expectEnd(run, 'refused', 1, '## ⛔ Refused before any change — 2 blocking checks:', FAILURE);
      // The verdict lists the blocking checks right under it.
      expect(run.summary.split('\n').slice(2, 4)).toEqual([
        expect.stringMatching(/^- Every node Ready — /),
        expect.stringMatching(/^- Every MachineConfigPool Updated and not Degraded — /),
      ]);
      expect(run.errors).toHaveLength(1);
      expect(run.summary).toContain('No change was made to the cluster.');
      expect(h.twin.timeline.clientWrites()).toEqual([]);
    } finally {
      await h.stop();
    }
  });

  it('already on OVN-Kubernetes but verification fails: unhealthy (not refused), exit 1', async () => {
    const h = await startHarness(
      smallScenario({
        network: { type: 'OVNKubernetes' },
        nodes: [{ name: 'master-0' }, { name: 'worker-0', ready: false }],
      }),
    );
    try {
      const run = await h.run({});
      expectEnd(
        run,
        'unhealthy',
        1,
        '## ⚠️ Already on OVN-Kubernetes, but verification failed — worker-0 is NotReady (nothing changed)',
        FAILURE,
      );
      expect(run.summary).toContain('**On OVN-Kubernetes, unhealthy**');
      expect(run.errors[0]).toMatch(
        /the cluster is on OVNKubernetes but verification failed: .*Every node Ready/,
      );
      expect(h.twin.timeline.clientWrites()).toEqual([]);
    } finally {
      await h.stop();
    }
  });

  it('a node that never returns: failed, exit 1, and where the network stands', async () => {
    const h = await startHarness(
      smallScenario({ version: '4.6.21', faults: [{ kind: 'node-never-returns', node: 'worker-1' }] }),
    );
    try {
      const run = await h.run({ 'reboot-timeout': '3s' });
      expectEnd(
        run,
        'failed',
        1,
        '## ❌ Migration failed during Reboot every node — worker-1 did not come back (NotReady)',
        [...FAILURE, 'Phases', 'Nodes'],
      );
      expect(run.summary).toContain('- ❌ node **worker-1** is NotReady — Ready=');
      expect(run.summary).toContain('oc describe node worker-1');
      // The node table reads the node at the end of the run: it never shows worker-1 Ready.
      const row = run.summary.split('\n').find((l) => l.startsWith('| worker-1 |'))!;
      expect(row).toContain('**NotReady**');
      expect(run.summary).toContain('**Network switched, nodes not rebooted**');
      expect(run.summary).toContain(`Network now: ${DOWN}`);
      expect(run.summary).toMatch(/Paused pools: master, worker/);
    } finally {
      await h.stop();
    }
  });
});
