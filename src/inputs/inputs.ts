// Reads every input once into the typed Settings object (see settings.ts). This is the only module
// that calls core.getInput. Credentials are masked first, before any check can fail and log; every
// rejection is an InputError naming the input, the problem and the accepted form, without the value
// of a secret. An empty input means its default, as when a workflow passes an empty expression.
import * as core from '@actions/core';
import { DURATION_FORM, parseDuration } from './duration.ts';
import { InputError } from './input-error.ts';
import { parseMaxUnavailable } from './max-unavailable.ts';
import { describeReservedPorts, reservedPort } from './reserved-ports.ts';
import {
  decodeKubeconfigInput,
  kubeconfigCredentials,
  kubeconfigText,
  parseKubeconfig,
  resolveContext,
} from './kubeconfig-input.ts';
import { kubeconfigRisks } from './kubeconfig-risks.ts';
import { changesCluster, type HostKeyPolicy, type Mode, type Settings } from './settings.ts';
import { onFailure, vxlanPort } from './rollback-inputs.ts';
import { type NodeAccessChoice, readNodeAccess } from './node-access.ts';
import {
  checkPrivateKey,
  normalizePrivateKey,
  parseBastion,
  knownHostsText,
  parseKnownHosts,
  parsePort,
  privateKeyBodyLines,
} from './ssh-input.ts';

import { readMigrationFeatures } from './migration-features.ts';
import { readOvnSubnets } from './ovn-internal-subnets.ts';
import { readStrategy } from './strategy.ts';

/** Every input readSettings reads; action.yml must declare each (checked by the contract test). */
export const INPUT_NAMES = [
  'kubeconfig',
  'context',
  'mode',
  'strategy',
  'node-access',
  'ssh-private-key',
  'ssh-passphrase',
  'ssh-user',
  'ssh-port',
  'ssh-bastion',
  'ssh-known-hosts',
  'ssh-host-key-policy',
  'expected-cluster-id',
  'allow-insecure-tls',
  'mtu',
  'geneve-port',
  'vxlan-port',
  'ovn-join-subnet-v4',
  'ovn-join-subnet-v6',
  'ovn-transit-subnet-v4',
  'ovn-transit-subnet-v6',
  'ovn-masquerade-subnet-v4',
  'ovn-masquerade-subnet-v6',
  'migrate-egress-ip',
  'migrate-egress-firewall',
  'migrate-multicast',
  'wait-timeout',
  'operators-stable-interval',
  'reboot-timeout',
  'max-parallel-reboots',
  'max-unavailable',
  'cleanup',
  'on-failure',
  'etcd-backup',
  'artifact-name',
  'retention-days',
] as const;

export type InputName = (typeof INPUT_NAMES)[number];

const MODES: readonly Mode[] = ['plan', 'migrate', 'plan-rollback', 'rollback'];
const HOST_KEY_POLICIES: readonly HostKeyPolicy[] = ['strict', 'accept-new'];

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

const ARTIFACT_NAME_FORM = 'a name without " : < > | * ? \\ / or line breaks that does not start with a dot';

function artifactName(): string {
  const given = input('artifact-name');
  const name =
    given || `sdn-to-ovn-${process.env.GITHUB_RUN_ID || 'local'}-${process.env.GITHUB_RUN_ATTEMPT || '1'}`;
  if (ARTIFACT_NAME_FORBIDDEN.test(name)) {
    throw new InputError(
      'artifact-name',
      `"${name.replace(/[\r\n]/g, ' ')}" contains a character the artifact service rejects`,
      ARTIFACT_NAME_FORM,
    );
  }
  // The name is also the run's work directory under RUNNER_TEMP: "." or ".." would be RUNNER_TEMP itself
  // or its parent, and a leading dot hides the directory.
  if (name.startsWith('.')) {
    throw new InputError(
      'artifact-name',
      name === '.' || name === '..'
        ? `"${name}" names a directory, not an artifact`
        : `"${name}" starts with a dot`,
      ARTIFACT_NAME_FORM,
    );
  }
  return name;
}

function hostKeyPolicy(mode: Mode, knownHosts: string | undefined, viaSsh: boolean): HostKeyPolicy {
  const text = input('ssh-host-key-policy') || 'strict';
  if (!(HOST_KEY_POLICIES as readonly string[]).includes(text)) {
    throw new InputError(
      'ssh-host-key-policy',
      `"${text}" is not a host key policy`,
      'strict (only host keys listed in ssh-known-hosts) or accept-new (also accept and record keys of hosts it does not list, as OpenSSH StrictHostKeyChecking=accept-new)',
    );
  }
  const policy = text as HostKeyPolicy;
  // Checked here, before the cluster is touched: without pinned keys an impostor on a node address
  // would be trusted with sudo, the MTU probe and the etcd backup.
  if (viaSsh && changesCluster(mode) && policy === 'strict' && !knownHosts) {
    throw new InputError(
      'ssh-known-hosts',
      `is empty, so mode "${mode}" could not tell a node from an impostor on its address`,
      "the known_hosts lines the plan job recorded (its known-hosts output, e.g. ${{ needs.plan.outputs.known-hosts }}), or set ssh-host-key-policy: accept-new to trust each node's key on first use",
    );
  }
  return policy;
}

