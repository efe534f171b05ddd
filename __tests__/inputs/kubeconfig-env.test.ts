// An empty `kubeconfig` input reads the file KUBECONFIG names, as redhat-actions/oc-login and
// azure/k8s-set-context leave it for later steps; its token is masked like the input's.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { kubeconfigText } from '../../src/inputs/kubeconfig-input.ts';
import { readSettings } from '../../src/inputs/inputs.ts';

const TOKEN = 'sha256~oc-login-token-0123456789abcdef';
const FILE_TEXT = `apiVersion: v1
kind: Config
clusters:
- name: api-prod
  cluster: { server: 'https://api.prod.example.com:6443' }
users:
- name: admin/api-prod
  user: { token: '${TOKEN}' }
contexts:
- name: default/api-prod/admin
  context: { cluster: api-prod, user: admin/api-prod }
current-context: default/api-prod/admin
`;

let dir: string;
let out: string[];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kubeconfig-env-'));
  for (const name of Object.keys(process.env)) if (name.startsWith('INPUT_')) delete process.env[name];
  out = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out.push(String(chunk));
    return true;
  });
});
afterEach(() => {
  vi.restoreAllMocks();
  delete process.env.KUBECONFIG;
  rmSync(dir, { recursive: true, force: true });
});

describe('kubeconfig: empty input, the file in KUBECONFIG', () => {
  it('the input wins when it is given', () => {
    expect(kubeconfigText('apiVersion: v1', { KUBECONFIG: '/nonexistent' })).toBe('apiVersion: v1');
  });

  it('reads the file KUBECONFIG names, and readSettings masks its token and uses its context', () => {
    const file = join(dir, 'config');
    writeFileSync(file, FILE_TEXT);
    process.env.KUBECONFIG = file;
    process.env.INPUT_KUBECONFIG = '';
    const s = readSettings();
    expect(s.kubeconfig).toBe(FILE_TEXT);
    expect(out.join('')).toContain(`::add-mask::${TOKEN}`);
  });

  it('neither input nor KUBECONFIG: refused, naming the input and the login steps', () => {
    expect(() => kubeconfigText('  ', {})).toThrow(
      /^Input "kubeconfig": is required but empty, and KUBECONFIG names no file \(set by a login step such as redhat-actions\/oc-login, azure\/k8s-set-context/,
    );
  });

  it('a KUBECONFIG file that is missing or empty, or several files: a clear error', () => {
    expect(() => kubeconfigText('', { KUBECONFIG: join(dir, 'gone') })).toThrow(
      /is empty, and the file KUBECONFIG names \(.*gone\) cannot be used: ENOENT/,
    );
    writeFileSync(join(dir, 'empty'), '\n');
    expect(() => kubeconfigText('', { KUBECONFIG: join(dir, 'empty') })).toThrow(/the file is empty/);
    expect(() => kubeconfigText('', { KUBECONFIG: ['a', 'b'].join(delimiter) })).toThrow(
      /KUBECONFIG lists 2 files; this action reads one/,
    );
  });
});
