// Attack (issue 11, "Host keys are pinned, not trusted on first use"): an impostor SSH server takes a
// node's address with its own host key. Before, without ssh-known-hosts any key was accepted (the plan
// said "host key recorded", a pass) and the impostor faked sudo, the MTU probe and cluster-backup.sh
// while the migration went ahead. Now the plan records every node address's key, shows the
// fingerprints and sets the known-hosts output; migrate pinned to that output, or given no
// known_hosts at all, is refused before any change — and the impostor never sees a login attempt.
import { readFileSync } from 'node:fs';
import ssh2 from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smallScenario, startHarness, type Harness } from '../helpers/twin-action.ts';
import type { ActionRun } from '../helpers/run-action.ts';
import { generateEd25519 } from '../twin/ssh/keys.ts';
import { fingerprintOf, knownHostsLines } from '../../src/nodes/known-hosts.ts';
import { NodeShell } from '../../src/nodes/ssh.ts';
import { MemoryLogger } from '../../src/util/log.ts';

/** An SSH server with its own host key that accepts any login and fakes every command. */
class Impostor {
  readonly events: string[] = [];
  private readonly server: ssh2.Server;
  readonly hostKey = generateEd25519('impostor');

  constructor() {
    this.server = new ssh2.Server({ hostKeys: [this.hostKey.privateKey], ident: 'OpenSSH_8.7' }, (conn) => {
      this.events.push('connection');
      conn.on('authentication', (ctx) => {
        this.events.push(`auth ${ctx.method}`);
        ctx.accept();
      });
      conn.on('session', (accept) => {
        accept().on('exec', (acceptExec, _reject, info) => {
          this.events.push(`exec ${info.command}`);
          const stream = acceptExec();
          stream.exit(0);
          stream.end();
        });
      });
      conn.on('error', () => undefined);
    });
    this.server.on('connection', () => undefined);
  }