function clusterId(): string | undefined {
  const text = input('expected-cluster-id').trim();
  if (!text) return undefined;
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(text)) {
    throw new InputError(
      'expected-cluster-id',
      `"${text.slice(0, 64)}" is not a cluster ID`,
      "the cluster's ID as the plan job printed it (its cluster-id output; ClusterVersion spec.clusterID, a UUID)",
    );
  }
  return text.toLowerCase();
}

/** Reads and masks every secret input (and the credentials inside the kubeconfig) before any check. */
function readSecrets(): { rawKubeconfig: string; rawKey: string; passphrase: string | undefined } {
  // Empty: the file an earlier login step left in KUBECONFIG (kubeconfig-input.ts).
  const rawKubeconfig = kubeconfigText(core.getInput('kubeconfig'));
  mask(rawKubeconfig);
  const decoded = decodeKubeconfigInput(rawKubeconfig);
  if (decoded.wasBase64) mask(decoded.text);
  kubeconfigCredentials(decoded.text).forEach(mask);

  const rawKey = input('ssh-private-key');
  const passphrase = input('ssh-passphrase') || undefined;
  mask(rawKey);
  privateKeyBodyLines(rawKey).forEach(mask);
  mask(passphrase);
  return { rawKubeconfig, rawKey, passphrase };
}

function readMode(): Mode {
  const modeText = input('mode') || 'plan';
  if (!(MODES as readonly string[]).includes(modeText)) {
    throw new InputError(
      'mode',
      `"${modeText}" is not a mode`,
      'plan (read-only: checks and prints what would happen), migrate (changes the cluster), plan-rollback (read-only: what a rollback to OpenShift SDN would do) or rollback (goes back to OpenShift SDN)',
    );
  }
  return modeText as Mode;
}

/** The SSH inputs; the private key is already masked (readSecrets). */
function readSsh(
  mode: Mode,
  rawKey: string,
  passphrase: string | undefined,
  access: NodeAccessChoice,
): Settings['ssh'] {
  let privateKey: string | undefined;
  if (rawKey) {
    privateKey = normalizePrivateKey(rawKey);
    mask(privateKey);
    checkPrivateKey(privateKey, passphrase);
  } else if (changesCluster(mode) && access.kind === 'ssh') {
    throw new InputError(
      'ssh-private-key',
      `is empty but mode "${mode}" reboots every node over SSH (node-access: ssh; node-access: api needs no key)`,
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
  return {
    ...(privateKey ? { privateKey } : {}),
    ...(passphrase ? { passphrase } : {}),
    user,
    port,
    ...(bastion ? { bastion } : {}),
    ...(knownHosts ? { knownHosts } : {}),
    hostKeyPolicy: hostKeyPolicy(mode, knownHosts, access.kind === 'ssh'),
  };
}

/** The OVN internal subnets given (only those) and the migration feature switches. */
function ovnInputs(): Pick<Settings, 'ovnSubnets' | 'migrationFeatures'> {
  const ovnSubnets = readOvnSubnets((n) => input(n as InputName));
  const migrationFeatures = readMigrationFeatures((n) => input(n as InputName));
  return { ...(Object.keys(ovnSubnets).length ? { ovnSubnets } : {}), migrationFeatures };
}

/** Reads, masks and validates every input. Throws InputError on the first input at fault. */
export function readSettings(): Settings {
  // Secrets first: mask before anything below can throw and be logged.
  const { rawKubeconfig, rawKey, passphrase } = readSecrets();
  const kubeconfig = parseKubeconfig(rawKubeconfig);
  kubeconfig.credentials.forEach(mask);
  const context = input('context') || undefined;
  const usedContext = resolveContext(kubeconfig, context);
  const mode = readMode();
  const allowInsecureTls = boolean('allow-insecure-tls', false);
  const kubeconfigWarnings = kubeconfigRisks(kubeconfig, usedContext, mode, allowInsecureTls);
  kubeconfigWarnings.forEach((w) => core.warning(w));
  const nodeAccess = readNodeAccess(input('node-access'), !!rawKey.trim());
  const ssh = readSsh(mode, rawKey, passphrase, nodeAccess);
  const expectedClusterId = clusterId();

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
  const maxParallelReboots = integer(
    'max-parallel-reboots',
    input('max-parallel-reboots') || '0',
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
    strategy: readStrategy(input('strategy')),
    nodeAccess,
    ssh,
    ...(expectedClusterId ? { expectedClusterId } : {}),
    allowInsecureTls,
    kubeconfigWarnings,
    ...(mtu !== undefined ? { mtu } : {}),
    ...(geneveText ? { genevePort: genevePort(geneveText) } : {}),
    ...vxlanPort(input('vxlan-port')),
    ...onFailure(input('on-failure')),
    ...ovnInputs(),
    waitTimeoutMs: duration('wait-timeout', '90m'),
    operatorsStableIntervalMs: duration('operators-stable-interval', '30s'),
    rebootTimeoutMs: duration('reboot-timeout', '20m'),
    maxParallelReboots,
    maxUnavailable: parseMaxUnavailable(input('max-unavailable')),
    cleanup: boolean('cleanup', true),
    etcdBackup: boolean('etcd-backup', true),
    artifactName: artifactName(),
    ...(retentionDays !== undefined ? { retentionDays } : {}),
  };
}
