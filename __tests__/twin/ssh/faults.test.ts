// One test per SSH fault kind: each must change what a client sees, and count as fired.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSshNodes, type SshNodes } from './nodes.ts';
import { FakeHooks, makeContext, OpenSshClient, runWithSsh2 } from './test-support.ts';

const ctx = makeContext({
  nodes: [
    { name: 'worker-0', addresses: ['127.0.88.2'] },
    { name: 'worker-1', addresses: ['127.0.88.3'] },
  ],
});
let ssh: SshNodes;
let client: OpenSshClient;
const W0 = '127.0.88.2';
const W1 = '127.0.88.3';

beforeAll(async () => {
  ssh = await startSshNodes(ctx, new FakeHooks());
  client = new OpenSshClient(ssh);
});
afterEach(async () => {
  ctx.faults.clear();
  await ssh.refresh();
});
afterAll(async () => {
  await ssh?.stop();
  client?.cleanup();
});

describe('ssh faults', () => {
  it('ssh-auth-refused rejects every method for that node only', async () => {
    ctx.faults.add({ kind: 'ssh-auth-refused', node: 'worker-0' });
    const r = await client.run(W0, 'true');
    expect(r.code).toBe(255);
    expect(r.stderr).toContain('Permission denied (publickey)');
    expect((await client.run(W1, 'true')).code).toBe(0);
    expect(ctx.faults.fired.get('ssh-auth-refused')).toBe(1);
    ctx.faults.clear('ssh-auth-refused');
    expect((await client.run(W0, 'true')).code).toBe(0); // read per connection: lifting it works at once
  });

  it('ssh-connection-refused closes the listener until the fault is cleared', async () => {
    ctx.faults.add({ kind: 'ssh-connection-refused', node: 'worker-1' });
    await ssh.refresh();
    const r = await client.run(W1, 'true');
    expect(r.code).toBe(255);
    expect(r.stderr).toContain('Connection refused');
    await expect(runWithSsh2(ssh, W1, 'true')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect((await client.run(W0, 'true')).code).toBe(0);
    expect(ctx.faults.fired.get('ssh-connection-refused')).toBe(1);
    ctx.faults.clear('ssh-connection-refused');
    await new Promise((resolve) => setTimeout(resolve, 100)); // the poll reopens it
    expect((await client.run(W1, 'hostname')).stdout).toBe('worker-1\n');
  });

  it('ssh-hang accepts the connection and never answers', async () => {
    ctx.faults.add({ kind: 'ssh-hang', node: 'worker-0' });
    const r = await client.run(W0, 'true', { connectTimeout: 1 });
    expect(r.code).toBe(255);
    expect(r.stderr).toMatch(/timed out/i);
    expect(r.ms).toBeGreaterThanOrEqual(900);
    await expect(runWithSsh2(ssh, W0, 'true', { readyTimeout: 400 })).rejects.toThrow(/timed out/i);
    expect(ctx.faults.fired.get('ssh-hang')).toBe(2);
  });

  it('ssh-reset resets the first `count` connections, then lets them through', async () => {
    ctx.faults.add({ kind: 'ssh-reset', node: 'worker-1', count: 2 });
    const first = await client.run(W1, 'true');
    expect(first.code).toBe(255);
    expect(first.stderr).toMatch(/Connection reset by peer|Connection closed/);
    await expect(runWithSsh2(ssh, W1, 'true')).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(ctx.faults.list()).toHaveLength(0); // the burst is used up and gone
    expect((await client.run(W1, 'hostname')).stdout).toBe('worker-1\n');
    expect(ctx.faults.fired.get('ssh-reset')).toBe(2);
  });

  it('ssh-latency delays the handshake and every command reply', async () => {
    const base = await runWithSsh2(ssh, W0, 'true');
    ctx.faults.add({ kind: 'ssh-latency', ms: 300 });
    const slow = await runWithSsh2(ssh, W0, 'true');
    expect(slow.code).toBe(0);
    expect(slow.ms - base.ms).toBeGreaterThanOrEqual(550); // banner + one command
    expect(ctx.faults.fired.get('ssh-latency')).toBe(2);
  });

  it('sudo-password makes sudo -n fail while plain commands still run', async () => {
    ctx.faults.add({ kind: 'sudo-password', node: 'worker-0' });
    const r = await client.run(W0, 'sudo -n true');
    expect(r).toMatchObject({ code: 1, stderr: 'sudo: a password is required\n' });
    const reboot = await client.run(W0, 'sudo shutdown -r -t 3');
    expect(reboot.code).toBe(1);
    expect(reboot.stderr).toContain('a terminal is required to read the password');
    expect((await client.run(W0, 'true')).code).toBe(0);
    expect((await client.run(W1, 'sudo -n true')).code).toBe(0);
    expect(ctx.faults.fired.get('sudo-password')).toBe(2);
  });
});

describe('faults from the scenario', () => {
  it('keeps a node with ssh-connection-refused closed from the start', async () => {
    const c = makeContext({
      nodes: [
        { name: 'a', addresses: ['127.0.89.2'] },
        { name: 'b', addresses: ['127.0.89.3'] },
      ],
      faults: [{ kind: 'ssh-connection-refused', node: 'a' }],
    });
    const nodes = await startSshNodes(c, new FakeHooks());
    try {
      await expect(runWithSsh2(nodes, '127.0.89.2', 'true')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
      expect((await runWithSsh2(nodes, '127.0.89.3', 'hostname')).stdout).toBe('b\n');
      expect(c.faults.fired.get('ssh-connection-refused')).toBe(1);
    } finally {
      await nodes.stop();
    }
  });
});