  /** Listens on the node's address once the twin has let go of it. */
  async listen(address: string, port: number): Promise<void> {
    const deadline = Date.now() + 5_000;
    for (;;) {
      try {
        await new Promise<void>((resolve, reject) => {
          this.server.once('error', reject);
          this.server.listen(port, address, () => {
            this.server.off('error', reject);
            resolve();
          });
        });
        return;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || Date.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, 25));
      }
    }
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** Waits until the address answers with the given host key (the real node, not the impostor). */
async function waitForHostKey(address: string, port: number, fingerprint: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const presented = await new Promise<string | undefined>((resolve) => {
      const client = new ssh2.Client();
      let fp: string | undefined;
      client.on('error', () => resolve(fp));
      client.on('close', () => resolve(fp));
      client.connect({
        host: address,
        port,
        username: 'probe',
        readyTimeout: 2_000,
        hostVerifier: (key: Buffer) => {
          fp = fingerprintOf(key);
          return false;
        },
      });
    });
    if (presented === fingerprint) return;
    if (Date.now() > deadline) throw new Error(`${address}:${port} does not present ${fingerprint}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function expectRefusedBeforeAnyChange(h: Harness, run: ActionRun, impostor: Impostor, message: RegExp): void {
  expect(run.code, run.stdout).toBe(1);
  expect(run.errors[0]).toMatch(message);
  expect(h.twin.timeline.clientWrites()).toEqual([]);
  // The impostor never got a login, let alone a command.
  expect(impostor.events.filter((e) => e !== 'connection')).toEqual([]);
}

describe('an impostor on a node address', () => {
  let h: Harness;
  let plan: ActionRun;
  const twoAddresses = ['127.0.9.2', '127.0.9.3'];
  beforeAll(async () => {
    h = await startHarness(
      smallScenario({
        nodes: [
          { name: 'master-0', pool: 'master' },
          { name: 'worker-0', pool: 'worker', addresses: twoAddresses },
          { name: 'worker-1', pool: 'worker' },
        ],
      }),
    );
    // The plan job as the example workflow runs it: SSH key, no ssh-known-hosts.
    plan = await h.run({ mode: 'plan', 'ssh-known-hosts': '' });
  });
  afterAll(async () => h?.stop());

  it('the plan records every node address host key as known_hosts lines (the known-hosts output)', () => {
    expect(plan.outputs.result).toBe('planned');
    const expected = h.twin.nodes.flatMap((n) => n.knownHostsLines).sort();
    expect(expected).toHaveLength(4);
    expect(plan.outputs['known-hosts']?.split('\n').filter(Boolean).sort()).toEqual(expected);
  });

  it('the summary shows each fingerprint, unverified keys as a warning, never as a pass', () => {
    const hostKeys = plan.summary.slice(plan.summary.indexOf('### Host keys ('));
    for (const n of h.twin.nodes) expect(hostKeys).toContain(`<code>${n.hostKeyFingerprint}</code>`);
    for (const address of twoAddresses) expect(hostKeys).toContain(address);
    expect(hostKeys).toContain('⚠️ **not verified**');
    expect(hostKeys).not.toContain('listed in ssh-known-hosts');
    expect(plan.summary).toMatch(/- ⚠️ 4 SSH host key\(s\) were accepted without verification/);
    // The SSH preflight check itself is a warning naming the nodes, not "host key recorded" as a pass.
    const report = JSON.parse(readFileSync(plan.outputs['report-path']!, 'utf8')) as {
      checks: { id: string; ok: boolean; severity: string; detail: string; items?: string[] }[];
    };
    const ssh = report.checks.find((c) => c.id === 'preflight-ssh');
    expect(ssh).toMatchObject({ ok: false, severity: 'warn' });
    expect(ssh?.detail).toContain('not verified');
    expect(ssh?.items?.sort()).toEqual(h.twin.nodes.map((n) => n.name).sort());
  });

  it('keys listed in ssh-known-hosts are shown as verified', async () => {
    const run = await h.run({ mode: 'plan' });
    const hostKeys = run.summary.slice(run.summary.indexOf('Host keys ('));
    expect(hostKeys).not.toContain('not verified');
    expect(hostKeys.match(/listed in ssh-known-hosts/g)).toHaveLength(4);
    expect(run.summary).not.toContain('accepted without verification');
  });

  describe('after the plan, worker-1 is replaced by an impostor', () => {
    const fault = { kind: 'ssh-connection-refused', node: 'worker-1' } as const;
    let impostor: Impostor;
    beforeAll(async () => {
      h.twin.faults.add(fault);
      impostor = new Impostor();
      const worker1 = h.twin.nodes.find((n) => n.name === 'worker-1')!;
      await impostor.listen(worker1.addresses[0]!, h.twin.ssh.port);
    });
    afterAll(async () => {
      await impostor?.close();
      // Faults.add stores a copy, so remove(fault) would not find it: clear the kind.
      h.twin.faults.clear(fault.kind);
      // The twin reopens worker-1's listener at its next poll.
      const worker1 = h.twin.nodes.find((n) => n.name === 'worker-1')!;
      await waitForHostKey(worker1.addresses[0]!, h.twin.ssh.port, worker1.hostKeyFingerprint);
    });

    it('migrate pinned to the plan known-hosts is refused before any change', async () => {
      const run = await h.run({ mode: 'migrate', 'ssh-known-hosts': plan.outputs['known-hosts']! });
      expect(run.outputs.result).toBe('refused');
      expectRefusedBeforeAnyChange(
        h,
        run,
        impostor,
        /^Preflight refused.*host key mismatch for worker-1 .*it presented ssh-ed25519 SHA256:/,
      );
      expect(impostor.events).toContain('connection');
    });

    it('migrate without ssh-known-hosts is refused as an input error, before connecting anywhere', async () => {
      const run = await h.run({ mode: 'migrate', 'ssh-known-hosts': '' });
      expectRefusedBeforeAnyChange(
        h,
        run,
        impostor,
        /^Input "ssh-known-hosts": is empty, so mode "migrate" could not tell a node from an impostor/,
      );
      expect(run.stdout).not.toContain('Connected to');
    });

    it('an explicit ssh-host-key-policy strict changes nothing', async () => {
      const run = await h.run({ mode: 'migrate', 'ssh-known-hosts': '', 'ssh-host-key-policy': 'strict' });
      expectRefusedBeforeAnyChange(h, run, impostor, /^Input "ssh-known-hosts": is empty/);
    });

    it('accept-new still refuses a key that differs from a listed one', async () => {
      const run = await h.run({
        mode: 'migrate',
        'ssh-known-hosts': plan.outputs['known-hosts']!,
        'ssh-host-key-policy': 'accept-new',
      });
      expectRefusedBeforeAnyChange(h, run, impostor, /^Preflight refused.*host key mismatch for worker-1/);
    });
  });

  it('with the real node back, migrate pinned to the plan known-hosts goes ahead', async () => {
    const run = await h.run({ mode: 'migrate', 'ssh-known-hosts': plan.outputs['known-hosts']! });
    expect(run.outputs.result, run.errors.join('\n')).toBe('migrated');
    const hostKeys = run.summary.slice(run.summary.indexOf('Host keys ('));
    expect(hostKeys).not.toContain('not verified');
  });
});

describe('NodeShell host key policy', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(smallScenario());
  });
  afterAll(async () => h?.stop());

  const shellWith = (knownHosts: string | undefined, hostKeyPolicy?: 'strict' | 'accept-new') =>
    new NodeShell(
      {
        user: 'core',
        port: h.twin.ssh.port,
        privateKey: h.twin.ssh.clientPrivateKey,
        ...(knownHosts ? { knownHosts } : {}),
        ...(hostKeyPolicy ? { hostKeyPolicy } : {}),
      },
      new MemoryLogger(),
    );
  const node = (name: string) => {
    const n = h.twin.nodes.find((x) => x.name === name)!;
    return { name: n.name, addresses: n.addresses };
  };
  const masterOnly = () => h.twin.nodes.find((n) => n.name === 'master-0')!.knownHostsLines.join('\n');

  it('strict refuses a host that ssh-known-hosts does not list, naming accept-new', async () => {
    const shell = shellWith(masterOnly());
    try {
      await expect(shell.exec(node('worker-0'), 'true')).rejects.toThrow(
        /is not listed in ssh-known-hosts .*ssh-host-key-policy: accept-new/,
      );
      expect((await shell.exec(node('master-0'), 'true')).code).toBe(0);
      expect([...shell.hostKeys.values()].map((k) => [k.node, k.verified])).toEqual([['master-0', true]]);
    } finally {
      await shell.close();
    }
  });

  it('accept-new accepts and records an unlisted host as unverified, listed ones as verified', async () => {
    const shell = shellWith(masterOnly(), 'accept-new');
    try {
      expect((await shell.exec(node('worker-0'), 'true')).code).toBe(0);
      expect((await shell.exec(node('master-0'), 'true')).code).toBe(0);
      const keys = [...shell.hostKeys.values()].sort((a, b) => a.node.localeCompare(b.node));
      expect(keys.map((k) => [k.node, k.verified])).toEqual([
        ['master-0', true],
        ['worker-0', false],
      ]);
      const worker = h.twin.nodes.find((n) => n.name === 'worker-0')!;
      expect(keys[1]!.fingerprint).toBe(worker.hostKeyFingerprint);
      expect(knownHostsLines(keys).split('\n').filter(Boolean)).toEqual(
        [
          ...h.twin.nodes.find((n) => n.name === 'master-0')!.knownHostsLines,
          ...worker.knownHostsLines,
        ].sort(),
      );
    } finally {
      await shell.close();
    }
  });

  it('known_hosts lines use the plain address on port 22 and [address]:port elsewhere', () => {
    const key = { keyType: 'ssh-ed25519', key: 'AAAA' };
    expect(
      knownHostsLines([
        { ...key, address: 'FD00::1', port: 22 },
        { ...key, address: '10.0.0.5', port: 2222 },
        { ...key, address: '10.0.0.5', port: 2222 },
      ]),
    ).toBe('[10.0.0.5]:2222 ssh-ed25519 AAAA\nfd00::1 ssh-ed25519 AAAA\n');
    expect(knownHostsLines([])).toBe('');
  });
});
