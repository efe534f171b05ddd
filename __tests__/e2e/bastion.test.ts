// ssh-bastion end to end: the twin's nodes take SSH only from its bastion (an exclusive jump host with
// its own host key), so a migration that succeeds went through it. The bastion's host key is checked
// against ssh-known-hosts like the nodes' keys: a mismatch stops the run before any change.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smallScenario, startHarness, type Harness } from '../helpers/twin-action.ts';
import { generateEd25519, knownHostsLine } from '../twin/ssh/keys.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness(smallScenario({ bastion: true }));
});
afterAll(async () => {
  await h?.stop();
});

const bastionInput = () => `core@${h.twin.bastion!.address}:${h.twin.bastion!.port}`;
const sshReboots = () =>
  h.twin.timeline.entries.filter((e) => e.actor.startsWith('ssh') && e.verb === 'reboot');

describe('ssh-bastion against the twin', () => {
  it('refuses before any change when the bastion presents a host key ssh-known-hosts does not list for it', async () => {
    const impostor = generateEd25519('impostor').publicBlob;
    const knownHosts = h.twin.ssh.knownHosts
      .trim()
      .split('\n')
      .map((l) =>
        l === h.twin.bastion!.knownHostsLine
          ? knownHostsLine(h.twin.bastion!.address, h.twin.bastion!.port, impostor)
          : l,
      )
      .join('\n');
    expect(knownHosts).not.toContain(h.twin.bastion!.knownHostsLine);
    const run = await h.run({ 'ssh-bastion': bastionInput(), 'ssh-known-hosts': knownHosts });
    expect(run.code).toBe(1);
    expect(run.errors.join('\n')).toMatch(/bastion.*host key|host key.*bastion/i);
    expect(h.twin.bastion!.forwards).toEqual([]); // nothing went past the bastion
    expect(sshReboots()).toEqual([]);
    expect(h.twin.timeline.clientWrites()).toEqual([]);
  });

  it('cannot reach the nodes without the bastion: refused before any change', async () => {
    const run = await h.run();
    expect(run.code).toBe(1);
    expect(run.errors.join('\n')).toMatch(/Preflight refused/);
    expect(sshReboots()).toEqual([]);
    expect(h.twin.timeline.clientWrites()).toEqual([]);
  });

  it('migrates through the bastion: every node reached and rebooted via it', async () => {
    const run = await h.run({ 'ssh-bastion': bastionInput() });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.outputs.result).toBe('migrated');
    const forwarded = new Set(
      h.twin.bastion!.forwards.filter((f) => f.result === 'forwarded').map((f) => f.to),
    );
    const nodeTargets = h.twin.nodes.map((n) => `${n.addresses[0]}:${h.twin.ssh.port}`);
    expect([...forwarded].sort()).toEqual(nodeTargets.sort());
    expect(h.twin.bastion!.forwards.filter((f) => f.result === 'prohibited')).toEqual([]);
    const rebooted = new Set(sshReboots().map((e) => e.object));
    expect([...rebooted].sort()).toEqual(h.twin.nodes.map((n) => `Node/${n.name}`).sort());
    expect(run.stdout).toContain(`through ${h.twin.bastion!.address}`);
  });
});
