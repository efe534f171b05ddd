// Attacks through the kubeconfig (issue 11, "Kubeconfig risks are visible and contained"):
//  - an http:// server would send the bearer token in clear: refused before anything connects;
//  - insecure-skip-tls-verify lets a man in the middle receive the cluster-admin token: refused in
//    migrate unless allow-insecure-tls, a warning in the plan;
//  - an exec plugin (or an auth-provider's cmd-path) runs a command on the runner: it is named in a
//    warning, gets no INPUT_* variable and none of the runner's tokens, and the token it returns is
//    masked — while the action's own process keeps ACTIONS_RUNTIME_TOKEN for the artifact upload;
//  - every credential in the kubeconfig, YAML or base64, is masked before the first other log line.
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import ssh2 from 'ssh2';
import { parse as parseYaml, stringify } from 'yaml';
import { Cluster } from '../../src/cluster/client.ts';
import { CLUSTER_VERSION } from '../../src/cluster/types.ts';
import { InputError } from '../../src/inputs/input-error.ts';
import { readSettings } from '../../src/inputs/inputs.ts';
import type { Settings } from '../../src/inputs/settings.ts';
import { MemoryLogger } from '../../src/util/log.ts';
import { smallScenario, startHarness, type Harness } from '../helpers/twin-action.ts';
import { startTwin, type Twin } from '../twin/index.ts';

const TOKEN = 'sha256~c2VjdXJpdHktdGVzdC10b2tlbi12YWx1ZQ';
const RUNTIME_TOKEN = 'runtime-token-must-not-reach-plugins';
const ID_TOKEN = 'id-token-request-token-must-not-reach-plugins';

type Obj = Record<string, unknown>;

function kubeconfig(cluster: Obj, user: Obj): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'c', cluster: { server: 'https://api.example.com:6443', ...cluster } }],
    users: [{ name: 'u', user }],
    contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
    'current-context': 'x',
  });
}

let written: string[] = [];
beforeEach(() => {
  for (const name of Object.keys(process.env)) if (name.startsWith('INPUT_')) delete process.env[name];
  written = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
});
afterEach(() => {
  vi.restoreAllMocks();
  for (const name of Object.keys(process.env)) if (name.startsWith('INPUT_')) delete process.env[name];
});

function read(inputs: Record<string, string>): Settings {
  for (const [name, value] of Object.entries(inputs)) process.env[`INPUT_${name.toUpperCase()}`] = value;
  return readSettings();
}

function refusal(inputs: Record<string, string>): InputError {
  try {
    read(inputs);
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return err as InputError;
  }
  throw new Error('expected the inputs to be refused');
}

const unescape = (v: string) => v.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
const masked = () =>
  written.filter((w) => w.startsWith('::add-mask::')).map((w) => unescape(w.slice(12).trimEnd()));
const warnings = () => written.filter((w) => w.startsWith('::warning')).join('');

const asBase64 = (text: string) => Buffer.from(text).toString('base64');
const FORMS = [
  ['YAML', (t: string) => t],
  ['base64', asBase64],
] as const;

