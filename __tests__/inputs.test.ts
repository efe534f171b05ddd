// readSettings() driven through INPUT_* variables, as the runner sets them. Nothing is mocked; stdout
// is observed to see which values were registered with ::add-mask:: and in what order.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { stringify } from 'yaml';
import { InputError } from '../src/inputs/input-error.ts';
import { INPUT_NAMES, readSettings } from '../src/inputs/inputs.ts';
import type { Settings } from '../src/inputs/settings.ts';

const TOKEN = 'sha256~Zm9vYmFyYmF6cXV4LXRoaXMtaXMtYS10b2tlbg';
const KEY_DATA =
  'LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0tCk1JSUV2Z0lCQURBTkJna3Foa2lHOXcwQkFRRUZBQVNDQktnd2dnU2tBZ0VBQW9JQkFRQ3gK';
const CERT_DATA =
  'LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUREekNDQWZlZ0F3SUJBZ0lJZFpqdDRLZDl4bTB3RFFZSktvWklodmNOQVFFTEJRQXcK';
const PASSWORD = 'kubeadmin-P4ssw0rd-XyZ12';
const PASSPHRASE = 'correct horse battery staple';

function kubeconfigObject(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      { name: 'prod', cluster: { server: 'https://api.prod.example.com:6443' } },
      { name: 'lab', cluster: { server: 'https://api.lab.example.com:6443' } },
    ],
    users: [
      { name: 'admin', user: { token: TOKEN } },
      { name: 'cert', user: { 'client-certificate-data': CERT_DATA, 'client-key-data': KEY_DATA } },
      { name: 'basic', user: { username: 'kubeadmin', password: PASSWORD } },
    ],
    contexts: [
      { name: 'prod-admin', context: { cluster: 'prod', user: 'admin' } },
      { name: 'lab-cert', context: { cluster: 'lab', user: 'cert' } },
    ],
    'current-context': 'prod-admin',
    ...overrides,
  };
}
const KUBECONFIG = stringify(kubeconfigObject()).trim();

const ed25519 = ssh2.utils.generateKeyPairSync('ed25519');
const encrypted = ssh2.utils.generateKeyPairSync('ed25519', {
  passphrase: PASSPHRASE,
  cipher: 'aes256-ctr',
  rounds: 4,
});
const rsaPem = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  publicKeyEncoding: { type: 'pkcs1', format: 'pem' },
}).privateKey;
const hostKey = ssh2.utils.generateKeyPairSync('ecdsa', { bits: 256 });
const ecdsaLine = hostKey.public.trim(); // "ecdsa-sha2-nistp256 AAAA... comment"
const ed25519Public = ed25519.public.trim().split(' ').slice(0, 2).join(' ');

/** Every secret in the fixtures; none may appear in an error message. */
const SECRETS = [
  TOKEN,
  KEY_DATA,
  CERT_DATA,
  PASSWORD,
  PASSPHRASE,
  ed25519.private,
  encrypted.private,
  rsaPem,
];
const SECRET_FRAGMENTS = SECRETS.flatMap((s) =>
  s
    .split('\n')
    .filter((l) => l.length >= 16 && !l.startsWith('-----'))
    .map((l) => l.slice(0, 16)),
);

let written: string[] = [];

beforeEach(() => {
  for (const name of Object.keys(process.env)) if (name.startsWith('INPUT_')) delete process.env[name];
  process.env.GITHUB_RUN_ID = '123456';
  process.env.GITHUB_RUN_ATTEMPT = '2';
  written = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
});

afterEach(() => {
  vi.restoreAllMocks();
});

function setInputs(inputs: Record<string, string>): void {
  for (const [name, value] of Object.entries(inputs)) process.env[`INPUT_${name.toUpperCase()}`] = value;
}

function settings(inputs: Record<string, string> = {}): Settings {
  setInputs({ kubeconfig: KUBECONFIG, ...inputs });
  return readSettings();
}

