// Input `node-access`: how the run reaches the nodes (reboots, the etcd backup, the MTU and sudo probe).
// `ssh` connects to each node's InternalIP as ssh-user; `api` runs the same commands through the API,
// by `pods/exec` into the node's machine-config-daemon pod — for runners that reach the API but not the
// machine network (GitHub-hosted runners). `auto` (default) is ssh when ssh-private-key is given, else api.
import { InputError } from './input-error.ts';

export type NodeAccessInput = 'ssh' | 'api' | 'auto';

export interface NodeAccessChoice {
  kind: 'ssh' | 'api';
  requested: NodeAccessInput;
  /** Why this access, in words for the plan and the summary. */
  why: string;
}

const CHOICES: readonly NodeAccessInput[] = ['ssh', 'api', 'auto'];

export function readNodeAccess(text: string, hasKey: boolean): NodeAccessChoice {
  const requested = (text.trim() || 'auto') as NodeAccessInput;
  if (!CHOICES.includes(requested))
    throw new InputError(
      'node-access',
      `"${text.slice(0, 32)}" is not a node access`,
      "ssh (SSH to each node's InternalIP), api (pods/exec into each node's machine-config-daemon pod) or auto (ssh when ssh-private-key is set, otherwise api)",
    );
  if (requested === 'ssh') return { kind: 'ssh', requested, why: 'node-access: ssh' };
  if (requested === 'api') return { kind: 'api', requested, why: 'node-access: api' };
  return hasKey
    ? { kind: 'ssh', requested, why: 'node-access: auto, and ssh-private-key is set' }
    : { kind: 'api', requested, why: 'node-access: auto, and no ssh-private-key is set' };
}

/** The run's node access (settings built by hand in tests may leave it out: then as `auto` decides). */
export function nodeAccessOf(settings: {
  nodeAccess?: NodeAccessChoice;
  ssh: { privateKey?: string };
}): NodeAccessChoice {
  return settings.nodeAccess ?? readNodeAccess('auto', !!settings.ssh.privateKey);
}

/** One line for the plan and the summary: which access, why, and what it needs. */
export function describeNodeAccess(
  choice: NodeAccessChoice,
  ssh: { user: string; bastion?: { host: string } },
): string {
  return choice.kind === 'ssh'
    ? `Nodes are reached over SSH as ${ssh.user}${ssh.bastion ? ` through ${ssh.bastion.host}` : ''} (${choice.why})`
    : `Nodes are reached through the API: pods/exec into each node's machine-config-daemon pod, chroot /rootfs (${choice.why})`;
}