describe('refused or warned kubeconfigs', () => {
  it.each(FORMS)('refuses an http:// server (%s), in plan too, before any connection', (_f, form) => {
    const k = kubeconfig({ server: 'http://api.example.com:6443' }, { token: TOKEN });
    for (const mode of ['plan', 'migrate']) {
      const err = refusal({ kubeconfig: form(k), mode });
      expect(err.input).toBe('kubeconfig');
      expect(err.message).toMatch(
        /plain http server http:\/\/api\.example\.com:6443, which would send the token in clear/,
      );
    }
    expect(masked()).toContain(TOKEN);
  });

  it('refuses insecure-skip-tls-verify in migrate unless allow-insecure-tls is true', () => {
    const k = kubeconfig({ 'insecure-skip-tls-verify': true }, { token: TOKEN });
    const base = { kubeconfig: k, mode: 'migrate', 'ssh-host-key-policy': 'accept-new' };
    const err = refusal(base);
    expect(err.input).toBe('kubeconfig');
    expect(err.message).toMatch(
      /insecure-skip-tls-verify: anyone on the network path .* could pose as the API server/,
    );
    expect(err.message).toContain('allow-insecure-tls: true');
  });

  it('accepts insecure-skip-tls-verify with allow-insecure-tls, and warns', () => {
    const k = kubeconfig({ 'insecure-skip-tls-verify': true }, { token: TOKEN });
    const ssh = ssh2.utils.generateKeyPairSync('ed25519').private;
    const s = read({
      kubeconfig: k,
      mode: 'migrate',
      'ssh-private-key': ssh,
      'ssh-host-key-policy': 'accept-new',
      'allow-insecure-tls': 'true',
    });
    expect(s.kubeconfigWarnings).toEqual([
      expect.stringMatching(/insecure-skip-tls-verify.*accepted: allow-insecure-tls is true/),
    ]);
    expect(warnings()).toContain('insecure-skip-tls-verify');
  });

  it('warns in the plan about insecure-skip-tls-verify (never silently accepted)', () => {
    const s = read({ kubeconfig: kubeconfig({ 'insecure-skip-tls-verify': true }, { token: TOKEN }) });
    expect(s.kubeconfigWarnings).toEqual([
      expect.stringMatching(
        /is not verified \(mode migrate refuses this unless allow-insecure-tls is true\)/,
      ),
    ]);
    expect(warnings()).toMatch(/^::warning::kubeconfig cluster "c" sets insecure-skip-tls-verify/);
  });

  it('names exec plugins and auth-providers in a warning, without their arguments', () => {
    const exec = read({
      kubeconfig: kubeconfig(
        {},
        { exec: { command: 'aws', args: ['eks', 'get-token', '--secret-arg-xyz'] } },
      ),
    });
    expect(exec.kubeconfigWarnings).toEqual([
      expect.stringMatching(/user "u" runs the exec plugin "aws" on the runner/),
    ]);
    expect((exec.kubeconfigWarnings ?? []).join()).not.toContain('--secret-arg-xyz');
    const provider = read({
      kubeconfig: kubeconfig(
        {},
        { 'auth-provider': { name: 'gcp', config: { 'cmd-path': '/usr/bin/gcloud' } } },
      ),
    });
    expect(provider.kubeconfigWarnings).toEqual([
      expect.stringMatching(
        /user "u" uses the auth-provider "gcp" and may run "\/usr\/bin\/gcloud" on the runner/,
      ),
    ]);
  });
});

describe('every credential is masked before the first other log line', () => {
  const pem = (label: string, body: string) =>
    `-----BEGIN ${label}-----\n${body.slice(0, 64)}\n${body.slice(64)}\n-----END ${label}-----\n`;
  const KEY_BODY = 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7' + 'k'.repeat(40) + 'QIDAQAB';
  const CERT_BODY = 'MIIDDzCCAfegAwIBAgIIdZjt4Kd9xm0wDQYJKoZIhvcNAQELBQAw' + 'c'.repeat(40) + 'EZMBcGA1UE';
  const cases: [string, Obj, Obj, string[]][] = [
    [
      'a password in the server URL',
      { server: 'https://admin:s3rver-pa55@api.example.com:6443' },
      { token: TOKEN },
      ['s3rver-pa55'],
    ],
    [
      'proxy-url credentials',
      { 'proxy-url': 'http://proxyuser:pr0xy-pa%24%24@proxy.example.com:3128' },
      { token: TOKEN },
      ['pr0xy-pa%24%24', 'pr0xy-pa$$'],
    ],
    [
      'exec args and env values',
      {},
      {
        exec: {
          apiVersion: 'client.authentication.k8s.io/v1',
          command: 'get-token',
          args: ['--client-secret=arg-s3cret-1', 'arg-s3cret-2'],
          env: [
            { name: 'REGION_HINT', value: 'env-s3cret-1' },
            { name: 'PLAIN', value: 'env-s3cret-2' },
          ],
        },
      },
      ['--client-secret=arg-s3cret-1', 'arg-s3cret-2', 'env-s3cret-1', 'env-s3cret-2'],
    ],
    [
      'a username/password user',
      {},
      { username: 'kubeadmin', password: 'kubeadm1n-pa55' },
      ['kubeadm1n-pa55'],
    ],
    [
      'client keys and certificates (and their PEM lines)',
      {},
      {
        'client-certificate-data': asBase64(pem('CERTIFICATE', CERT_BODY)),
        'client-key-data': asBase64(pem('PRIVATE KEY', KEY_BODY)),
      },
      [
        asBase64(pem('CERTIFICATE', CERT_BODY)),
        asBase64(pem('PRIVATE KEY', KEY_BODY)),
        KEY_BODY.slice(0, 64),
        KEY_BODY.slice(64),
        CERT_BODY.slice(0, 64),
      ],
    ],
    [
      'auth-provider secrets',
      {},
      {
        'auth-provider': {
          name: 'oidc',
          config: { 'client-id': 'k8s', 'client-secret': 'oidc-s3cret', 'id-token': 'eyJ.id.tok' },
        },
      },
      ['oidc-s3cret', 'eyJ.id.tok'],
    ],
  ];

  for (const [formName, form] of FORMS)
    it.each(cases)(`${formName}: %s`, (_what, cluster, user, secrets) => {
      const text = kubeconfig(cluster, user);
      // The rejection of a later input must not matter: masking comes first.
      try {
        read({ kubeconfig: form(text), mode: 'deploy' });
      } catch {
        // expected: mode is invalid
      }
      const firstOther = written.findIndex((w) => !w.startsWith('::add-mask::'));
      const before = (firstOther < 0 ? written : written.slice(0, firstOther))
        .filter((w) => w.startsWith('::add-mask::'))
        .map((w) => unescape(w.slice(12).trimEnd()));
      for (const s of secrets) expect(before, `masked: ${s}`).toContain(s);
      expect(masked()).not.toContain('k8s');
    });
});

