// Produces the fleet report fixtures: real report.json files written by the bundled action against the
// twin, one per kind of leg, laid out as actions/download-artifact leaves them (one directory per
// artifact, named <stage>-<cluster>-<run id>-<attempt>). Run after `npm run bundle`:
//   node __tests__/fleet/make-fixtures.ts && npx prettier --write __tests__/fleet/fixtures
// The pool-degraded reason is cluster text and carries Markdown, HTML and a mention, so the fixtures
// exercise the renderer's escaping with text the action really recorded.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { smallScenario, startHarness } from '../helpers/twin-action.ts';
import type { ScenarioInput } from '../twin/scenario.ts';

const OUT = path.join(import.meta.dirname, 'fixtures');
const RUN_ID = '4242';
const ENV = {
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_REPOSITORY: 'example/network',
  GITHUB_RUN_ID: RUN_ID,
  GITHUB_RUN_ATTEMPT: '1',
  GITHUB_ACTOR: 'octocat',
  GITHUB_WORKFLOW: 'Network migration of a fleet',
};
const HOSTILE = '<img src=x onerror=alert(1)> [click](https://evil.example) | @admins `code` # head';

interface Leg {
  artifact: string;
  scenario: ScenarioInput;
  inputs: Record<string, string>;
  /** Log text at which the run is cancelled (SIGINT). */
  cancelAt?: string;
  expect: string;
}

const LEGS: Leg[] = [
  { artifact: 'plan-prod-a', scenario: smallScenario(), inputs: { mode: 'plan' }, expect: 'planned' },
  { artifact: 'migrate-prod-a', scenario: smallScenario(), inputs: {}, expect: 'migrated' },
  { artifact: 'plan-prod-b', scenario: smallScenario(), inputs: { mode: 'plan' }, expect: 'planned' },
  {
    artifact: 'migrate-prod-b',
    scenario: smallScenario({
      faults: [{ kind: 'pool-degraded', pool: 'worker', reason: HOSTILE }],
    }),
    inputs: {},
    expect: 'failed',
  },
  {
    artifact: 'plan-prod-c',
    scenario: smallScenario(),
    inputs: { mode: 'plan', mtu: '1450' },
    expect: 'refused',
  },
  { artifact: 'plan-prod-d', scenario: smallScenario(), inputs: { mode: 'plan' }, expect: 'planned' },
  {
    artifact: 'migrate-prod-d',
    scenario: smallScenario(),
    inputs: {},
    cancelAt: '::group::Phase 3/',
    expect: 'cancelled',
  },
];

await rm(OUT, { recursive: true, force: true });
for (const leg of LEGS) {
  const h = await startHarness(leg.scenario);
  try {
    const stop = new AbortController();
    let out = '';
    const name = `${leg.artifact}-${RUN_ID}-1`;
    const run = await h.run(
      { ...leg.inputs, 'artifact-name': name },
      {
        env: ENV,
        signal: stop.signal,
        onStdout: (chunk: string) => {
          out += chunk;
          if (leg.cancelAt && out.includes(leg.cancelAt)) stop.abort();
        },
      },
    );
    if (run.outputs.result !== leg.expect)
      throw new Error(
        `${leg.artifact}: result ${run.outputs.result}, expected ${leg.expect}\n${run.stdout.slice(-3000)}`,
      );
    const art = h.results.artifacts.find((a) => a.name === name);
    const json = art?.files.get('report.json');
    if (!json) throw new Error(`${leg.artifact}: no report.json uploaded`);
    await mkdir(path.join(OUT, name), { recursive: true });
    await writeFile(path.join(OUT, name, 'report.json'), json);
    process.stdout.write(`${name}: ${run.outputs.result}\n`);
  } finally {
    await h.stop();
  }
}