/** Runs readSettings expecting an InputError; checks it names `input` and leaks no secret. */
function rejection(inputs: Record<string, string>, input: string): string {
  setInputs({ kubeconfig: KUBECONFIG, ...inputs });
  let error: unknown;
  try {
    readSettings();
  } catch (err) {
    error = err;
  }
  expect(error, `expected input "${input}" to be rejected`).toBeInstanceOf(InputError);
  const e = error as InputError;
  expect(e.input).toBe(input);
  expect(e.message).toContain(`"${input}"`);
  expect(e.message).toMatch(/Accepted: /);
  for (const fragment of SECRET_FRAGMENTS) expect(e.message).not.toContain(fragment);
  return e.message;
}

const masked = (): string[] =>
  written
    .filter((w) => w.startsWith('::add-mask::'))
    .map((w) =>
      w
        .slice('::add-mask::'.length)
        .trimEnd()
        .replace(/%0D/g, '\r')
        .replace(/%0A/g, '\n')
        .replace(/%25/g, '%'),
    );

describe('defaults', () => {
  it('fills every optional setting from its default when only kubeconfig is given', () => {
    const s = settings();
    expect(s).toEqual({
      kubeconfig: KUBECONFIG,
      mode: 'plan',
      strategy: 'auto',
      nodeAccess: { kind: 'api', requested: 'auto', why: 'node-access: auto, and no ssh-private-key is set' },
      ssh: { user: 'core', port: 22, hostKeyPolicy: 'strict' },
      allowInsecureTls: false,
      kubeconfigWarnings: [],
      waitTimeoutMs: 90 * 60_000,
      operatorsStableIntervalMs: 30_000,
      rebootTimeoutMs: 20 * 60_000,
      maxParallelReboots: 0,
      migrationFeatures: { egressIP: true, egressFirewall: true, multicast: true },
      cleanup: true,
      etcdBackup: true,
      artifactName: 'sdn-to-ovn-123456-2',
    } satisfies Settings);
  });

  it('accepts the defaults exactly as action.yml spells them', () => {
    const s = settings({
      mode: 'plan',
      'ssh-user': 'core',
      'ssh-port': '22',
      'wait-timeout': '90m',
      'reboot-timeout': '20m',
      'max-parallel-reboots': '0',
      cleanup: 'true',
      'etcd-backup': 'true',
      'ssh-host-key-policy': 'strict',
      'allow-insecure-tls': 'false',
    });
    expect(s.waitTimeoutMs).toBe(5_400_000);
    expect(s.cleanup).toBe(true);
    expect(s.etcdBackup).toBe(true);
  });

  it('lists every input it reads', () => {
    expect(INPUT_NAMES).toContain('kubeconfig');
    expect(new Set(INPUT_NAMES).size).toBe(INPUT_NAMES.length);
  });
});