// A credential plugin: prints an ExecCredential (or the gcp JSON) and writes its environment to a file.
function writePlugin(dir: string, name: string, output: string): { path: string; envFile: string } {
  const envFile = join(dir, `${name}.env.json`);
  const path = join(dir, name);
  writeFileSync(
    path,
    `#!${process.execPath}\nrequire('node:fs').writeFileSync(${JSON.stringify(envFile)}, JSON.stringify(process.env));\nprocess.stdout.write(${JSON.stringify(output)});\n`,
  );
  chmodSync(path, 0o755);
  return { path, envFile };
}

describe('credential plugins run without the inputs and the runner tokens', () => {
  let twin: Twin;
  let dir: string;
  const saved: Record<string, string | undefined> = {};
  beforeAll(async () => {
    twin = await startTwin(smallScenario());
    dir = mkdtempSync(join(tmpdir(), 'plugin-'));
  });
  afterAll(async () => {
    await twin.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    for (const k of [
      'ACTIONS_RUNTIME_TOKEN',
      'ACTIONS_ID_TOKEN_REQUEST_TOKEN',
      'ACTIONS_ID_TOKEN_REQUEST_URL',
    ])
      saved[k] = process.env[k];
    process.env.ACTIONS_RUNTIME_TOKEN = RUNTIME_TOKEN;
    process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN = ID_TOKEN;
    process.env.ACTIONS_ID_TOKEN_REQUEST_URL = 'https://token.example/request';
    process.env.INPUT_KUBECONFIG = 'the whole kubeconfig input';
    process.env['INPUT_SSH-PRIVATE-KEY'] = 'the ssh key input';
  });
  afterEach(() => {
    for (const [k, v] of Object.entries(saved))
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
  });

  function twinKubeconfig(user: Obj): string {
    const k = parseYaml(twin.kubeconfig) as { users: { user: Obj }[] };
    k.users[0]!.user = user;
    return stringify(k);
  }

  function expectContained(envFile: string): void {
    const env = JSON.parse(readFileSync(envFile, 'utf8')) as Record<string, string>;
    expect(Object.keys(env).filter((k) => k.startsWith('INPUT_'))).toEqual([]);
    expect(env.ACTIONS_RUNTIME_TOKEN).toBeUndefined();
    expect(env.ACTIONS_ID_TOKEN_REQUEST_TOKEN).toBeUndefined();
    expect(env.ACTIONS_ID_TOKEN_REQUEST_URL).toBeUndefined();
    expect(env.PATH).toBe(process.env.PATH);
    // This process keeps what the artifact upload needs later in the run.
    expect(process.env.ACTIONS_RUNTIME_TOKEN).toBe(RUNTIME_TOKEN);
    expect(process.env.INPUT_KUBECONFIG).toBe('the whole kubeconfig input');
  }

  const execCredential = (token: string) =>
    JSON.stringify({
      apiVersion: 'client.authentication.k8s.io/v1',
      kind: 'ExecCredential',
      status: { token },
    });

  it.each([
    ['without env entries (the plugin inherits the environment)', undefined],
    ['with env entries (client-node copies process.env)', [{ name: 'PLUGIN_MODE', value: 'test' }]],
  ])('exec plugin %s', async (_what, env) => {
    const plugin = writePlugin(dir, `exec-${env ? 'env' : 'plain'}`, execCredential(twin.adminToken));
    const cluster = Cluster.fromKubeconfig(
      twinKubeconfig({
        exec: {
          apiVersion: 'client.authentication.k8s.io/v1',
          command: plugin.path,
          ...(env ? { env } : {}),
        },
      }),
      undefined,
      new MemoryLogger(),
    );
    const cv = await cluster.get(CLUSTER_VERSION);
    expect(cv?.metadata.name).toBe('version');
    expectContained(plugin.envFile);
    if (env) expect(JSON.parse(readFileSync(plugin.envFile, 'utf8')).PLUGIN_MODE).toBe('test');
    // The token the plugin returned is masked before a request carried it.
    expect(masked()).toContain(twin.adminToken);
  });

  it('a password in the server URL never reaches the shown API URL', async () => {
    const k = parseYaml(twin.kubeconfig) as { clusters: { cluster: { server: string } }[] };
    k.clusters[0]!.cluster.server = twin.apiUrl.replace('https://', 'https://admin:url-pa55word@');
    const cluster = Cluster.fromKubeconfig(stringify(k), undefined, new MemoryLogger());
    expect(cluster.server).toBe(twin.apiUrl);
    expect((await cluster.get(CLUSTER_VERSION))?.metadata.name).toBe('version');
  });

  it('auth-provider gcp with cmd-path', async () => {
    const plugin = writePlugin(
      dir,
      'gcloud',
      JSON.stringify({ credential: { access_token: twin.adminToken, token_expiry: '2999-01-01T00:00:00Z' } }),
    );
    const cluster = Cluster.fromKubeconfig(
      twinKubeconfig({
        'auth-provider': {
          name: 'gcp',
          config: {
            'cmd-path': plugin.path,
            'cmd-args': 'config config-helper --format=json',
            'token-key': '{.credential.access_token}',
            'expiry-key': '{.credential.token_expiry}',
          },
        },
      }),
      undefined,
      new MemoryLogger(),
    );
    expect((await cluster.get(CLUSTER_VERSION))?.metadata.name).toBe('version');
    expectContained(plugin.envFile);
    expect(masked()).toContain(twin.adminToken);
  });
});

