// The twin's nodes seen through OpenSSH's real client and ssh2's Client: authentication, host keys,
// the command interpreter (reboot, MTU, etcd backup) and nodes going down and coming back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateEd25519 } from './keys.ts';
import { startSshNodes, type SshNodes } from './nodes.ts';
import { FakeHooks, makeContext, OpenSshClient, runWithSsh2 } from './test-support.ts';

const ctx = makeContext({
  nodes: [
    { name: 'master-0', pool: 'master', mtu: 9000, addresses: ['127.0.77.2'] },
    { name: 'worker-0', pool: 'worker', mtu: 1500, addresses: ['127.0.77.3', '127.0.77.4'] },
  ],
  timing: { etcdBackupSeconds: 300 },
});
const hooks = new FakeHooks();
let ssh: SshNodes;
let client: OpenSshClient;
const MASTER = '127.0.77.2';
const WORKER = '127.0.77.3';

beforeAll(async () => {
  ssh = await startSshNodes(ctx, hooks);
  client = new OpenSshClient(ssh);
});
afterAll(async () => {
  await ssh?.stop();
  client?.cleanup();
});

describe('ssh nodes with OpenSSH client', () => {
  it('lets core in with the twin key and runs sudo -n true', async () => {
    const before = ctx.timeline.counters.get('ssh connect') ?? 0;
    const r = await client.run(WORKER, 'sudo -n true');
    expect(r).toMatchObject({ code: 0, stdout: '' });
    expect(ctx.timeline.counters.get('ssh connect')).toBe(before + 1);
    expect(ctx.timeline.counters.get('ssh exec')).toBeGreaterThanOrEqual(1);
  });

  it('answers hostname, whoami and the boot id from the Node object', async () => {
    expect((await client.run(MASTER, 'hostname')).stdout).toBe('master-0\n');
    expect((await client.run(MASTER, 'whoami')).stdout).toBe('core\n');
    expect((await client.run(MASTER, 'sudo whoami')).stdout).toBe('root\n');
    expect((await client.run(WORKER, 'cat /proc/sys/kernel/random/boot_id')).stdout).toBe(
      'boot-worker-0-1\n',
    );
  });

  it('schedules reboots as RHCOS does: -t is ignored, +1 minute, and records them', async () => {
    hooks.reboots.length = 0;
    const r = await client.run(WORKER, 'sudo shutdown -r -t 3');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    // 4.14 runs RHCOS 9 (systemd 252): "Reboot scheduled", on stderr; -t 3 is a no-op, so +1 minute.
    expect(r.stderr).toMatch(
      /^Reboot scheduled for \w{3} \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC, use 'shutdown -c' to cancel\.\n$/,
    );
    expect(hooks.reboots).toEqual([{ node: 'worker-0', delaySeconds: 60, command: 'sudo shutdown -r -t 3' }]);
    expect(ctx.timeline.entries.at(-1)).toMatchObject({
      actor: 'ssh:core',
      verb: 'reboot',
      object: 'Node/worker-0',
      change: 'sudo shutdown -r -t 3',
    });
    expect((await client.run(WORKER, 'sudo -n shutdown -r +2')).code).toBe(0);
    expect((await client.run(WORKER, 'sudo shutdown -r')).code).toBe(0);
    expect(hooks.reboots.map((x) => x.delaySeconds)).toEqual([60, 120, 60]);
    const denied = await client.run(WORKER, 'shutdown -r now');
    expect(denied.code).toBe(1);
    expect(denied.stderr).toContain('Interactive authentication required');
    expect(hooks.reboots).toHaveLength(3);
  });

  it('drops the session without an exit status when a reboot is immediate', async () => {
    hooks.reboots.length = 0;
    for (const command of ['sudo systemctl reboot', 'sudo -n reboot', 'sudo shutdown -r now; echo after']) {
      const r = await client.run(WORKER, command);
      expect(r.code, command).toBe(255); // OpenSSH: the connection closed before any exit status
      expect(r.stdout, command).toBe('');
      expect(r.stderr, command).toMatch(/closed by remote host/);
    }
    expect(hooks.reboots.map((x) => x.delaySeconds)).toEqual([0, 0, 0]);
    const viaSsh2 = await runWithSsh2(ssh, WORKER, 'sudo systemctl reboot');
    expect(viaSsh2).toMatchObject({ code: null, closedWithoutExit: true });
  });

  it('schedules systemd-run timers and cancels with shutdown -c', async () => {
    hooks.reboots.length = 0;
    const r = await client.run(WORKER, 'sudo systemd-run --on-active=90 systemctl reboot');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(
      /^Running timer as unit: run-r[0-9a-f]{32}\.timer\nWill run service as unit: run-r[0-9a-f]{32}\.service\n$/,
    );
    expect((await client.run(WORKER, "sudo systemd-run --on-active='1min 30s' /usr/sbin/reboot")).code).toBe(
      0,
    );
    expect(hooks.reboots.map((x) => x.delaySeconds)).toEqual([90, 90]);
    expect((await client.run(WORKER, 'systemd-run --on-active=5 systemctl reboot')).stderr).toContain(
      'Interactive authentication required',
    );
    expect((await client.run(WORKER, 'sudo systemd-run --on-active=5 rm -rf /')).code).toBe(1);
    expect(await client.run(WORKER, 'sudo shutdown -c')).toMatchObject({ code: 0, stderr: '' });
    expect(hooks.cancelled).toEqual(['worker-0']);
    expect(hooks.reboots).toHaveLength(2);
  });

  it('reports the node MTU through ip and sysfs', async () => {
    const links = JSON.parse((await client.run(MASTER, 'ip -j link show')).stdout) as {
      ifname: string;
      mtu: number;
      flags: string[];
    }[];
    expect(links.map((l) => [l.ifname, l.mtu])).toEqual([
      ['lo', 65536],
      ['ens3', 9000],
    ]);
    expect(links[0].flags).toContain('LOOPBACK');
    const routes = JSON.parse((await client.run(MASTER, 'ip -j route show default')).stdout) as {
      dst: string;
      dev: string;
      gateway: string;
    }[];
    expect(routes).toEqual([expect.objectContaining({ dst: 'default', dev: 'ens3', gateway: '10.0.0.1' })]);
    expect((await client.run(MASTER, 'cat /sys/class/net/ens3/mtu')).stdout).toBe('9000\n');
    expect((await client.run(WORKER, 'cat /sys/class/net/ens3/mtu')).stdout).toBe('1500\n');
    const text = (await client.run(WORKER, 'ip -o link show')).stdout.split('\n');
    expect(text[1]).toMatch(
      /^2: ens3: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc fq_codel state UP .*\\ {4}link\/ether /,
    );
    const missing = await client.run(WORKER, 'cat /sys/class/net/eth9/mtu');
    expect(missing).toMatchObject({
      code: 1,
      stderr: 'cat: /sys/class/net/eth9/mtu: No such file or directory\n',
    });
  });

  it('runs cluster-backup.sh on a master, taking etcdBackupSeconds, and the files are there', async () => {
    const dir = '/home/core/assets/backup';
    const r = await client.run(MASTER, `sudo -E ${'/usr/local/bin/cluster-backup.sh'} ${dir}`);
    expect(r.code).toBe(0);
    expect(r.ms).toBeGreaterThanOrEqual(300); // 300 virtual seconds at 1 ms each
    const saved =
      /^Snapshot saved at (\/home\/core\/assets\/backup\/snapshot_\d{4}-\d\d-\d\d_\d{6}\.db)$/m.exec(
        r.stdout,
      );
    expect(saved).not.toBeNull();
    expect(r.stdout).toContain(`snapshot db and kube resources are successfully saved to ${dir}\n`);
    const snapshot = saved![1];
    const ls = await client.run(MASTER, `ls -l ${dir}`);
    expect(ls.code).toBe(0);
    expect(ls.stdout).toMatch(
      /^total \d+\n-rw-------\. 1 root root +\d+ \w{3} [ \d]\d \d\d:\d\d snapshot_.*\.db\n-rw-------\. 1 root root +\d+ .* static_kuberesources_.*\.tar\.gz\n$/,
    );
    expect((await client.run(MASTER, `ls ${dir}`)).stdout.split('\n').filter(Boolean)).toHaveLength(2);
    expect((await client.run(MASTER, `sudo test -s ${snapshot}`)).code).toBe(0);
    expect((await client.run(MASTER, `test -s ${dir}/nothing.db`)).code).toBe(1);
    expect(Number((await client.run(MASTER, `stat -c %s ${snapshot}`)).stdout)).toBeGreaterThan(1_000_000);
    expect(ctx.timeline.entries.some((e) => e.verb === 'backup' && e.object === 'Node/master-0')).toBe(true);
    // Workers have no etcd and no backup script.
    const worker = await client.run(WORKER, `sudo -n /usr/local/bin/cluster-backup.sh ${dir}`);
    expect(worker).toMatchObject({
      code: 1,
      stderr: 'sudo: /usr/local/bin/cluster-backup.sh: command not found\n',
    });
    expect((await client.run(WORKER, `ls ${dir}`)).code).toBe(2);
    expect((await client.run(MASTER, `/usr/local/bin/cluster-backup.sh ${dir}`)).stdout).toBe(
      'This script must be run as root\n',
    );
  });

  it('answers an unknown command with 127', async () => {
    const r = await client.run(WORKER, 'frobnicate --now');
    expect(r).toMatchObject({ code: 127, stderr: 'bash: frobnicate: command not found\n' });
  });

  it('is refused by ssh when known_hosts holds another key for the address', async () => {
    const other = generateEd25519();
    const liar = new OpenSshClient(ssh);
    const line = `[${WORKER}]:${ssh.port} ${other.publicKey}`;
    const { writeFileSync } = await import('node:fs');
    writeFileSync(liar.knownHosts, `${line}\n`);
    const r = await liar.run(WORKER, 'true');
    liar.cleanup();
    expect(r.code).toBe(255);
    expect(r.stderr).toContain('REMOTE HOST IDENTIFICATION HAS CHANGED');
    expect(r.stderr).toContain(ssh.nodes.find((n) => n.name === 'worker-0')!.hostKeyFingerprint);
  });

  it('answers on every InternalIP of a node with the same host key', async () => {
    const worker = ssh.nodes.find((n) => n.name === 'worker-0')!;
    expect(worker.addresses).toEqual(['127.0.77.3', '127.0.77.4']);
    const keyOf = (line: string) => line.split(' ').slice(1).join(' ');
    expect(keyOf(worker.knownHostsLines[0])).toBe(keyOf(worker.knownHostsLines[1]));
    expect(worker.knownHostsLines[1]).toMatch(
      new RegExp(`^\\[127\\.0\\.77\\.4\\]:${ssh.port} ssh-ed25519 AAAA`),
    );
    for (const a of worker.addresses) expect((await client.run(a, 'hostname')).stdout).toBe('worker-0\n');
    const master = ssh.nodes.find((n) => n.name === 'master-0')!;
    expect(master.hostKeyFingerprint).not.toBe(worker.hostKeyFingerprint);
    expect(master.hostKeyFingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });

  it('takes no user but core and no key but the twin client key', async () => {
    const asRoot = await client.run(WORKER, 'true', { user: 'root' });
    expect(asRoot.code).toBe(255);
    expect(asRoot.stderr).toContain('Permission denied (publickey)');
    const stranger = new OpenSshClient(ssh, generateEd25519().privateKey);
    const r = await stranger.run(WORKER, 'true');
    stranger.cleanup();
    expect(r.code).toBe(255);
    expect(r.stderr).toContain('Permission denied (publickey)');
  });
});

describe('ssh nodes with ssh2 Client', () => {
  it('connects, verifies the host key fingerprint and runs a command', async () => {
    const fp = ssh.nodes.find((n) => n.name === 'master-0')!.hostKeyFingerprint;
    const r = await runWithSsh2(ssh, MASTER, 'cat /sys/class/net/ens3/mtu', { fingerprint: fp });
    expect(r).toMatchObject({ code: 0, stdout: '9000\n' });
    const wrong = ssh.nodes.find((n) => n.name === 'worker-0')!.hostKeyFingerprint;
    await expect(runWithSsh2(ssh, MASTER, 'true', { fingerprint: wrong })).rejects.toThrow(
      /verification failed/i,
    );
  });

  it('uses the encrypted copy of the client key with its passphrase, and not without', async () => {
    expect(ssh.encryptedClientPrivateKey).toContain('BEGIN OPENSSH PRIVATE KEY');
    expect(ssh.encryptedClientPrivateKey).not.toBe(ssh.clientPrivateKey);
    const r = await runWithSsh2(ssh, WORKER, 'hostname', {
      privateKey: ssh.encryptedClientPrivateKey,
      passphrase: ssh.clientKeyPassphrase,
    });
    expect(r).toMatchObject({ code: 0, stdout: 'worker-0\n' });
    await expect(
      runWithSsh2(ssh, WORKER, 'hostname', { privateKey: ssh.encryptedClientPrivateKey }),
    ).rejects.toThrow(/passphrase/i);
    await expect(
      runWithSsh2(ssh, WORKER, 'hostname', {
        privateKey: ssh.encryptedClientPrivateKey,
        passphrase: 'wrong',
      }),
    ).rejects.toThrow();
  });

  it('supports a shell session with commands on stdin', async () => {
    const { default: ssh2 } = await import('ssh2');
    const out = await new Promise<{ code: number; stdout: string }>((resolve, reject) => {
      const conn = new ssh2.Client();
      conn.on('error', reject);
      conn.on('ready', () =>
        conn.shell(false, (err, stream) => {
          if (err) return reject(err);
          let stdout = '';
          let code = -1;
          stream.on('data', (d: Buffer) => (stdout += d.toString()));
          stream.on('exit', (c: number) => (code = c));
          stream.on('close', () => {
            conn.end();
            resolve({ code, stdout });
          });
          stream.end('hostname\ncat /sys/class/net/ens3/mtu\nfalse\n');
        }),
      );
      conn.connect({ host: WORKER, port: ssh.port, username: 'core', privateKey: ssh.clientPrivateKey });
    });
    expect(out).toEqual({ code: 1, stdout: 'worker-0\n1500\n' });
  });
});

describe('nodes going down', () => {
  it('refuses connections while down, drops open sessions, and answers again when up', async () => {
    const { default: ssh2 } = await import('ssh2');
    const conn = new ssh2.Client();
    const closed = new Promise<void>((resolve) => conn.on('close', () => resolve()));
    conn.on('error', () => {});
    await new Promise<void>((resolve, reject) => {
      conn.on('ready', () => resolve());
      conn.on('error', reject);
      conn.connect({ host: WORKER, port: ssh.port, username: 'core', privateKey: ssh.clientPrivateKey });
    });
    hooks.down.add('worker-0');
    await ssh.refresh();
    await closed; // the open session went with the node
    const r = await client.run(WORKER, 'true');
    expect(r.code).toBe(255);
    expect(r.stderr).toContain('Connection refused');
    expect((await client.run('127.0.77.4', 'true')).stderr).toContain('Connection refused');
    expect((await client.run(MASTER, 'true')).code).toBe(0); // other nodes are unaffected
    hooks.down.delete('worker-0');
    // No explicit refresh: the poll notices the node is back.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await client.run(WORKER, 'hostname')).stdout).toBe('worker-0\n');
  });
});
