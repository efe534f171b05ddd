// Shared fixtures for the SSH node tests: a twin context built by hand, a fake kubelet (NodeHooks),
// and clients — OpenSSH's real `ssh` binary and ssh2's Client, the one the action uses.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import { VirtualClock } from '../clock.ts';
import type { TwinContext } from '../context.ts';
import { Faults } from '../faults.ts';
import { normalizeScenario, type ScenarioInput } from '../scenario.ts';
import { Store } from '../store.ts';
import { Timeline } from '../timeline.ts';
import { fingerprint } from './keys.ts';
import type { NodeHooks, SshNodes } from './nodes.ts';
import { tool } from '../../helpers/tools.ts';

export function makeContext(input: Omit<ScenarioInput, 'version'>, msPerSecond = 1): TwinContext {
  const scenario = normalizeScenario({ version: '4.14.12', ...input });
  const clock = new VirtualClock(msPerSecond);
  const timeline = new Timeline(clock);
  const store = new Store(clock, timeline);
  for (const n of scenario.nodes) {
    store.create(
      {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name: n.name, labels: { [`node-role.kubernetes.io/${n.pool}`]: '' } },
        status: {
          nodeInfo: { bootID: `boot-${n.name}-1` },
          addresses: n.addresses.map((address) => ({ type: 'InternalIP', address })),
        },
      },
      'test',
    );
  }
  return { scenario, clock, timeline, store, faults: new Faults(scenario.faults), podLogs: new Map() };
}

/** A kubelet stand-in: records reboot requests; tests take nodes down and up by hand. */
export class FakeHooks implements NodeHooks {
  readonly reboots: { node: string; delaySeconds: number; command: string }[] = [];
  readonly cancelled: string[] = [];
  readonly down = new Set<string>();
  scheduleReboot(node: string, delaySeconds: number, command: string): boolean {
    this.reboots.push({ node, delaySeconds, command });
    return true;
  }
  cancelReboot(node: string): void {
    this.cancelled.push(node);
  }
  isUp(node: string): boolean {
    return !this.down.has(node);
  }
}

export interface RunResult {
  /** null: the channel closed without an exit status (ssh2 only). */
  code: number | null;
  /** ssh2 only: the connection closed before any exit status arrived. */
  closedWithoutExit?: boolean;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Key files and known_hosts for OpenSSH's client, in a private temp dir. */
export class OpenSshClient {
  readonly dir = mkdtempSync(join(tmpdir(), 'twin-ssh-'));
  readonly keyFile = join(this.dir, 'id_ed25519');
  readonly knownHosts = join(this.dir, 'known_hosts');
  private readonly port: number;

  constructor(ssh: SshNodes, privateKey = ssh.clientPrivateKey) {
    this.port = ssh.port;
    writeFileSync(this.keyFile, privateKey, { mode: 0o600 });
    writeFileSync(this.knownHosts, ssh.nodes.flatMap((n) => n.knownHostsLines).join('\n') + '\n');
  }

  run(
    address: string,
    command: string,
    opts: { user?: string; connectTimeout?: number } = {},
  ): Promise<RunResult> {
    const args = [
      '-F',
      '/dev/null',
      '-i',
      this.keyFile,
      '-o',
      'IdentitiesOnly=yes',
      '-o',
      `UserKnownHostsFile=${this.knownHosts}`,
      '-o',
      'GlobalKnownHostsFile=/dev/null',
      '-o',
      'StrictHostKeyChecking=yes',
      '-o',
      'BatchMode=yes',
      '-o',
      `ConnectTimeout=${opts.connectTimeout ?? 10}`,
      '-p',
      String(this.port),
      `${opts.user ?? 'core'}@${address}`,
      command,
    ];
    const started = performance.now();
    return new Promise((resolve) => {
      execFile(tool('ssh'), args, { timeout: 30_000 }, (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
        resolve({ code, stdout, stderr, ms: performance.now() - started });
      });
    });
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Runs one command with ssh2's Client, verifying the host key fingerprint like the action does. */
export function runWithSsh2(
  ssh: SshNodes,
  address: string,
  command: string,
  opts: { privateKey?: string; passphrase?: string; readyTimeout?: number; fingerprint?: string } = {},
): Promise<RunResult> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const conn = new ssh2.Client();
    let stdout = '';
    let stderr = '';
    conn.on('error', (err) => {
      conn.end();
      reject(err);
    });
    conn.on('ready', () => {
      conn.exec(command, (err, stream) => {
        if (err) return reject(err);
        stream.on('data', (d: Buffer) => (stdout += d.toString()));
        stream.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        let code: number | null = null;
        let exited = false;
        stream.on('exit', (c: number | null) => {
          exited = true;
          code = c;
        });
        stream.on('close', () => {
          conn.end();
          resolve({
            code,
            stdout,
            stderr,
            ms: performance.now() - started,
            ...(exited ? {} : { closedWithoutExit: true }),
          });
        });
      });
    });
    try {
      conn.connect({
        host: address,
        port: ssh.port,
        username: 'core',
        privateKey: opts.privateKey ?? ssh.clientPrivateKey,
        passphrase: opts.passphrase,
        readyTimeout: opts.readyTimeout ?? 10_000,
        hostVerifier: opts.fingerprint ? (key: Buffer) => fingerprint(key) === opts.fingerprint : undefined,
      });
    } catch (err) {
      reject(err as Error);
    }
  });
}