describe('the bundled action with an exec plugin', () => {
  let h: Harness;
  let dir: string;
  beforeAll(async () => {
    h = await startHarness(smallScenario());
    dir = mkdtempSync(join(tmpdir(), 'plugin-e2e-'));
  });
  afterAll(async () => {
    await h.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('plans with the plugin: no inputs or runner tokens in its environment, token masked, artifact uploaded', async () => {
    const plugin = writePlugin(
      dir,
      'exec-e2e',
      JSON.stringify({
        apiVersion: 'client.authentication.k8s.io/v1',
        kind: 'ExecCredential',
        status: { token: h.twin.adminToken },
      }),
    );
    const k = parseYaml(h.twin.kubeconfig) as { users: { user: Obj }[] };
    k.users[0]!.user = { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: plugin.path } };
    const run = await h.run(
      { kubeconfig: stringify(k), mode: 'plan' },
      { env: { ACTIONS_ID_TOKEN_REQUEST_TOKEN: ID_TOKEN } },
    );
    expect(run.outputs.result).toBe('planned');
    const env = JSON.parse(readFileSync(plugin.envFile, 'utf8')) as Record<string, string>;
    expect(Object.keys(env).filter((k) => k.startsWith('INPUT_'))).toEqual([]);
    expect(env.ACTIONS_RUNTIME_TOKEN).toBeUndefined();
    expect(env.ACTIONS_ID_TOKEN_REQUEST_TOKEN).toBeUndefined();
    expect(run.env.ACTIONS_RUNTIME_TOKEN).toBeTruthy();
    expect(run.masked).toContain(h.twin.adminToken);
    expect(run.stdout).toMatch(/::warning::kubeconfig user "[^"]+" runs the exec plugin/);
    expect(run.summary).toContain('runs the exec plugin');
    // ACTIONS_RUNTIME_TOKEN was still there for the upload.
    expect(run.outputs['artifact-id']).toMatch(/^\d+$/);
    expect(h.results.artifacts.length).toBeGreaterThan(0);
  });
});
