// A hostile cluster, end to end through dist/index.js: ClusterOperator messages, a pool's Degraded
// reason, a node's Ready reason, SSH stderr, machine-config-daemon log lines and a node name carry
// workflow commands and Markdown links. Read as the runner reads stdout and stderr (runner-model.ts),
// the run issues only its own commands; the post step, given the state the runner would have saved
// (the file state plus any `::save-state` that got through), deletes nothing outside its own files;
// the summary has no live link or image and stays under 1 MiB with a 1.2 MB operator message.
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ActionRun } from '../helpers/run-action.ts';
import { runPost } from '../helpers/run-action.ts';
import { linksAndImages, renderLikeGitHub } from '../helpers/render-github.ts';
import { smallScenario, startHarness, type Harness } from '../helpers/twin-action.ts';
import type { ScenarioInput } from '../twin/scenario.ts';
import { findType } from '../twin/resources.ts';
import { SUMMARY_LIMIT_BYTES } from '../../src/report/markdown.ts';
import { FOREIGN_MASK, hostileText, liveLinks } from './payloads.ts';
import { foreignCommands, readAsRunner } from './runner-model.ts';

let h: Harness | undefined;
let victimDir = '';
let victim = '';
beforeEach(async () => {
  // A file the post step must never delete; the payloads name it in a forged `secretFiles` state.
  victimDir = await mkdtemp(path.join(tmpdir(), 'victim-'));
  victim = path.join(victimDir, 'victim.txt');
  await writeFile(victim, 'keep me');
});
afterEach(async () => {
  await h?.stop();
  h = undefined;
  await rm(victimDir, { recursive: true, force: true });
});

/** A node name the API accepts (a DNS subdomain) that GFM would turn into a link. */
const LINK_NODE = 'www.evil.example';

async function hostileHarness(extra: Partial<ScenarioInput>): Promise<Harness> {
  const harness = await startHarness(
    smallScenario({
      nodes: [
        { name: 'master-0', pool: 'master' },
        { name: 'worker-0', pool: 'worker' },
        { name: LINK_NODE, pool: 'worker' },
      ],
      ...extra,
    }),
  );
  // Every machine-config-daemon log gets hostile lines, as a compromised node's daemon could write.
  for (const [key, lines] of harness.twin.ctx.podLogs)
    if (key.startsWith('openshift-machine-config-operator/machine-config-daemon-'))
      lines.push(...hostileText(victim).split('\n'));
  return harness;
}

/** A node's Ready condition as its kubelet may write it: NotReady, with a reason of its choosing. */
/** The run the action links to (its artifacts): GITHUB_SERVER_URL/GITHUB_REPOSITORY as runAction sets them. */
const OWN_RUN_URL = 'https://github.com/acme/cluster-ops/actions/runs/';

function setReadyReason(harness: Harness, node: string, reason: string): void {
  const nodes = findType('', 'nodes')!;
  const obj = structuredClone(harness.twin.store.get(nodes, undefined, node)!);
  const conditions = (obj.status as { conditions: { type: string; status: string; reason: string }[] })
    .conditions;
  const ready = conditions.find((c) => c.type === 'Ready')!;
  ready.status = 'False';
  ready.reason = reason;
  harness.twin.store.update(obj, 'kubelet');
}

/** The state the runner would hand the post step: what the step saved, plus any save-state that got through. */
function runnerState(run: ActionRun): Record<string, string> {
  const state = { ...run.state };
  for (const out of [run.stdout, run.stderr])
    for (const c of readAsRunner(out).commands)
      if (c.name.toLowerCase() === 'save-state' && c.properties.name) state[c.properties.name] = c.data;
  return state;
}