describe('kubeconfig', () => {
  it('is required', () => {
    delete process.env.INPUT_KUBECONFIG;
    let message = '';
    try {
      readSettings();
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/^Input "kubeconfig": is required but empty/);
  });

  it('rejects whitespace only', () => {
    expect(rejection({ kubeconfig: '   \n ' }, 'kubeconfig')).toMatch(/required but empty|is empty/);
  });

  it('accepts YAML', () => {
    expect(settings().kubeconfig).toBe(KUBECONFIG);
  });

  it('accepts base64 of the YAML, with line wrapping, and decodes it', () => {
    const b64 = Buffer.from(KUBECONFIG)
      .toString('base64')
      .replace(/(.{76})/g, '$1\n');
    expect(settings({ kubeconfig: b64 }).kubeconfig).toBe(KUBECONFIG);
  });

  it('says when base64 does not decode to a kubeconfig', () => {
    const msg = rejection(
      { kubeconfig: Buffer.from('hello world, not yaml').toString('base64') },
      'kubeconfig',
    );
    expect(msg).toMatch(/looks like base64 but does not decode to a kubeconfig/);
  });

  it('reports a YAML syntax error by position without quoting the line (it may hold a token)', () => {
    const broken = KUBECONFIG.replace(`token: ${TOKEN}`, `token: ${TOKEN}: oops`);
    const msg = rejection({ kubeconfig: broken }, 'kubeconfig');
    expect(msg).toMatch(/YAML syntax error \w+ at line \d+, column \d+/);
  });

  it.each([
    ['clusters', { clusters: [] }],
    ['users', { users: undefined }],
    ['contexts', { contexts: 'none' }],
  ])('requires a non-empty "%s" list', (section, override) => {
    const msg = rejection({ kubeconfig: stringify(kubeconfigObject(override)) }, 'kubeconfig');
    expect(msg).toContain(`has no "${section}" list`);
  });

  it('rejects a document that is not a mapping', () => {
    expect(rejection({ kubeconfig: '- a\n- b\n' }, 'kubeconfig')).toMatch(/not a YAML mapping/);
  });

  it('rejects an entry without a name or without its inner mapping', () => {
    expect(
      rejection(
        { kubeconfig: stringify(kubeconfigObject({ users: [{ user: { token: TOKEN } }] })) },
        'kubeconfig',
      ),
    ).toMatch(/users\[0\] has no name/);
    expect(
      rejection({ kubeconfig: stringify(kubeconfigObject({ clusters: [{ name: 'prod' }] })) }, 'kubeconfig'),
    ).toMatch(/clusters\[0\] \("prod"\) has no "cluster" mapping/);
  });

  it('rejects a cluster without a server URL', () => {
    const k = kubeconfigObject({ clusters: [{ name: 'prod', cluster: { server: 'api.prod:6443' } }] });
    expect(rejection({ kubeconfig: stringify(k) }, 'kubeconfig')).toMatch(/cluster "prod" has no server URL/);
  });

  it('rejects a context that refers to a missing cluster or user', () => {
    const c = kubeconfigObject({ contexts: [{ name: 'x', context: { cluster: 'nope', user: 'admin' } }] });
    expect(rejection({ kubeconfig: stringify(c) }, 'kubeconfig')).toMatch(/refers to cluster "nope"/);
    const u = kubeconfigObject({ contexts: [{ name: 'x', context: { cluster: 'prod', user: 'nobody' } }] });
    expect(rejection({ kubeconfig: stringify(u) }, 'kubeconfig')).toMatch(/refers to user "nobody"/);
  });
});

describe('masking', () => {
  it('masks the kubeconfig and every credential in it, and only masks (logs nothing else)', () => {
    settings();
    const m = masked();
    for (const secret of [KUBECONFIG.trim(), TOKEN, KEY_DATA, CERT_DATA, PASSWORD])
      expect(m).toContain(secret);
    expect(written.every((w) => w.startsWith('::add-mask::'))).toBe(true);
  });

  it('masks the base64 input and the YAML it decodes to', () => {
    const b64 = Buffer.from(KUBECONFIG).toString('base64');
    settings({ kubeconfig: b64 });
    expect(masked()).toEqual(expect.arrayContaining([b64, KUBECONFIG, TOKEN]));
  });

  it('masks the SSH key (whole and line by line) and the passphrase', () => {
    settings({ 'ssh-private-key': encrypted.private, 'ssh-passphrase': PASSPHRASE });
    const m = masked();
    expect(m).toContain(encrypted.private.trim());
    expect(m).toContain(PASSPHRASE);
    const body = encrypted.private.split('\n').filter((l) => l && !l.startsWith('-----'));
    for (const line of body) expect(m).toContain(line);
  });

  it('masks credentials before a later input is rejected', () => {
    rejection({ 'ssh-private-key': ed25519.private, 'ssh-passphrase': PASSPHRASE, mode: 'deploy' }, 'mode');
    expect(masked()).toEqual(expect.arrayContaining([TOKEN, PASSWORD, PASSPHRASE, ed25519.private.trim()]));
  });

  it('masks the credentials it can find even when the kubeconfig is later rejected', () => {
    const k = kubeconfigObject({ contexts: [{ name: 'x', context: { cluster: 'nope', user: 'admin' } }] });
    rejection({ kubeconfig: stringify(k) }, 'kubeconfig');
    expect(masked()).toContain(TOKEN);
  });

  it('masks auth-provider tokens and secret-looking exec env values', () => {
    const k = kubeconfigObject({
      users: [
        {
          name: 'admin',
          user: {
            'auth-provider': {
              name: 'oidc',
              config: { 'id-token': 'eyJhbGciOi.idtoken', 'refresh-token': 'refresh-xyz' },
            },
          },
        },
        {
          name: 'cert',
          user: {
            exec: {
              command: 'get-token',
              env: [
                { name: 'API_TOKEN', value: 'exec-secret-1' },
                { name: 'REGION', value: 'eu' },
              ],
            },
          },
        },
      ],
    });
    settings({ kubeconfig: stringify(k) });
    const m = masked();
    expect(m).toEqual(expect.arrayContaining(['eyJhbGciOi.idtoken', 'refresh-xyz', 'exec-secret-1']));
    expect(m).not.toContain('eu');
  });
});

