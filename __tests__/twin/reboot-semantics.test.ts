// Reboots as RHCOS's systemd does them, through the whole twin (real kubelet): `shutdown -r -t 3` is
// "+1 minute" (-t is a no-op), the command returns and the node goes down at the scheduled virtual
// time, taking any open session with it; `systemctl reboot` drops the session before an exit status.
// The action's reboot path must count both as sent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster } from '../../src/cluster/client.ts';
import { NodeWatch } from '../../src/nodes/node-watch.ts';
import { rebootNodes } from '../../src/nodes/reboot.ts';
import { NodeShell } from '../../src/nodes/ssh.ts';
import { MemoryLogger } from '../../src/util/log.ts';
import { startTwin, type Twin } from './index.ts';
import { runWithSsh2 } from './ssh/test-support.ts';

let twin: Twin;
// 60 virtual seconds (the scheduled reboot) are 2.4 s real: room for a second SSH session on a loaded machine.
const MS_PER_SECOND = 40;

beforeAll(async () => {
  twin = await startTwin({
    version: '4.14.12',
    nodes: [
      { name: 'master-0' },
      { name: 'master-1' },
      { name: 'master-2' },
      { name: 'worker-0' },
      { name: 'worker-1' },
      { name: 'worker-2' },
    ],
    timing: { msPerSecond: MS_PER_SECOND, rebootSeconds: 20 },
  });
});
afterAll(async () => {
  await twin?.stop();
});

const sshView = () => ({
  port: twin.ssh.port,
  clientPrivateKey: twin.ssh.clientPrivateKey,
  nodes: twin.nodes,
});
const addr = (name: string) => twin.nodes.find((n) => n.name === name)!.addresses[0];

describe('reboot semantics (RHCOS systemd)', () => {
  it('shutdown -r -t 3 returns at once; the node goes down 60 virtual seconds later and drops a session still open', async () => {
    const t0 = twin.clock.now();
    const r = await runWithSsh2(sshView() as never, addr('worker-0'), 'sudo shutdown -r -t 3');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^Reboot scheduled for .* UTC, use 'shutdown -c' to cancel\.\n$/);
    expect(twin.controllers.rebootCount('worker-0')).toBe(0);
    // A session running something long when the reboot comes is cut: no exit status.
    const long = await runWithSsh2(sshView() as never, addr('worker-0'), 'sleep 600');
    expect(long).toMatchObject({ code: null, closedWithoutExit: true });
    const down = twin.timeline.entries.find(
      (e) => e.actor === 'kubelet' && e.verb === 'reboot' && e.object === 'Node/worker-0',
    )!;
    expect(down.t - t0).toBeGreaterThanOrEqual(59);
    expect(down.t - t0).toBeLessThan(60 + 2_000 / MS_PER_SECOND);
    expect(twin.controllers.rebootCount('worker-0')).toBe(1);
  });

  it('shutdown -c cancels a scheduled reboot; systemctl reboot while one is pending reboots now, once', async () => {
    await runWithSsh2(sshView() as never, addr('worker-1'), 'sudo shutdown -r +1');
    await runWithSsh2(sshView() as never, addr('worker-1'), 'sudo shutdown -c');
    await twin.clock.sleep(70);
    expect(twin.controllers.rebootCount('worker-1')).toBe(0);
    await runWithSsh2(sshView() as never, addr('worker-1'), 'sudo shutdown -r +1');
    const now = await runWithSsh2(sshView() as never, addr('worker-1'), 'sudo systemctl reboot');
    expect(now).toMatchObject({ code: null, closedWithoutExit: true });
    await twin.clock.sleep(90);
    expect(twin.controllers.rebootCount('worker-1')).toBe(1);
  });

  it("the action's rebootNodes counts a scheduled reboot and a dropped session as sent, and sees the nodes back", async () => {
    const log = new MemoryLogger();
    const cluster = Cluster.fromKubeconfig(twin.kubeconfig, undefined, log);
    const watch = await NodeWatch.start(cluster, log);
    const shells: NodeShell[] = [];
    try {
      for (const command of ['sudo shutdown -r -t 3', 'sudo systemctl reboot']) {
        const access = new NodeShell(
          {
            user: 'core',
            port: twin.ssh.port,
            privateKey: twin.ssh.clientPrivateKey,
            connectTimeoutMs: 5_000,
            rebootCommand: command,
          },
          log,
        );
        shells.push(access);
        const before = twin.controllers.rebootCount('worker-2');
        const [o] = await rebootNodes(['worker-2'], {
          access,
          watch,
          maxParallel: 0,
          rebootTimeoutMs: 60_000,
          log,
        });
        expect(o, command).toMatchObject({ ok: true });
        expect(o.bootIdAfter, command).not.toBe(o.bootIdBefore);
        expect(twin.controllers.rebootCount('worker-2'), command).toBe(before + 1);
      }
      expect(log.messages('info').filter((m) => /^worker-2: reboot command sent via /.test(m))).toHaveLength(
        2,
      );
    } finally {
      watch.stop();
      for (const s of shells) await s.close();
    }
  });
});