async function expectNoCommandGotThrough(
  run: ActionRun,
  inputs: Record<string, string>,
  signature: string,
): Promise<void> {
  // The hostile text reached the run (else this test proves nothing)…
  expect(run.stdout + run.summary).toContain(FOREIGN_MASK);
  // …but the runner finds only the action's own commands, in stdout and in stderr.
  // Masks are "ours" when they come from what the step was given: its inputs and environment, and the
  // signature of the artifact upload URL (which @actions/artifact masks).
  const own = [...Object.values(inputs), ...Object.values(run.env), signature];
  expect(foreignCommands(run.stdout, own)).toEqual([]);
  expect(foreignCommands(run.stderr, own)).toEqual([]);
  // The summary: no live link or image, under the limit.
  expect(run.summary).toContain('evil');
  expect(liveLinks(run.summary, [OWN_RUN_URL])).toEqual([]);
  // Rendered as GitHub renders it: the only links are to the run's own artifacts, and no image.
  const shown = linksAndImages(renderLikeGitHub(run.summary));
  expect(shown.images).toEqual([]);
  expect(shown.links.filter((l) => !l.startsWith(OWN_RUN_URL))).toEqual([]);
  expect(Buffer.byteLength(run.summary)).toBeLessThan(SUMMARY_LIMIT_BYTES);
  // The post step, with the state the runner would hold, deletes nothing outside its own files.
  const post = await runPost(runnerState(run), { tempDir: run.tempDir });
  expect(post.code).toBe(0);
  expect(existsSync(victim)).toBe(true);
  expect(existsSync(run.runnerTemp)).toBe(true);
  expect(foreignCommands(post.stdout, [])).toEqual([]);
}

describe('a hostile cluster cannot steer the runner', () => {
  it('plan: operator messages (one of 1.2 MB), a pool Degraded reason, a node Ready reason, SSH stderr, a node name', async () => {
    const text = hostileText(victim);
    h = await hostileHarness({
      clusterOperators: [
        { name: 'network', degraded: true, message: text },
        { name: 'dns', degraded: true, message: `${text} ${'x'.repeat(1_200_000)}` },
      ],
      pools: [{ name: 'worker', degraded: text }],
      faults: [{ kind: 'sudo-fails', node: 'worker-0', stderr: `${text}\n` }],
    });
    setReadyReason(h, LINK_NODE, text);
    const inputs = h.inputs({ mode: 'plan' });
    const run = await h.run({ mode: 'plan' });
    expect(run.outputs.result).toBe('refused');
    await expectNoCommandGotThrough(run, inputs, h.results.signature);
    // Each source reached the plan's checks.
    for (const check of ['Every ClusterOperator', 'Every MachineConfigPool', 'Every node Ready', 'over SSH'])
      expect(run.summary).toContain(check);
    // Each reached the log, on its line, inert.
    expect(run.stdout).toMatch(
      /Every node Ready: .*www\.evil\.example: Ready=False \(degraded: \\n::add-mask::attacker-mask-c0ffee \\r::save-state/,
    );
    expect(run.stdout).toMatch(/over SSH.*\(worker-0: exit 1: ::stop-commands::x ##\\\[set-output/);
    expect(run.stdout).toMatch(
      /not Degraded: .*dns: .*Degraded=True — degraded: \\n::add-mask::.*… \(\d{7} more characters\)/,
    );
  });

  it('migrate: the etcd backup fails with hostile output, dumped inside a stop-commands block', async () => {
    h = await hostileHarness({
      faults: [
        { kind: 'sudo-fails', node: 'master-0', command: 'cluster-backup', stderr: hostileText(victim) },
      ],
    });
    const inputs = h.inputs();
    const run = await h.run();
    expect(run.outputs.result).toBe('refused');
    await expectNoCommandGotThrough(run, inputs, h.results.signature);
    expect(run.errors.join('\n')).toContain('etcd backup on master-0 failed');
    const reading = readAsRunner(run.stdout);
    expect(reading.stoppedLines.some((l) => l.includes(FOREIGN_MASK))).toBe(true);
  });

  it('migrate: a pool turns Degraded with a hostile reason; its MCD log tail is dumped inside a stop-commands block', async () => {
    h = await hostileHarness({
      faults: [{ kind: 'pool-degraded', pool: 'worker', reason: hostileText(victim) }],
    });
    const inputs = h.inputs();
    const run = await h.run({ 'etcd-backup': 'false' });
    expect(run.outputs.result).toBe('failed');
    await expectNoCommandGotThrough(run, inputs, h.results.signature);
    expect(run.errors.join('\n')).toMatch(/pool worker is Degraded/);
    const reading = readAsRunner(run.stdout);
    expect(reading.stoppedLines.some((l) => l.includes('Marking Degraded due to'))).toBe(true);
    expect(reading.stoppedLines.some((l) => l.includes(FOREIGN_MASK))).toBe(true);
  });
});
