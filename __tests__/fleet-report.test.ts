// The fleet table, on real report.json files the bundled action wrote against the twin
// (__tests__/fleet/fixtures, made by __tests__/fleet/make-fixtures.ts): migrated, failed (a Degraded
// pool whose reason carries Markdown and HTML), refused, cancelled, planned, and a leg with no report.
// Then the bundled dist/fleet.js, run as the runner runs it.
import { execFile } from 'node:child_process';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listArtifacts } from '../src/fleet/artifacts.ts';
import { checkClusters, checkMaxParallel, FleetInputError } from '../src/fleet/clusters.ts';
import { runUrl } from '../src/fleet/fleet.ts';
import { readLegs, summarizeReport, type Leg } from '../src/fleet/legs.ts';
import { MAX_DETAIL_CHARS, renderFleetTable } from '../src/fleet/table.ts';
import { SUMMARY_LIMIT_BYTES } from '../src/report/markdown.ts';
import { MAX_CLUSTERS } from '../src/fleet/clusters.ts';
import { RunReport } from '../src/report/model.ts';
import { REPO_ROOT, nodeBinary } from './helpers/run-action.ts';

const FIXTURES = path.join(REPO_ROOT, '__tests__', 'fleet', 'fixtures');
const RUN_ID = '4242';
const RUN_URL = 'https://github.com/example/network/actions/runs/4242';
const ALL = ['prod-a', 'prod-b', 'prod-c', 'prod-d', 'prod-e'];

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'fleet-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Copies fixture artifacts into the download directory, optionally under another name. */
async function download(...names: (string | [from: string, to: string])[]): Promise<void> {
  for (const n of names) {
    const [from, to] = typeof n === 'string' ? [n, n] : n;
    await cp(
      path.join(FIXTURES, `${from}-${RUN_ID}-1`),
      path.join(dir, to.includes(RUN_ID) ? to : `${to}-${RUN_ID}-1`),
      {
        recursive: true,
      },
    );
  }
}

async function fixture(name: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(path.join(FIXTURES, `${name}-${RUN_ID}-1`, 'report.json'), 'utf8'));
}

/** Table rows as cells, keyed by the cluster name in the first cell; a cell never holds an unescaped `|`. */
function rows(md: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const line of md.split('\n').filter((l) => l.startsWith('| **'))) {
    const cells = line.slice(2, -2).split(' | ');
    expect(cells, line).toHaveLength(6);
    out.set(/^\*\*([^*]+)\*\*/.exec(cells[0]!)![1]!, cells);
  }
  return out;
}

describe('the fixtures are reports the action writes today', () => {
  it('each holds only keys of RunReport.toJSON(), with a known result, cluster and nodes', async () => {
    const model = Object.keys(new RunReport('https://x').toJSON());
    const names = await readdir(FIXTURES);
    expect(names.sort()).toEqual(
      [
        'migrate-prod-a',
        'migrate-prod-b',
        'migrate-prod-d',
        'plan-prod-a',
        'plan-prod-b',
        'plan-prod-c',
        'plan-prod-d',
      ].map((n) => `${n}-${RUN_ID}-1`),
    );
    const results: Record<string, unknown> = {};
    for (const name of names) {
      const r = JSON.parse(await readFile(path.join(FIXTURES, name, 'report.json'), 'utf8'));
      for (const key of Object.keys(r)) expect(model, `${name}: ${key}`).toContain(key);
      expect(r.nodes).toHaveLength(3);
      expect(r.cluster.server).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      results[name.replace(`-${RUN_ID}-1`, '')] = r.result;
    }
    expect(results).toEqual({
      'plan-prod-a': 'planned',
      'migrate-prod-a': 'migrated',
      'plan-prod-b': 'planned',
      'migrate-prod-b': 'failed',
      'plan-prod-c': 'refused',
      'plan-prod-d': 'planned',
      'migrate-prod-d': 'cancelled',
    });
  });
});