describe('context', () => {
  it('empty means the current-context', () => {
    expect(settings().context).toBeUndefined();
  });

  it('accepts a context that exists', () => {
    expect(settings({ context: 'lab-cert' }).context).toBe('lab-cert');
  });

  it('rejects a context that does not exist and lists the available ones', () => {
    const msg = rejection({ context: 'staging' }, 'context');
    expect(msg).toContain('"staging" is not a context');
    expect(msg).toContain('"prod-admin", "lab-cert"');
  });

  it('requires a name when the kubeconfig has no current-context', () => {
    const k = stringify(kubeconfigObject({ 'current-context': undefined }));
    expect(rejection({ kubeconfig: k }, 'context')).toMatch(/no current-context.*"prod-admin", "lab-cert"/);
    expect(settings({ kubeconfig: k, context: 'prod-admin' }).context).toBe('prod-admin');
  });

  it('rejects a current-context that names no context', () => {
    const k = stringify(kubeconfigObject({ 'current-context': 'gone' }));
    expect(rejection({ kubeconfig: k }, 'context')).toMatch(
      /current-context "gone" is not one of its contexts/,
    );
  });
});

describe('mode', () => {
  it('accepts plan and migrate', () => {
    expect(settings({ mode: 'plan' }).mode).toBe('plan');
    expect(
      settings({ mode: 'migrate', 'ssh-private-key': ed25519.private, 'ssh-known-hosts': ed25519Line() })
        .mode,
    ).toBe('migrate');
  });

  it.each(['deploy', 'Migrate', 'Rollback', 'plan_rollback'])('rejects %j', (mode) => {
    expect(rejection({ mode }, 'mode')).toMatch(/is not a mode.*plan .*migrate .*plan-rollback .*rollback/);
  });

  it('migrate with node-access: ssh requires ssh-private-key', () => {
    expect(rejection({ mode: 'migrate', 'node-access': 'ssh' }, 'ssh-private-key')).toMatch(
      /empty but mode "migrate" reboots every node over SSH \(node-access: ssh; node-access: api needs no key\)/,
    );
  });

  it('migrate without a key in auto reaches the nodes through the API, without ssh-known-hosts', () => {
    const s = settings({ mode: 'migrate' });
    expect(s.nodeAccess).toEqual({
      kind: 'api',
      requested: 'auto',
      why: 'node-access: auto, and no ssh-private-key is set',
    });
    expect(s.ssh.privateKey).toBeUndefined();
  });

  it('node-access: auto with a key is ssh; api with a key stays api; anything else is refused', () => {
    expect(settings({ 'ssh-private-key': ed25519.private }).nodeAccess?.kind).toBe('ssh');
    expect(settings({ 'ssh-private-key': ed25519.private, 'node-access': 'api' }).nodeAccess?.kind).toBe(
      'api',
    );
    expect(rejection({ 'node-access': 'kubelet' }, 'node-access')).toMatch(
      /is not a node access.*ssh .*api .*auto/,
    );
  });
});

