// What went wrong on a node over SSH, and at which stage (the preflight and the reboot tell them apart).
export type SshErrorKind = 'auth' | 'connect' | 'timeout' | 'sudo' | 'exec';

export class SshError extends Error {
  node: string;
  kind: SshErrorKind;
  constructor(message: string, node: string, kind: SshErrorKind) {
    super(message);
    this.name = 'SshError';
    this.node = node;
    this.kind = kind;
  }
}
