// Drives the local results service with the real @actions/artifact client in a child process, the way
// the bundled action runs under the GitHub runner.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startResultsService, type ResultsService } from './results-service.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

// Runs `body` (an async function body given `client`, a DefaultArtifactClient, and `args`) in a child
// Node with --input-type=module and cwd at the repository root, so the bare specifier resolves from the
// project's node_modules. The child prints one line: what `body` returned, or the rejection message.
function runWithArtifactClient<T>(
  service: ResultsService,
  body: string,
  args: unknown,
  extraEnv: Record<string, string> = {},
): Promise<{ ok: true; value: T } | { ok: false; message: string }> {
  const script = `
import { DefaultArtifactClient } from '@actions/artifact';
const client = new DefaultArtifactClient();
const args = JSON.parse(process.env.SCRIPT_ARGS);
try {
  const value = await (async () => { ${body} })();
  console.log('RESULT ' + JSON.stringify({ ok: true, value }));
} catch (error) {
  console.log('RESULT ' + JSON.stringify({ ok: false, message: String(error && error.message) }));
}
`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      cwd: repoRoot,
      // Only what the runner would give plus the service's variables: nothing leaks from the test's env.
      env: {
        PATH: process.env['PATH'] ?? '',
        HOME: process.env['HOME'] ?? tmpdir(),
        ...service.env,
        ...extraEnv,
        SCRIPT_ARGS: JSON.stringify(args),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
      if (code !== 0 || !line) {
        reject(new Error(`artifact script exited ${code}\nstdout:\n${stdout}\nstderr:\n${stderr}`));
        return;
      }
      resolve(
        JSON.parse(line.slice('RESULT '.length)) as { ok: true; value: T } | { ok: false; message: string },
      );
    });
  });
}

interface UploadOutcome {
  ok: boolean;
  id?: number;
  size?: number;
  digest?: string;
  message?: string;
}

async function upload(
  service: ResultsService,
  args: { name: string; files: string[]; rootDir: string; retentionDays?: number },
): Promise<UploadOutcome> {
  const outcome = await runWithArtifactClient<{ id: number; size: number; digest: string }>(
    service,
    'return await client.uploadArtifact(args.name, args.files, args.rootDir, { retentionDays: args.retentionDays });',
    args,
  );
  return outcome.ok ? { ok: true, ...outcome.value } : outcome;
}