describe('ssh-private-key and ssh-passphrase', () => {
  it('accepts an unencrypted OpenSSH key', () => {
    expect(settings({ 'ssh-private-key': ed25519.private }).ssh.privateKey).toBe(
      ed25519.private.trim() + '\n',
    );
  });

  it('accepts a PEM RSA key', () => {
    expect(settings({ 'ssh-private-key': rsaPem }).ssh.privateKey).toContain('BEGIN RSA PRIVATE KEY');
  });

  it('accepts a key pasted with CRLF line ends', () => {
    const crlf = ed25519.private.replace(/\n/g, '\r\n');
    expect(settings({ 'ssh-private-key': crlf }).ssh.privateKey).toBe(ed25519.private.trim() + '\n');
  });

  it('accepts an encrypted key with its passphrase', () => {
    const s = settings({ 'ssh-private-key': encrypted.private, 'ssh-passphrase': PASSPHRASE });
    expect(s.ssh.passphrase).toBe(PASSPHRASE);
    expect(s.ssh.privateKey).toContain('OPENSSH PRIVATE KEY');
  });

  it('an encrypted key without passphrase is the passphrase input at fault', () => {
    expect(rejection({ 'ssh-private-key': encrypted.private }, 'ssh-passphrase')).toMatch(
      /empty but ssh-private-key is encrypted/,
    );
  });

  it('an encrypted key with a wrong passphrase is the passphrase input at fault', () => {
    const msg = rejection(
      { 'ssh-private-key': encrypted.private, 'ssh-passphrase': 'wrong passphrase 123' },
      'ssh-passphrase',
    );
    expect(msg).toMatch(/does not decrypt/);
    expect(msg).not.toContain('wrong passphrase 123');
  });

  it('an encrypted PEM key without passphrase names ssh-passphrase', () => {
    const pem = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs1', format: 'pem', cipher: 'aes-256-cbc', passphrase: PASSPHRASE },
      publicKeyEncoding: { type: 'pkcs1', format: 'pem' },
    }).privateKey;
    rejection({ 'ssh-private-key': pem }, 'ssh-passphrase');
    expect(settings({ 'ssh-private-key': pem, 'ssh-passphrase': PASSPHRASE }).ssh.privateKey).toContain(
      'ENCRYPTED',
    );
  });

  it.each([
    ['text that is not a key', 'not a key at all'],
    ['a truncated key', ed25519.private.slice(0, 120)],
  ])('rejects %s', (_what, key) => {
    expect(rejection({ 'ssh-private-key': key }, 'ssh-private-key')).toMatch(
      /not a private key that can be read/,
    );
  });

  it('rejects a public key', () => {
    expect(rejection({ 'ssh-private-key': ed25519.public }, 'ssh-private-key')).toMatch(/is a public key/);
  });
});

describe('ssh-user and ssh-port', () => {
  it('accepts a user and a port', () => {
    expect(settings({ 'ssh-user': 'cloud-user', 'ssh-port': '2222' }).ssh).toMatchObject({
      user: 'cloud-user',
      port: 2222,
    });
  });

  it('rejects a user with spaces', () => {
    expect(rejection({ 'ssh-user': 'core admin' }, 'ssh-user')).toMatch(/contains whitespace/);
  });

  it.each(['0', '65536', 'ssh', '22.5', '-1'])('rejects port %j', (port) => {
    expect(rejection({ 'ssh-port': port }, 'ssh-port')).toMatch(/1 to 65535/);
  });

  it('accepts the port bounds', () => {
    expect(settings({ 'ssh-port': '1' }).ssh.port).toBe(1);
    expect(settings({ 'ssh-port': '65535' }).ssh.port).toBe(65535);
  });
});

describe('ssh-bastion', () => {
  it.each([
    ['bastion.example.com', { host: 'bastion.example.com', port: 22 }],
    ['jump@bastion.example.com:2222', { user: 'jump', host: 'bastion.example.com', port: 2222 }],
    ['10.0.0.5', { host: '10.0.0.5', port: 22 }],
    ['10.0.0.5:22', { host: '10.0.0.5', port: 22 }],
    ['[fd00::1]:2200', { host: 'fd00::1', port: 2200 }],
    ['core@[2001:db8::7]', { user: 'core', host: '2001:db8::7', port: 22 }],
  ])('parses %j', (text, expected) => {
    expect(settings({ 'ssh-bastion': text }).ssh.bastion).toEqual(expected);
  });

  it.each([
    ['fd00::1', /IPv6 address without brackets/],
    ['[fd00::1', /without closing/],
    ['[fd00::1]2200', /after the bracketed address/],
    ['[not-ipv6]', /not an IPv6 address/],
    ['bastion:0', /1 to 65535/],
    ['bastion:70000', /1 to 65535/],
    ['bastion:ssh', /1 to 65535/],
    ['@bastion', /user part/],
    ['bad host!', /not a host name/],
    ['bastion_1.example', /not a host name/],
    ['user@:22', /has no host/],
  ])('rejects %j', (text, message) => {
    expect(rejection({ 'ssh-bastion': text }, 'ssh-bastion')).toMatch(message);
  });
});

