// A 1,000-node scenario: every node gets its own host key and listener, quickly, and stop() is quick.
import { describe, expect, it } from 'vitest';
import { startSshNodes } from './nodes.ts';
import { FakeHooks, makeContext, runWithSsh2 } from './test-support.ts';

describe('ssh nodes at scale', () => {
  it('starts 1,000 nodes in a few seconds, each with its own host key, and stops fast', async () => {
    const ctx = makeContext({ nodeSets: [{ prefix: 'worker-', count: 1000, pool: 'worker', mtu: 8900 }] });
    const started = performance.now();
    const ssh = await startSshNodes(ctx, new FakeHooks());
    const startMs = performance.now() - started;
    try {
      // Timings are printed, not asserted (a loaded machine is slow; `npm run bench` measures).
      console.log(`1,000 SSH nodes: started in ${Math.round(startMs)} ms`);
      expect(ssh.nodes).toHaveLength(1000);
      expect(new Set(ssh.nodes.map((n) => n.hostKeyFingerprint)).size).toBe(1000);
      for (const i of [0, 499, 999]) {
        const n = ssh.nodes[i];
        const r = await runWithSsh2(ssh, n.addresses[0], 'hostname; cat /sys/class/net/ens3/mtu', {
          fingerprint: n.hostKeyFingerprint,
        });
        expect(r.stdout).toBe(`worker-${i}\n8900\n`);
      }
    } finally {
      const stopping = performance.now();
      await ssh.stop();
      console.log(`1,000 SSH nodes: stopped in ${Math.round(performance.now() - stopping)} ms`);
    }
  });
});
