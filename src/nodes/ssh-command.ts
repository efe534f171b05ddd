// One command on an open SSH connection: its output and exit status, bounded in time, with the cancel
// gate held until the server confirmed the channel. A reboot command (`expectDisconnect`) counts as
// sent when the connection drops after the command went out, as a node going down does.
import type ssh2 from 'ssh2';
import { formatDuration } from '../util/duration.ts';
import type { NodeExecOptions, NodeExecResult } from './access.ts';
import { SshError } from './ssh-errors.ts';

const SUDO_REFUSED = /sudo: (a password is required|a terminal is required|.* is not in the sudoers)/;

export interface CommandOptions extends NodeExecOptions {
  node: string;
  address: string;
  /** `worker-1 (10.0.0.5:22)`, for messages. */
  where: string;
  user: string;
  timeoutMs: number;
}

export function runCommand(conn: ssh2.Client, command: string, o: CommandOptions): Promise<NodeExecResult> {
  return new Promise<NodeExecResult>((resolve, reject) => new CommandRun(conn, command, o, resolve, reject));
}

class CommandRun {
  private stdout = '';
  private stderr = '';
  private code: number | null = null;
  private signal: string | undefined;
  private sent = false;
  private settled = false;
  private readonly timer: NodeJS.Timeout;
  private readonly onAbort = () => this.cancel();
  private readonly conn: ssh2.Client;
  private readonly o: CommandOptions;
  private readonly resolve: (r: NodeExecResult) => void;
  private readonly reject: (e: Error) => void;

  constructor(
    conn: ssh2.Client,
    command: string,
    o: CommandOptions,
    resolve: (r: NodeExecResult) => void,
    reject: (e: Error) => void,
  ) {
    this.conn = conn;
    this.o = o;
    this.resolve = resolve;
    this.reject = reject;
    o.signal?.addEventListener('abort', this.onAbort, { once: true });
    this.timer = setTimeout(() => this.timedOut(), o.timeoutMs);
    conn.on('error', (err: Error) => this.lost(err.message));
    conn.on('close', () => this.lost('connection closed'));
    conn.exec(command, (err, stream) => (err ? this.notStarted(err) : this.started(stream)));
  }

  private finish(settle: () => void): void {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.timer);
    this.o.signal?.removeEventListener('abort', this.onAbort);
    settle();
  }

  private done(): void {
    this.finish(() => this.resolve(this.result()));
  }

  private fail(message: string, kind: ConstructorParameters<typeof SshError>[2]): void {
    this.finish(() => this.reject(new SshError(message, this.o.node, kind)));
  }

  private result(): NodeExecResult {
    const { code, signal, stdout, stderr } = this;
    return { code, ...(signal ? { signal } : {}), stdout, stderr, address: this.o.address };
  }

  // The gate holds while the channel opens too: ssh2 writes the command the moment the channel is
  // open, so a cancel before the server confirmed it closes the connection and nothing is written
  // after the signal. (A command already written may run: the error says so.)
  private cancel(): void {
    if (this.sent) return;
    this.conn.destroy();
    const err = new Error(
      `cancelled before ${this.o.where} confirmed the command (if it was already on its way, it may still run)`,
    );
    err.name = 'AbortError';
    this.finish(() => this.reject(err));
  }

  private lost(why: string): void {
    if (this.sent && this.o.expectDisconnect) return this.done();
    this.fail(
      `the connection to ${this.o.where} was lost ${this.sent ? 'while the command ran (it may or may not have completed)' : 'before the command was sent'}: ${why}`,
      'exec',
    );
  }

  private timedOut(): void {
    if (this.sent && this.o.expectDisconnect) return this.done();
    this.fail(
      `the command on ${this.o.where} did not finish within ${formatDuration(this.o.timeoutMs)}`,
      'timeout',
    );
    this.conn.end();
  }

  private notStarted(err: Error): void {
    // The host went down as the channel opened: nothing was sent.
    if (this.o.expectDisconnect && /closed|No response/i.test(err.message)) return this.lost(err.message);
    this.fail(`could not start the command on ${this.o.where}: ${err.message}`, 'exec');
  }

  private started(stream: ssh2.ClientChannel): void {
    this.sent = true;
    stream.on('data', (d: Buffer) => (this.stdout += d.toString('utf8')));
    stream.stderr.on('data', (d: Buffer) => (this.stderr += d.toString('utf8')));
    stream.on('exit', (exitCode: number | null, exitSignal?: string) => {
      this.code = typeof exitCode === 'number' ? exitCode : null;
      if (exitSignal) this.signal = exitSignal;
    });
    stream.on('close', () => {
      if (this.code !== 0 && SUDO_REFUSED.test(this.stderr))
        return this.fail(
          `sudo asked for a password for user ${this.o.user} on ${this.o.where} — the ssh-user needs passwordless sudo (RHCOS's core user has it)`,
          'sudo',
        );
      this.done();
    });
  }
}
