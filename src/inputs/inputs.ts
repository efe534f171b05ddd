// Reads every input once into the typed Settings object (see settings.ts). This is the only module
// that calls core.getInput. Credentials are masked first, before any check can fail and log; every
// rejection is an InputError naming the input, the problem and the accepted form, without the value
// of a secret. An empty input means its default, as when a workflow passes an empty expression.
import * as core from '@actions/core';
import { DURATION_FORM, parseDuration } from './duration.ts';
import { InputError } from './input-error.ts';
import { describeReservedPorts, reservedPort } from './reserved-ports.ts';
import {
  decodeKubeconfigInput,
  KUBECONFIG_FORM,
  kubeconfigCredentials,
  parseKubeconfig,
  resolveContext,
} from './kubeconfig-input.ts';
import type { Mode, Settings } from './settings.ts';
import {
  checkPrivateKey,
  normalizePrivateKey,
  parseBastion,
  knownHostsText,
  parseKnownHosts,
  parsePort,
  privateKeyBodyLines,
} from './ssh-input.ts';

/** Every input readSettings reads; action.yml must declare each (checked by the contract test). */
export const INPUT_NAMES = [
  'kubeconfig',
  'context',
  'mode',
  'ssh-private-key',
  'ssh-passphrase',
  'ssh-user',
  'ssh-port',
  'ssh-bastion',
  'ssh-known-hosts',
  'mtu',
  'geneve-port',
  'wait-timeout',
  'operators-stable-interval',
  'reboot-timeout',
  'max-parallel-reboots',
  'cleanup',
  'etcd-backup',
  'artifact-name',
  'retention-days',
] as const;

export type InputName = (typeof INPUT_NAMES)[number];

const MODES: readonly Mode[] = ['plan', 'migrate'];

/** Characters the artifact service rejects in a name. */
const ARTIFACT_NAME_FORBIDDEN = /[":<>|*?\r\n\\/]/;

function input(name: InputName): string {
  return core.getInput(name);
}

function mask(value: string | undefined): void {
  if (value && value.trim() !== '') core.setSecret(value);
}

function integer(name: InputName, text: string, min: number, max: number, accepted: string): number {
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new InputError(name, `"${text}" is out of range or not an integer`, accepted);
  }
  return Number(text);
}

function genevePort(text: string): number {
  const accepted = `a UDP port from 1 to 65535 that the cluster does not already use (not ${describeReservedPorts()}); the default is 6081`;
  const port = integer('geneve-port', text, 1, 65535, accepted);
  const owner = reservedPort(port);
  if (owner) throw new InputError('geneve-port', `${port} ${owner.says}`, accepted);
  return port;
}

function duration(name: InputName, fallback: string): number {
  const text = input(name) || fallback;
  try {
    return parseDuration(text);
  } catch (err) {
    throw new InputError(name, (err as Error).message, DURATION_FORM);
  }
}

function boolean(name: InputName, fallback: boolean): boolean {
  if (input(name) === '') return fallback;
  try {
    return core.getBooleanInput(name);
  } catch {
    throw new InputError(name, `"${input(name)}" is not a boolean`, 'true or false');
  }
}

function artifactName(): string {
  const given = input('artifact-name');
  const name =
    given || `sdn-to-ovn-${process.env.GITHUB_RUN_ID || 'local'}-${process.env.GITHUB_RUN_ATTEMPT || '1'}`;
  if (ARTIFACT_NAME_FORBIDDEN.test(name)) {
    throw new InputError(
      'artifact-name',
      `"${name.replace(/[\r\n]/g, ' ')}" contains a character the artifact service rejects`,
      'a name without " : < > | * ? \\ / or line breaks',
    );
  }
  return name;
}