describe('local artifact results service', () => {
  let service: ResultsService;
  let dir: string;

  beforeEach(async () => {
    service = await startResultsService();
    dir = await mkdtemp(path.join(tmpdir(), 'results-service-'));
  });

  afterEach(async () => {
    await service.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('runs the child on Node 24 or later, as the action does', () => {
    expect(Number(process.versions.node.split('.')[0])).toBeGreaterThanOrEqual(24);
  });

  it('gives the child a results URL, an unsigned JWT with the Actions.Results scope, and github.com', () => {
    expect(service.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(service.env['ACTIONS_RESULTS_URL']).toBe(service.url);
    expect(service.env['ACTIONS_RUNTIME_TOKEN']).toBe(service.runtimeToken);
    expect(service.env['GITHUB_SERVER_URL']).toBe('https://github.com');
    const payload = JSON.parse(Buffer.from(service.runtimeToken.split('.')[1]!, 'base64url').toString()) as {
      scp: string;
    };
    expect(payload.scp.split(' ')).toContain(
      `Actions.Results:${service.workflowRunBackendId}:${service.workflowJobRunBackendId}`,
    );
  });

  it('stores an artifact uploaded by @actions/artifact with its name, id, retention and files', async () => {
    const text = Buffer.from('hello from the migration report\n');
    const binary = randomBytes(200_000); // incompressible: the zip holds it nearly as is
    await mkdir(path.join(dir, 'nested'));
    await writeFile(path.join(dir, 'report.md'), text);
    await writeFile(path.join(dir, 'nested', 'data.bin'), binary);

    const outcome = await upload(service, {
      name: 'migration-report',
      files: [path.join(dir, 'report.md'), path.join(dir, 'nested', 'data.bin')],
      rootDir: dir,
      retentionDays: 7,
    });

    expect(outcome.message).toBeUndefined();
    expect(outcome.ok).toBe(true);
    expect(service.artifacts).toHaveLength(1);
    const artifact = service.artifacts[0]!;
    expect(artifact.name).toBe('migration-report');
    expect(artifact.id).toBe(outcome.id);
    expect(artifact.finalized).toBe(true);
    expect(artifact.retentionDays).toBe(7);
    expect(artifact.mimeType).toBe('application/zip');
    expect(artifact.size).toBe(outcome.size);
    expect(artifact.zip.length).toBe(artifact.size);
    expect(artifact.digest).toBe(`sha256:${outcome.digest}`);
    expect([...artifact.files.keys()].sort()).toEqual(['nested/data.bin', 'report.md']);
    expect(artifact.files.get('report.md')!.equals(text)).toBe(true);
    expect(artifact.files.get('nested/data.bin')!.equals(binary)).toBe(true);

    // It went through the protocol the library speaks: Twirp create, blob blocks + block list, finalize.
    const kinds = service.requests.map((r) => `${r.kind} ${r.status}`);
    expect(kinds[0]).toBe('CreateArtifact 200');
    expect(kinds.at(-1)).toBe('FinalizeArtifact 200');
    expect(kinds.filter((k) => k === 'blob 201').length).toBeGreaterThanOrEqual(2);
  });

  it('reassembles a zip staged in several blocks in block-list order', async () => {
    // The library stages 8 MiB blocks; an incompressible 9 MiB file makes at least two.
    const big = randomBytes(9 * 1024 * 1024);
    await writeFile(path.join(dir, 'big.bin'), big);
    const outcome = await upload(service, { name: 'big', files: [path.join(dir, 'big.bin')], rootDir: dir });
    expect(outcome.message).toBeUndefined();
    const blobPuts = service.requests.filter((r) => r.kind === 'blob' && r.status === 201);
    expect(blobPuts.length).toBeGreaterThanOrEqual(3); // >= 2 blocks + the block list
    const artifact = service.artifacts[0]!;
    expect(artifact.size).toBe(outcome.size);
    expect(artifact.files.get('big.bin')!.equals(big)).toBe(true);
  });

  it('gives each artifact its own id and refuses a second artifact of the same name', async () => {
    await writeFile(path.join(dir, 'a.txt'), 'a');
    const files = [path.join(dir, 'a.txt')];
    const first = await upload(service, { name: 'one', files, rootDir: dir });
    const second = await upload(service, { name: 'two', files, rootDir: dir });
    expect(first.ok && second.ok).toBe(true);
    expect(first.id).not.toBe(second.id);
    expect(service.artifacts.map((a) => [a.name, a.id, a.retentionDays])).toEqual([
      ['one', first.id, undefined],
      ['two', second.id, undefined],
    ]);

    const again = await upload(service, { name: 'one', files, rootDir: dir });
    expect(again.ok).toBe(false);
    expect(again.message).toMatch(/already exists/);
  });

  it('serves list, get, download (signed URL + blob GET) and delete to the library', async () => {
    await writeFile(path.join(dir, 'x.txt'), 'downloaded back');
    const up = await upload(service, { name: 'round-trip', files: [path.join(dir, 'x.txt')], rootDir: dir });
    expect(up.ok).toBe(true);
    const out = path.join(dir, 'out');
    await mkdir(out);
    const outcome = await runWithArtifactClient<{
      listed: Array<{ name: string; id: number; size: number }>;
      got: { name: string; id: number };
      downloaded: string;
      deleted: number;
    }>(
      service,
      `const listed = (await client.listArtifacts()).artifacts.map((a) => ({ name: a.name, id: a.id, size: a.size }));
       const got = (await client.getArtifact('round-trip')).artifact;
       await client.downloadArtifact(args.id, { path: args.out });
       const { readFile } = await import('node:fs/promises');
       const downloaded = await readFile(args.out + '/x.txt', 'utf8');
       const deleted = (await client.deleteArtifact('round-trip')).id;
       return { listed, got: { name: got.name, id: got.id }, downloaded, deleted };`,
      { id: up.id, out },
      { GITHUB_WORKSPACE: dir },
    );
    expect(outcome).toEqual({
      ok: true,
      value: {
        listed: [{ name: 'round-trip', id: up.id, size: up.size }],
        got: { name: 'round-trip', id: up.id },
        downloaded: 'downloaded back',
        deleted: up.id,
      },
    });
    expect(service.artifacts).toHaveLength(0);
    expect(service.requests.some((r) => r.method === 'GET' && r.kind === 'blob' && r.status === 200)).toBe(
      true,
    );
  });

  it('makes uploadArtifact reject when the next request fails, then works again', async () => {
    await writeFile(path.join(dir, 'a.txt'), 'a');
    const files = [path.join(dir, 'a.txt')];

    service.failNext(1);
    const failed = await upload(service, { name: 'fails', files, rootDir: dir });
    expect(failed.ok).toBe(false);
    expect(failed.message).toMatch(/CreateArtifact.*403/);
    expect(service.artifacts).toHaveLength(0);

    const ok = await upload(service, { name: 'fails', files, rootDir: dir });
    expect(ok.ok).toBe(true);
    expect(service.artifacts.map((a) => [a.name, a.finalized])).toEqual([['fails', true]]);
  });

  it('makes uploadArtifact reject when only the blob upload fails, leaving the artifact unfinalized', async () => {
    await writeFile(path.join(dir, 'a.txt'), 'a');
    service.failNext(1, 403, 'blob');
    const failed = await upload(service, {
      name: 'blob-fails',
      files: [path.join(dir, 'a.txt')],
      rootDir: dir,
    });
    expect(failed.ok).toBe(false);
    expect(service.artifacts.map((a) => [a.name, a.finalized, a.files.size])).toEqual([
      ['blob-fails', false, 0],
    ]);
    expect(service.requests.map((r) => r.kind)).not.toContain('FinalizeArtifact');
  });
});