describe('fleet table of a migrate run', () => {
  it('one row per cluster in the order given: migrated, failed, refused at plan, cancelled, and no report', async () => {
    await download(
      'plan-prod-a',
      'migrate-prod-a',
      'plan-prod-b',
      'migrate-prod-b',
      'plan-prod-c',
      'plan-prod-d',
      'migrate-prod-d',
    );
    const md = renderFleetTable(await readLegs(dir, ALL, RUN_ID), { mode: 'migrate', runUrl: RUN_URL });
    expect(md.split('\n')[0]).toBe(
      '## ❌ Fleet migrate: 1/5 clusters on OVN-Kubernetes — 3 failed, refused or cancelled, 1 without a report',
    );
    const table = rows(md);
    expect([...table.keys()]).toEqual(ALL);
    const [a, b, c, d, e] = ALL.map((k) => table.get(k)!);
    expect(a!.slice(1, 4)).toEqual(['✅ migrated', expect.stringMatching(/^\d+(\.\d+)?s$/), '3']);
    expect(a![0]).toMatch(/^\*\*prod-a\*\*<br><sub>https&#58;\/\/127\.0\.0\.1:\d+ · 4\.14\.12<\/sub>$/);
    expect(a![4]).toBe(`[artifacts](${RUN_URL}#artifacts): <code>migrate-prod-a-4242-1</code>`);
    expect(b![1]).toBe('❌ failed');
    expect(b![5]).toMatch(/^pool worker is Degraded: Node worker-0 is reporting/);
    expect(c![1]).toBe('⛔ refused (plan)');
    expect(c![5]).toMatch(/^Preflight refused the migration .*mtu 1450 is above the smallest node MTU/);
    expect(c![4]).toContain('<code>plan-prod-c-4242-1</code>');
    expect(d![1]).toBe('⏹️ cancelled');
    expect(d![5]).toMatch(
      /^cancelled during &quot;Switch the default network to OVN-Kubernetes&quot;<br>Where the cluster stands: The migration \(procedure B\) stopped during .*This run made 2 change\(s\)/,
    );
    expect(c![5]).toMatch(/<br>Where the cluster stands: No change was made to the cluster\.$/);
    expect(e!.slice(1)).toEqual([
      '⚪ no report',
      '',
      '',
      `[run](${RUN_URL})`,
      'The leg never ran or stopped before its report was uploaded: see its jobs in the run.',
    ]);
  });

  it('the failure text from the cluster is escaped as the job summary escapes it, and cut', async () => {
    await download('plan-prod-b', 'migrate-prod-b');
    const md = renderFleetTable(await readLegs(dir, ['prod-b'], RUN_ID), {
      mode: 'migrate',
      runUrl: RUN_URL,
    });
    const detail = rows(md).get('prod-b')![5]!;
    const raw = String(((await fixture('migrate-prod-b')).failure as { message: string }).message);
    expect(raw).toContain(
      '<img src=x onerror=alert(1)> [click](https://evil.example) | @admins `code` # head',
    );
    expect(raw.length).toBeGreaterThan(MAX_DETAIL_CHARS);
    expect(detail).toContain(
      '&lt;img src=x onerror=alert(1)&gt; &#91;click&#93;(https&#58;//evil.example) &#124; &#8203;@admins &#96;code&#96; &#35; head',
    );
    for (const live of ['<img', '[click]', '](', '://', ' | ', '`', ' @admins'])
      expect(detail).not.toContain(live);
    const [message, state] = detail.split('<br>Where the cluster stands: ');
    expect(message).toMatch(/… \(\d+ more characters\)$/);
    expect(state).toMatch(/^The migration \(procedure B\) stopped during /);
  });

  it('a leg planned but never migrated (approval rejected or not given) reads as not migrated', async () => {
    await download('plan-prod-a');
    const md = renderFleetTable(await readLegs(dir, ['prod-a'], RUN_ID), {
      mode: 'migrate',
      runUrl: RUN_URL,
    });
    expect(md.split('\n')[0]).toBe(
      '## ⚠️ Fleet migrate: 0/1 clusters on OVN-Kubernetes — 1 planned but not migrated',
    );
    expect(rows(md).get('prod-a')!.slice(1, 4)).toEqual([
      '⏸️ not migrated',
      expect.stringMatching(/s$/),
      '3',
    ]);
  });

  it('a re-run attempt replaces the earlier one, whichever stage it reached', async () => {
    // prod-b failed in attempt 1; "Re-run failed jobs" migrated it in attempt 2.
    await download('plan-prod-b', 'migrate-prod-b', ['migrate-prod-a', `migrate-prod-b-${RUN_ID}-2`]);
    // prod-d was cancelled in attempt 1; in attempt 2 its plan was refused and migrate did not run.
    await download('plan-prod-d', 'migrate-prod-d', ['plan-prod-c', `plan-prod-d-${RUN_ID}-2`]);
    const table = rows(
      renderFleetTable(await readLegs(dir, ['prod-b', 'prod-d'], RUN_ID), {
        mode: 'migrate',
        runUrl: RUN_URL,
      }),
    );
    expect(table.get('prod-b')!.slice(1, 2)).toEqual(['✅ migrated']);
    expect(table.get('prod-b')![4]).toContain('<code>migrate-prod-b-4242-2</code>');
    expect(table.get('prod-d')![1]).toBe('⛔ refused (plan)');
  });

  it('artifacts of another run, or of a cluster whose name only starts the same, are not read', async () => {
    await download(
      ['migrate-prod-a', 'migrate-prod-b-9999-1'],
      ['migrate-prod-a', `migrate-prod-b-x-${RUN_ID}-1`],
    );
    const table = rows(renderFleetTable(await readLegs(dir, ['prod-b'], RUN_ID), { mode: 'migrate' }));
    expect(table.get('prod-b')![1]).toBe('⚪ no report');
  });
});

describe('fleet table of a plan run', () => {
  it('every cluster planned: a green verdict', async () => {
    await download('plan-prod-a', 'plan-prod-b');
    const md = renderFleetTable(await readLegs(dir, ['prod-a', 'prod-b'], RUN_ID), {
      mode: 'plan',
      runUrl: RUN_URL,
    });
    expect(md.split('\n')[0]).toBe('## ✅ Fleet plan: 2/2 clusters planned');
    expect(rows(md).get('prod-b')![1]).toBe('📋 planned');
  });

  it('a cluster already on OVN-Kubernetes is fine in a plan run; every row reaching its goal is green', async () => {
    await download('plan-prod-a', ['migrate-prod-a', 'plan-prod-b']);
    const md = renderFleetTable(await readLegs(dir, ['prod-a', 'prod-b'], RUN_ID), { mode: 'plan' });
    expect(md.split('\n')[0]).toBe('## ✅ Fleet plan: 1/2 clusters planned — 1 already on OVN-Kubernetes');
  });

  it('with no artifact downloaded at all, every cluster is listed without a report', async () => {
    const md = renderFleetTable(await readLegs(path.join(dir, 'absent'), ['prod-a', 'prod-b'], RUN_ID), {
      mode: 'plan',
    });
    expect(md.split('\n')[0]).toBe('## ❌ Fleet plan: 0/2 clusters planned — 2 without a report');
    expect([...rows(md).values()].map((r) => r[4])).toEqual(['', '']);
  });
});

describe('reports as untrusted data', () => {
  async function hostile(mutate: (r: Record<string, unknown>) => void): Promise<string[]> {
    const report = await fixture('migrate-prod-a');
    mutate(report);
    await mkdir(path.join(dir, `migrate-prod-a-${RUN_ID}-1`), { recursive: true });
    await writeFile(path.join(dir, `migrate-prod-a-${RUN_ID}-1`, 'report.json'), JSON.stringify(report));
    return rows(
      renderFleetTable(await readLegs(dir, ['prod-a'], RUN_ID), { mode: 'migrate', runUrl: RUN_URL }),
    ).get('prod-a')!;
  }

  it('server and version are escaped; a link in the report is never used', async () => {
    const row = await hostile((r) => {
      r.cluster = {
        server: '<script>x</script>|[a](javascript:alert(1))',
        version: '![i](https://evil.example/p.png)',
      };
      r.context = { runUrl: 'https://evil.example/run' };
    });
    expect(row[0]).toBe(
      '**prod-a**<br><sub>&lt;script&gt;x&lt;/script&gt;&#124;&#91;a&#93;(javascript:alert(1)) · !&#91;i&#93;(https&#58;//evil.example/p.png)</sub>',
    );
    // No live link or image: the brackets are character references, so `(javascript:…)` stays text.
    expect(row[0]!.replace(/^\*\*prod-a\*\*<br><sub>|<\/sub>$/g, '')).not.toMatch(/[[\]<>|]/);
    expect(row.join('')).not.toContain('evil.example/run');
    expect(row[4]).toBe(`[artifacts](${RUN_URL}#artifacts): <code>migrate-prod-a-4242-1</code>`);
  });

  it('an unknown result, wrong types or broken JSON make an unreadable-report row, never a crash', async () => {
    expect((await hostile((r) => (r.result = '<b>won</b>')))[1]).toBe('❓ unreadable report');
    const wrongTypes = await hostile((r) => {
      r.nodes = 'many';
      r.startedAt = 7;
      r.cluster = ['x'];
      r.failure = { message: { html: '<b>' } };
    });
    expect(wrongTypes.slice(0, 4)).toEqual(['**prod-a**', '✅ migrated', '', '']);
    await writeFile(path.join(dir, `migrate-prod-a-${RUN_ID}-1`, 'report.json'), '{"result": "migr');
    const broken = rows(renderFleetTable(await readLegs(dir, ['prod-a'], RUN_ID), { mode: 'migrate' })).get(
      'prod-a',
    )!;
    expect(broken.slice(1)).toEqual([
      '❓ unreadable report',
      '',
      '',
      '<code>migrate-prod-a-4242-1</code>',
      'report.json is not valid JSON',
    ]);
  });

  it(`${MAX_CLUSTERS} clusters of the longest, most escaped cluster text still fit the job summary`, async () => {
    const report = await fixture('migrate-prod-b');
    // '@' is the character escaping lengthens most (to a zero-width space reference and the '@').
    report.cluster = { server: '@'.repeat(100_000), version: '@'.repeat(100_000) };
    (report.failure as { message: string }).message = '@'.repeat(1_000_000);
    const legs: Leg[] = Array.from({ length: MAX_CLUSTERS }, (_, i) => {
      const cluster = `cluster-${i}-${'x'.repeat(50)}`;
      const artifact = `migrate-${cluster}-${RUN_ID}-1`;
      return { cluster, migrate: summarizeReport(report, { stage: 'migrate', attempt: 1, artifact }) };
    });
    const artifacts = new Map(
      legs.map((l, i) => [l.migrate!.artifact, { id: 1_000_000 + i, sizeBytes: 2 ** 30 }]),
    );
    const md = renderFleetTable(legs, { mode: 'migrate', runUrl: RUN_URL, artifacts });
    expect(Buffer.byteLength(md)).toBeLessThan(SUMMARY_LIMIT_BYTES - 1024);
    const table = rows(md);
    expect(table.size).toBe(MAX_CLUSTERS);
    // Every row still says what happened and how much was left out.
    for (const cells of table.values()) {
      expect(cells[1]).toBe('❌ failed');
      expect(cells[5]).toMatch(/^(&#8203;@)+… \(\d+ more characters\)<br>Where the cluster stands: /);
    }
  });

  it('an artifact without report.json says so', async () => {
    await mkdir(path.join(dir, `plan-prod-a-${RUN_ID}-1`));
    const row = rows(renderFleetTable(await readLegs(dir, ['prod-a'], RUN_ID), { mode: 'plan' })).get(
      'prod-a',
    )!;
    expect(row[5]).toBe('the artifact holds no report.json');
  });

  it('the run link comes from the runner variables only, and only when they are well formed', () => {
    const env = { GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'o/r', GITHUB_RUN_ID: '12' };
    expect(runUrl(env)).toBe('https://github.com/o/r/actions/runs/12');
    expect(runUrl({ ...env, GITHUB_SERVER_URL: 'javascript:alert(1)' })).toBeUndefined();
    expect(runUrl({ ...env, GITHUB_REPOSITORY: 'o/r)](x' })).toBeUndefined();
    expect(runUrl({ ...env, GITHUB_RUN_ID: '12#x' })).toBeUndefined();
  });
});

/** A stand-in for the REST API's run artifact list, on 127.0.0.1; records each request. */
async function artifactApi(
  artifacts: { id: number; name: string; size_in_bytes: number; expired?: boolean }[],
  status = 200,
): Promise<{ url: string; requests: IncomingMessage[]; server: Server }> {
  const requests: IncomingMessage[] = [];
  const server = createServer((req, res) => {
    requests.push(req);
    const u = new URL(req.url!, 'http://x');
    const page = Number(u.searchParams.get('page'));
    const per = Number(u.searchParams.get('per_page'));
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        total_count: artifacts.length,
        artifacts: artifacts.slice((page - 1) * per, page * per),
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, requests, server };
}

describe('direct links to each leg’s artifact', () => {
  const TOKEN = 'ghs_fleetTestToken0123456789';
  let api: Awaited<ReturnType<typeof artifactApi>> | undefined;
  const close = async (): Promise<void> => {
    const server = api?.server;
    api = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  };
  afterEach(close);

  it('lists every page of the run’s artifacts with the token, leaving out expired ones', async () => {
    const many = Array.from({ length: 103 }, (_, i) => ({
      id: 1000 + i,
      name: `other-${i}`,
      size_in_bytes: i,
    }));
    api = await artifactApi([
      ...many,
      { id: 7, name: `migrate-prod-a-${RUN_ID}-1`, size_in_bytes: 12_600 },
      { id: 8, name: `plan-prod-a-${RUN_ID}-1`, size_in_bytes: 900, expired: true },
    ]);
    const found = await listArtifacts({
      apiUrl: api.url,
      repository: 'example/network',
      runId: RUN_ID,
      token: TOKEN,
    });
    expect(found.size).toBe(104);
    expect(found.get(`migrate-prod-a-${RUN_ID}-1`)).toEqual({ id: 7, sizeBytes: 12_600 });
    expect(found.has(`plan-prod-a-${RUN_ID}-1`)).toBe(false);
    expect(api.requests.map((r) => r.url)).toEqual([
      `/repos/example/network/actions/runs/${RUN_ID}/artifacts?per_page=100&page=1`,
      `/repos/example/network/actions/runs/${RUN_ID}/artifacts?per_page=100&page=2`,
    ]);
    for (const r of api.requests) expect(r.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it('a row links to its artifact with its size', async () => {
    await download('plan-prod-a', 'migrate-prod-a');
    const artifacts = new Map([[`migrate-prod-a-${RUN_ID}-1`, { id: 7, sizeBytes: 12_600 }]]);
    const md = renderFleetTable(await readLegs(dir, ['prod-a'], RUN_ID), {
      mode: 'migrate',
      runUrl: RUN_URL,
      artifacts,
    });
    expect(rows(md).get('prod-a')![4]).toBe(
      `[<code>migrate-prod-a-4242-1</code>](${RUN_URL}/artifacts/7) (12.3 KB)`,
    );
  });

  it('dist/fleet.js: links when the API answers; when it refuses, says so and links to the run’s list', async () => {
    await mkdir(path.join(dir, 'fleet-reports'));
    await cp(
      path.join(FIXTURES, `migrate-prod-a-${RUN_ID}-1`),
      path.join(dir, 'fleet-reports', `migrate-prod-a-${RUN_ID}-1`),
      {
        recursive: true,
      },
    );
    const inputs = {
      command: 'report',
      clusters: '["prod-a"]',
      'allowed-clusters': allowedList(),
      mode: 'migrate',
      'github-token': TOKEN,
    };
    api = await artifactApi([{ id: 7, name: `migrate-prod-a-${RUN_ID}-1`, size_in_bytes: 2_500_000 }]);
    const linked = await runFleetBundle(inputs, { GITHUB_API_URL: api.url });
    expect(linked.code, linked.stdout).toBe(0);
    expect(rows(linked.summary).get('prod-a')![4]).toBe(
      `[<code>migrate-prod-a-4242-1</code>](${RUN_URL}/artifacts/7) (2.4 MB)`,
    );
    await close();

    api = await artifactApi([], 403);
    const refused = await runFleetBundle(inputs, { GITHUB_API_URL: api.url });
    expect(refused.code).toBe(0);
    expect(rows(refused.summary).get('prod-a')![4]).toBe(
      `[artifacts](${RUN_URL}#artifacts): <code>migrate-prod-a-4242-1</code>`,
    );
    expect(refused.summary).toContain('No direct artifact links (listing the run&#39;s artifacts: HTTP 403)');
    expect(refused.summary + refused.stdout).not.toContain(TOKEN);
  });
});

describe('the cluster list', () => {
  const allowed = JSON.stringify(ALL);

  it('keeps the order given', () => {
    expect(checkClusters('["prod-c", "prod-a"]', allowed)).toEqual(['prod-c', 'prod-a']);
  });

  it.each([
    ['prod-a', allowed, /^clusters is not JSON: give a list such as \["prod-east", "prod-west"\]$/],
    ['{"a":1}', allowed, /^clusters must be a JSON list of cluster names/],
    ['[]', allowed, /^clusters is empty/],
    ['["prod-a", "prod-a"]', allowed, /^clusters names prod-a twice$/],
    ['["prod-a", "../x"]', allowed, /^clusters: entry 2 \("\.\.\/x"\) is not a cluster name/],
    ['["prod-a", 7]', allowed, /^clusters: entry 2 \(7\) is not a cluster name/],
    [
      '["prod-a", "Prod-A", "prod-f"]',
      allowed,
      /^not in FLEET_CLUSTERS: Prod-A, prod-f\. Add a cluster there once/,
    ],
    ['["prod-a"]', '', /^the repository variable FLEET_CLUSTERS is not set/],
    ['["prod-a"]', '["prod a"]', /^FLEET_CLUSTERS: entry 1 \("prod a"\) is not a cluster name/],
  ])('refuses %s (allowed %s)', (clusters, allow, message) => {
    expect(() => checkClusters(clusters, allow)).toThrow(FleetInputError);
    expect(() => checkClusters(clusters, allow)).toThrow(message);
  });
});

const execFileAsync = promisify(execFile);

/** Runs dist/fleet.js as the runner does: inputs as INPUT_<NAME>, the step's files in the temp dir. */
async function runFleetBundle(inputs: Record<string, string>, extraEnv: Record<string, string> = {}) {
  const files = { GITHUB_OUTPUT: path.join(dir, 'output'), GITHUB_STEP_SUMMARY: path.join(dir, 'summary') };
  await writeFile(files.GITHUB_OUTPUT, '');
  await writeFile(files.GITHUB_STEP_SUMMARY, '');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    ...files,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_REPOSITORY: 'example/network',
    GITHUB_RUN_ID: RUN_ID,
    ...extraEnv,
  };
  for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.toUpperCase()}`] = v;
  const res = await execFileAsync(nodeBinary(), [path.join(REPO_ROOT, 'dist', 'fleet.js')], {
    env,
    cwd: dir,
  }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => e,
  );
  return {
    ...res,
    output: await readFile(files.GITHUB_OUTPUT, 'utf8'),
    summary: await readFile(files.GITHUB_STEP_SUMMARY, 'utf8'),
  };
}

describe('max-parallel', () => {
  it.each(['1', '256', ''])('accepts %j', (text) => expect(() => checkMaxParallel(text)).not.toThrow());
  it.each(['0', '-1', '1.5', '257', 'two'])('refuses %j', (text) => {
    expect(() => checkMaxParallel(text)).toThrow(
      new FleetInputError(`max-parallel must be a whole number of clusters from 1 to 256, not "${text}"`),
    );
  });
});

describe('dist/fleet.js as the runner runs it', () => {
  const fleet = runFleetBundle;

  it('check: outputs the list as compact JSON', async () => {
    const r = await fleet({
      command: 'check',
      'max-parallel': '2',
      clusters: '[ "prod-b",\n "prod-a" ]',
      'allowed-clusters': JSON.stringify(ALL),
    });
    expect(r.code).toBe(0);
    expect(r.output).toBe('clusters=["prod-b","prod-a"]\n');
    expect(r.stdout).toBe('');
  });

  it('check: a refused list fails the step with one error annotation, no stack trace', async () => {
    const r = await fleet({
      command: 'check',
      clusters: '["prod-a", "prod-z"]',
      'allowed-clusters': JSON.stringify(ALL),
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(
      '::error title=Fleet::not in FLEET_CLUSTERS: prod-z. Add a cluster there once its environments and secrets are set up\n',
    );
    expect(r.stderr).toBe('');
    expect(r.output).toBe('');
  });

  it('check: a max-parallel of 0 fails before any leg', async () => {
    const r = await fleet({
      command: 'check',
      'max-parallel': '0',
      clusters: '["prod-a"]',
      'allowed-clusters': allowedList(),
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(
      '::error title=Fleet::max-parallel must be a whole number of clusters from 1 to 256, not "0"\n',
    );
    expect(r.output).toBe('');
  });

  it('report: reads the downloaded artifacts and writes the table to the job summary', async () => {
    await mkdir(path.join(dir, 'fleet-reports'));
    for (const name of ['plan-prod-a', 'migrate-prod-a', 'plan-prod-c'])
      await cp(
        path.join(FIXTURES, `${name}-${RUN_ID}-1`),
        path.join(dir, 'fleet-reports', `${name}-${RUN_ID}-1`),
        { recursive: true },
      );
    const r = await fleet({
      command: 'report',
      clusters: '["prod-a","prod-c","prod-e"]',
      'allowed-clusters': JSON.stringify(ALL),
      mode: 'migrate',
      'reports-path': 'fleet-reports',
    });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.summary.split('\n')[0]).toBe(
      '## ❌ Fleet migrate: 1/3 clusters on OVN-Kubernetes — 1 failed, refused or cancelled, 1 without a report',
    );
    expect([...rows(r.summary).entries()].map(([k, v]) => [k, v[1]])).toEqual([
      ['prod-a', '✅ migrated'],
      ['prod-c', '⛔ refused (plan)'],
      ['prod-e', '⚪ no report'],
    ]);
    expect(r.summary).toContain(`[artifacts](${RUN_URL}#artifacts)`);
  });

  it('report: an unknown mode fails with its name', async () => {
    const r = await fleet({
      command: 'report',
      clusters: '["prod-a"]',
      'allowed-clusters': allowedList(),
      mode: 'deploy',
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('::error title=Fleet::mode must be plan or migrate, not "deploy"\n');
    expect(r.summary).toBe('');
  });
});

const allowedList = (): string => JSON.stringify(ALL);