/** A known_hosts line for one node (any valid key will do for input checks). */
const ed25519Line = (): string => `10.0.0.10 ${ed25519Public}`;

describe('ssh-host-key-policy', () => {
  const migrate = { mode: 'migrate', 'ssh-private-key': ed25519.private };

  it('is strict by default and accepts accept-new', () => {
    expect(settings().ssh.hostKeyPolicy).toBe('strict');
    expect(settings({ 'ssh-host-key-policy': 'accept-new' }).ssh.hostKeyPolicy).toBe('accept-new');
  });

  it.each(['no', 'yes', 'Strict', 'accept_new', 'off'])('rejects %j', (value) => {
    expect(rejection({ 'ssh-host-key-policy': value }, 'ssh-host-key-policy')).toMatch(
      /is not a host key policy.*strict .*accept-new/,
    );
  });

  it('refuses mode migrate without ssh-known-hosts, naming the plan output and accept-new', () => {
    const message = rejection(migrate, 'ssh-known-hosts');
    expect(message).toMatch(/is empty, so mode "migrate" could not tell a node from an impostor/);
    expect(message).toContain('needs.plan.outputs.known-hosts');
    expect(message).toContain('ssh-host-key-policy: accept-new');
  });

  it('a file of comments only is no known_hosts either', () => {
    rejection({ ...migrate, 'ssh-known-hosts': '# nothing yet' }, 'ssh-known-hosts');
  });

  it('accepts migrate with ssh-known-hosts, or without it when accept-new is set explicitly', () => {
    expect(settings({ ...migrate, 'ssh-known-hosts': ed25519Line() }).ssh.knownHosts).toBe(
      `${ed25519Line()}\n`,
    );
    const s = settings({ ...migrate, 'ssh-known-hosts': '', 'ssh-host-key-policy': 'accept-new' });
    expect(s.ssh).toMatchObject({ hostKeyPolicy: 'accept-new' });
    expect(s.ssh.knownHosts).toBeUndefined();
  });

  it('migrate with node-access: api needs no ssh-known-hosts even with a key', () => {
    const s = settings({ ...migrate, 'node-access': 'api', 'ssh-known-hosts': '' });
    expect(s.nodeAccess?.kind).toBe('api');
  });

  it('plan without ssh-known-hosts is accepted (the keys are recorded, as unverified)', () => {
    expect(settings({ 'ssh-private-key': ed25519.private }).ssh.knownHosts).toBeUndefined();
  });
});

describe('expected-cluster-id', () => {
  it('is undefined when empty, and lower case when given', () => {
    expect(settings().expectedClusterId).toBeUndefined();
    expect(
      settings({ 'expected-cluster-id': ' 0F8B4C52-2D1E-4E7A-9C1B-7A3D5E6F8091 ' }).expectedClusterId,
    ).toBe('0f8b4c52-2d1e-4e7a-9c1b-7a3d5e6f8091');
  });

  it.each([
    'prod',
    '0f8b4c52',
    '0f8b4c52-2d1e-4e7a-9c1b-7a3d5e6f8091x',
    '${{ needs.plan.outputs.cluster-id }}',
  ])('rejects %j', (value) => {
    expect(rejection({ 'expected-cluster-id': value }, 'expected-cluster-id')).toMatch(/is not a cluster ID/);
  });
});

describe('allow-insecure-tls', () => {
  it('is false by default', () => {
    expect(settings().allowInsecureTls).toBe(false);
    expect(settings({ 'allow-insecure-tls': 'true' }).allowInsecureTls).toBe(true);
  });

  it('rejects a value that is not a boolean', () => {
    rejection({ 'allow-insecure-tls': 'maybe' }, 'allow-insecure-tls');
  });
});

