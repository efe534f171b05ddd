// The twin's bastion through OpenSSH's own client: `ssh -J` reaches a node with both host keys checked,
// other destinations are refused as sshd's PermitOpen refuses them, a node that is down is "connect
// failed", a wrong bastion key stops the client before anything is forwarded, and with the exclusive
// bastion a client that skips it cannot reach the nodes.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tool } from '../../helpers/tools.ts';
import { startTwin, type Twin } from '../index.ts';
import { generateEd25519, knownHostsLine } from './keys.ts';

let twin: Twin;
const dir = mkdtempSync(join(tmpdir(), 'twin-bastion-'));

beforeAll(async () => {
  twin = await startTwin({
    version: '4.14.12',
    nodes: [{ name: 'master-0' }, { name: 'worker-0' }],
    bastion: true,
    timing: { msPerSecond: 5, rebootSeconds: 400 },
  });
});
afterAll(async () => {
  await twin?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** An ssh_config for every host (bastion included: options on the command line do not reach -J). */
function config(knownHosts: string): string {
  const kh = join(dir, `known_hosts-${Math.random().toString(36).slice(2)}`);
  writeFileSync(kh, knownHosts);
  const file = join(dir, `config-${Math.random().toString(36).slice(2)}`);
  writeFileSync(
    file,
    [
      'Host *',
      '  User core',
      `  IdentityFile ${twin.ssh.keyPath}`,
      '  IdentitiesOnly yes',
      `  UserKnownHostsFile ${kh}`,
      '  GlobalKnownHostsFile /dev/null',
      '  StrictHostKeyChecking yes',
      '  BatchMode yes',
      '  ConnectTimeout 10',
      '',
    ].join('\n'),
  );
  return file;
}

function ssh(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) =>
    execFile(tool('ssh'), args, { timeout: 30_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }),
    ),
  );
}

const jump = () => `core@${twin.bastion!.address}:${twin.bastion!.port}`;
const addr = (name: string) => twin.nodes.find((n) => n.name === name)!.addresses[0];

describe('bastion (OpenSSH ssh -J)', () => {
  it('reaches each node through the bastion, both host keys checked', async () => {
    const cfg = config(twin.ssh.knownHosts);
    for (const name of ['master-0', 'worker-0']) {
      const r = await ssh(['-F', cfg, '-J', jump(), '-p', String(twin.ssh.port), addr(name), 'hostname']);
      expect(r, name).toMatchObject({ code: 0, stdout: `${name}\n` });
    }
    expect(twin.bastion!.forwards.slice(-2)).toEqual([
      { to: `${addr('master-0')}:${twin.ssh.port}`, result: 'forwarded' },
      { to: `${addr('worker-0')}:${twin.ssh.port}`, result: 'forwarded' },
    ]);
  });

  it('the nodes refuse a client that skips the bastion', async () => {
    const r = await ssh([
      '-F',
      config(twin.ssh.knownHosts),
      '-p',
      String(twin.ssh.port),
      addr('worker-0'),
      'hostname',
    ]);
    expect(r.code).toBe(255);
    expect(r.stderr).toMatch(/Connection reset|Connection closed/);
  });

  it('refuses to forward anywhere but a node SSH server', async () => {
    const before = twin.bastion!.forwards.length;
    const apiPort = new URL(twin.apiUrl).port;
    const r = await ssh([
      '-F',
      config(twin.ssh.knownHosts),
      '-J',
      jump(),
      '-p',
      apiPort,
      '127.0.0.1',
      'hostname',
    ]);
    expect(r.code).toBe(255);
    expect(r.stderr).toContain('open failed: administratively prohibited: open failed');
    expect(twin.bastion!.forwards.slice(before)).toEqual([
      { to: `127.0.0.1:${apiPort}`, result: 'prohibited' },
    ]);
  });

  it('stops at a bastion whose host key does not match, before any forwarding', async () => {
    const before = twin.bastion!.forwards.length;
    const other = generateEd25519('impostor');
    const wrong = [
      knownHostsLine(twin.bastion!.address, twin.bastion!.port, other.publicBlob),
      ...twin.nodes.flatMap((n) => n.knownHostsLines),
    ].join('\n');
    const r = await ssh([
      '-F',
      config(`${wrong}\n`),
      '-J',
      jump(),
      '-p',
      String(twin.ssh.port),
      addr('worker-0'),
      'hostname',
    ]);
    expect(r.code).toBe(255);
    expect(r.stderr).toContain('REMOTE HOST IDENTIFICATION HAS CHANGED');
    expect(r.stderr).toContain('Host key verification failed.');
    expect(twin.bastion!.forwards.length).toBe(before);
  });

  it('reports a node that is down as "connect failed: Connection refused"', async () => {
    const cfg = config(twin.ssh.knownHosts);
    twin.controllers.scheduleReboot('worker-0', 0, 'test');
    await twin.clock.sleep(1);
    const r = await ssh(['-F', cfg, '-J', jump(), '-p', String(twin.ssh.port), addr('worker-0'), 'hostname']);
    expect(r.code).toBe(255);
    expect(r.stderr).toContain('open failed: connect failed: Connection refused');
    expect(twin.bastion!.forwards.at(-1)).toEqual({
      to: `${addr('worker-0')}:${twin.ssh.port}`,
      result: 'refused',
    });
  });
});
