// How the action reaches a node: one interface, two transports — SSH to the node's InternalIP as
// ssh-user (ssh.ts), or `pods/exec` into the node's machine-config-daemon pod through the API
// (api-access.ts). Callers (the reboot fan-out, the etcd backup, the MTU/sudo probe) write their
// commands once, as a shell command line for the SSH user with `sudo` where root is needed; the API
// transport runs that same line as root on the host (`chroot /rootfs sh -c …`), where sudo is a no-op.

export interface NodeTarget {
  name: string;
  /** The node's InternalIP addresses (SSH connects to them; the API transport goes by name). */
  addresses: string[];
}

export interface NodeExecOptions {
  /** Longest the command may run, ms (default 10 min). */
  timeoutMs?: number;
  /** The command reboots the host: a session closed without an exit status counts as sent. */
  expectDisconnect?: boolean;
  /** Checked right before the command is sent: an aborted signal means it is never sent. */
  signal?: AbortSignal;
}

export interface NodeExecResult {
  code: number | null;
  signal?: string;
  stdout: string;
  stderr: string;
  /** What the command went through: the SSH address, or `pod/<mcd pod>`. */
  address: string;
}

export type NodeAccessKind = 'ssh' | 'api';

export interface NodeAccess {
  readonly kind: NodeAccessKind;
  /** Runs one shell command line on the node (as the SSH user would type it; sudo for root). */
  exec(node: NodeTarget, command: string, opts?: NodeExecOptions): Promise<NodeExecResult>;
  /**
   * Schedules a reboot so that the command returns before the node goes down. A session dropped after
   * the command was sent counts as sent: the node's boot ID decides whether it rebooted.
   */
  scheduleReboot(
    node: NodeTarget,
    opts: { timeoutMs: number; signal?: AbortSignal },
  ): Promise<NodeExecResult>;
  /** The command a reboot sends, for logs and the plan. */
  readonly rebootCommand: string;
  /** An error after which no command may go to any further node (an SSH host key mismatch). */
  isFatal(err: unknown): boolean;
  /** The node's verified identity as this transport saw it (SSH host key), when it has one. */
  hostKey?(node: string): { fingerprint: string; verified: boolean } | undefined;
  close(): Promise<void>;
}

/** A node object's InternalIP addresses. */
export function internalIPs(node: { status?: Record<string, unknown> }): string[] {
  return ((node.status?.addresses ?? []) as { type: string; address: string }[])
    .filter((a) => a.type === 'InternalIP')
    .map((a) => a.address);
}

export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