describe('ssh-known-hosts', () => {
  it('accepts ssh-keyscan lines with comments, blank lines, hashed hosts and markers', () => {
    const text = [
      '# nodes',
      `master-0.example.com,10.0.0.10 ${ed25519Public}`,
      '',
      `[bastion.example.com]:2222 ${ecdsaLine}`,
      `|1|c2FsdHNhbHRzYWx0c2FsdA==|aGFzaGhhc2hoYXNoaGFzaA== ${ed25519Public}`,
      `@cert-authority *.example.com ${ed25519Public}`,
    ].join('\n');
    const s = settings({ 'ssh-known-hosts': text });
    expect(s.ssh.knownHosts?.split('\n').filter(Boolean)).toHaveLength(4);
    expect(s.ssh.knownHosts).not.toContain('# nodes');
  });

  it('empty means none given', () => {
    expect(settings({ 'ssh-known-hosts': '' }).ssh.knownHosts).toBeUndefined();
    expect(settings({ 'ssh-known-hosts': '# only a comment' }).ssh.knownHosts).toBeUndefined();
  });

  it.each([
    ['a line with only a host', 'master-0', /line 2 does not have a host list/],
    ['an unknown key type', `master-0 ssh-foo ${ed25519Public.split(' ')[1]}`, /unknown key type "ssh-foo"/],
    ['a key that is not base64', 'master-0 ssh-ed25519 not*base64', /not base64 SSH key data/],
    [
      'a key whose type differs',
      `master-0 ssh-rsa ${ed25519Public.split(' ')[1]}`,
      /declares "ssh-rsa" but its key is "ssh-ed25519"/,
    ],
    ['an unknown marker', `@trusted master-0 ${ed25519Public}`, /unknown marker "@trusted"/],
    ['a malformed hashed host', `|1|abc ${ed25519Public}`, /invalid host pattern/],
    ['an empty host in the list', `a,,b ${ed25519Public}`, /invalid host pattern ""/],
  ])('rejects %s', (_what, text, message) => {
    expect(rejection({ 'ssh-known-hosts': `# header\n${text}` }, 'ssh-known-hosts')).toMatch(message);
  });

  it('names the line at fault', () => {
    const text = `m0 ${ed25519Public}\n\nm1 ssh-ed25519 AAAA`;
    expect(rejection({ 'ssh-known-hosts': text }, 'ssh-known-hosts')).toMatch(/line 3/);
  });

  it('reads the lines from a file when given an absolute path (large clusters)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'known-hosts-'));
    const file = join(dir, 'known_hosts');
    writeFileSync(file, `m0 ${ed25519Public}\nm1 ${ed25519Public}\n`);
    try {
      expect(settings({ 'ssh-known-hosts': file }).ssh.knownHosts?.split('\n').filter(Boolean)).toHaveLength(
        2,
      );
      expect(rejection({ 'ssh-known-hosts': join(dir, 'missing') }, 'ssh-known-hosts')).toMatch(
        /the file .*missing cannot be read \(ENOENT\)/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('mtu', () => {
  it('is undefined when empty and an integer when set', () => {
    expect(settings().mtu).toBeUndefined();
    expect(settings({ mtu: '1400' }).mtu).toBe(1400);
    expect(settings({ mtu: '576' }).mtu).toBe(576);
    expect(settings({ mtu: '9000' }).mtu).toBe(9000);
  });

  it.each(['575', '9001', 'auto', '1400.5', '-1400'])('rejects %j', (mtu) => {
    expect(rejection({ mtu }, 'mtu')).toMatch(/576 to 9000/);
  });
});

describe('geneve-port', () => {
  it.each(['6081', '1', '8999', '10000', '29999', '32768', '65535'])('accepts %s', (port) => {
    expect(settings({ 'geneve-port': port }).genevePort).toBe(Number(port));
  });

  it('is undefined when empty', () => {
    expect(settings().genevePort).toBeUndefined();
  });

  it.each([
    ['4789', /VXLAN/],
    ['30000', /node port range/],
    ['32767', /node port range/],
    ['9000', /host services/],
    ['9999', /host services/],
    ['0', /out of range/],
    ['65536', /out of range/],
    ['geneve', /not an integer/],
  ])('rejects %s', (port, message) => {
    expect(rejection({ 'geneve-port': port }, 'geneve-port')).toMatch(message);
  });
});

describe('wait-timeout and reboot-timeout', () => {
  it('parses durations', () => {
    const s = settings({ 'wait-timeout': '1h30m', 'reboot-timeout': '600' });
    expect(s.waitTimeoutMs).toBe(5_400_000);
    expect(s.rebootTimeoutMs).toBe(600_000);
  });

  it.each([
    ['wait-timeout', 'soon'],
    ['wait-timeout', '0'],
    ['reboot-timeout', '-5m'],
    ['reboot-timeout', '2d'],
  ])('rejects %s %j', (input, value) => {
    expect(rejection({ [input]: value }, input)).toMatch(/30s, 15m, 2h or 1h30m/);
  });
});

describe('max-parallel-reboots', () => {
  it('accepts 0 and positive integers', () => {
    expect(settings({ 'max-parallel-reboots': '0' }).maxParallelReboots).toBe(0);
    expect(settings({ 'max-parallel-reboots': '3' }).maxParallelReboots).toBe(3);
  });

  it.each(['-1', 'all', '1.5'])('rejects %j', (value) => {
    expect(rejection({ 'max-parallel-reboots': value }, 'max-parallel-reboots')).toMatch(/integer ≥ 0/);
  });
});

describe('cleanup', () => {
  it.each([
    ['true', true],
    ['True', true],
    ['FALSE', false],
    ['false', false],
  ])('%s is %s', (text, value) => {
    expect(settings({ cleanup: text }).cleanup).toBe(value);
  });

  it.each(['yes', '1', 'off'])('rejects %j', (text) => {
    expect(rejection({ cleanup: text }, 'cleanup')).toMatch(/true or false/);
  });
});

describe('etcd-backup', () => {
  it.each([
    ['true', true],
    ['TRUE', true],
    ['False', false],
    ['false', false],
  ])('%s is %s', (text, value) => {
    expect(settings({ 'etcd-backup': text }).etcdBackup).toBe(value);
  });

  it('is independent of cleanup', () => {
    const s = settings({ cleanup: 'false', 'etcd-backup': 'true' });
    expect([s.cleanup, s.etcdBackup]).toEqual([false, true]);
  });

  it.each(['yes', '0', 'skip'])('rejects %j, naming etcd-backup', (text) => {
    expect(rejection({ 'etcd-backup': text }, 'etcd-backup')).toMatch(/true or false/);
  });
});

describe('artifact-name', () => {
  it('defaults to the run id and attempt, and to "local" outside Actions', () => {
    expect(settings().artifactName).toBe('sdn-to-ovn-123456-2');
    delete process.env.GITHUB_RUN_ID;
    delete process.env.GITHUB_RUN_ATTEMPT;
    expect(settings().artifactName).toBe('sdn-to-ovn-local-1');
  });

  it('accepts a custom name', () => {
    expect(settings({ 'artifact-name': 'prod network migration #3' }).artifactName).toBe(
      'prod network migration #3',
    );
  });

  it.each(['"', ':', '<', '>', '|', '*', '?', '\\', '/', '\r'])('rejects a name containing %j', (ch) => {
    expect(rejection({ 'artifact-name': `a${ch}b` }, 'artifact-name')).toMatch(/artifact service rejects/);
  });

  it('rejects a line break inside the name', () => {
    expect(rejection({ 'artifact-name': 'a\nb' }, 'artifact-name')).toMatch(/line breaks/);
  });

  // The name is the run's directory under RUNNER_TEMP: "." is RUNNER_TEMP itself, ".." its parent.
  it.each([
    ['.', /"\." names a directory, not an artifact/],
    ['..', /"\.\." names a directory, not an artifact/],
    ['.hidden', /"\.hidden" starts with a dot/],
    ['...', /starts with a dot/],
  ])('rejects %j', (name, why) => {
    const message = rejection({ 'artifact-name': name }, 'artifact-name');
    expect(message).toMatch(why);
    expect(message).toContain('does not start with a dot');
  });

  it('accepts dots inside the name', () => {
    expect(settings({ 'artifact-name': 'migration.v2..final' }).artifactName).toBe('migration.v2..final');
  });
});

describe('retention-days', () => {
  it('is undefined when empty', () => {
    expect(settings().retentionDays).toBeUndefined();
  });

  it.each(['1', '30', '90'])('accepts %s', (days) => {
    expect(settings({ 'retention-days': days }).retentionDays).toBe(Number(days));
  });

  it.each(['0', '91', 'week', '7.5'])('rejects %j', (days) => {
    expect(rejection({ 'retention-days': days }, 'retention-days')).toMatch(/1 to 90/);
  });
});