/** Reads, masks and validates every input. Throws InputError on the first input at fault. */
export function readSettings(): Settings {
  // Secrets first: mask before anything below can throw and be logged.
  let rawKubeconfig: string;
  try {
    rawKubeconfig = core.getInput('kubeconfig', { required: true });
  } catch {
    throw new InputError(
      'kubeconfig',
      'is required but empty (a secret that is not defined in the repository or environment expands to an empty string)',
      KUBECONFIG_FORM,
    );
  }
  mask(rawKubeconfig);
  const decoded = decodeKubeconfigInput(rawKubeconfig);
  if (decoded.wasBase64) mask(decoded.text);
  kubeconfigCredentials(decoded.text).forEach(mask);

  const rawKey = input('ssh-private-key');
  const passphrase = input('ssh-passphrase') || undefined;
  mask(rawKey);
  privateKeyBodyLines(rawKey).forEach(mask);
  mask(passphrase);

  const kubeconfig = parseKubeconfig(rawKubeconfig);
  kubeconfig.credentials.forEach(mask);
  const context = input('context') || undefined;
  resolveContext(kubeconfig, context);

  const modeText = input('mode') || 'plan';
  if (!(MODES as readonly string[]).includes(modeText)) {
    throw new InputError(
      'mode',
      `"${modeText}" is not a mode`,
      'plan (read-only: checks and prints what would happen) or migrate (changes the cluster)',
    );
  }
  const mode = modeText as Mode;

  let privateKey: string | undefined;
  if (rawKey) {
    privateKey = normalizePrivateKey(rawKey);
    mask(privateKey);
    checkPrivateKey(privateKey, passphrase);
  } else if (mode === 'migrate') {
    throw new InputError(
      'ssh-private-key',
      'is empty but mode "migrate" reboots every node over SSH',
      'the private key (OpenSSH or PEM) of a user that can run "sudo shutdown" on the nodes, usually ${{ secrets.SSH_PRIVATE_KEY }}',
    );
  }

  const user = input('ssh-user') || 'core';
  if (/\s/.test(user)) {
    throw new InputError(
      'ssh-user',
      `"${user}" contains whitespace`,
      'a user name without spaces, such as core',
    );
  }
  const port = parsePort('ssh-port', input('ssh-port') || '22');
  const bastionText = input('ssh-bastion');
  const bastion = bastionText ? parseBastion(bastionText) : undefined;
  const knownHosts = parseKnownHosts(knownHostsText(input('ssh-known-hosts')));

  const mtuText = input('mtu');
  const mtu = mtuText
    ? integer(
        'mtu',
        mtuText,
        576,
        9000,
        'an integer from 576 to 9000, at most the smallest node MTU minus 100',
      )
    : undefined;
  const geneveText = input('geneve-port');

  const maxParallelText = input('max-parallel-reboots') || '0';
  const maxParallelReboots = integer(
    'max-parallel-reboots',
    maxParallelText,
    0,
    Number.MAX_SAFE_INTEGER,
    'an integer ≥ 0 (0 reboots all nodes at once)',
  );

  const retentionText = input('retention-days');
  const retentionDays = retentionText
    ? integer(
        'retention-days',
        retentionText,
        1,
        90,
        "an integer from 1 to 90, or empty for the repository's setting",
      )
    : undefined;

  return {
    kubeconfig: kubeconfig.text,
    ...(context ? { context } : {}),
    mode,
    ssh: {
      ...(privateKey ? { privateKey } : {}),
      ...(passphrase ? { passphrase } : {}),
      user,
      port,
      ...(bastion ? { bastion } : {}),
      ...(knownHosts ? { knownHosts } : {}),
    },
    ...(mtu !== undefined ? { mtu } : {}),
    ...(geneveText ? { genevePort: genevePort(geneveText) } : {}),
    waitTimeoutMs: duration('wait-timeout', '90m'),
    operatorsStableIntervalMs: duration('operators-stable-interval', '30s'),
    rebootTimeoutMs: duration('reboot-timeout', '20m'),
    maxParallelReboots,
    cleanup: boolean('cleanup', true),
    etcdBackup: boolean('etcd-backup', true),
    artifactName: artifactName(),
    ...(retentionDays !== undefined ? { retentionDays } : {}),
  };
}
