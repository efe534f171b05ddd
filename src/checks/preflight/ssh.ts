// Every node reachable as ssh-user (through the bastion), host key accepted and `sudo -n` working:
// the reboots need all three. Without a key (a plan job) it is a warning, not a pass.
import { nodeAccessOf } from '../../inputs/node-access.ts';
import { groupedFailures } from './node-probe.ts';
import type { PreflightCheck } from './types.ts';

export const sshCheck: PreflightCheck = {
  id: 'ssh',
  title: ({ ctx }) => `Every node reachable over SSH as ${ctx.settings.ssh.user} with passwordless sudo`,
  severity: 'blocking',
  // node-access api reaches the nodes without SSH: api-access.ts checks that path instead.
  applies: { when: (f) => nodeAccessOf(f.ctx.settings).kind === 'ssh' },
  run: async (f) => {
    const { ssh } = f.ctx.settings;
    if (!(await f.nodes())) throw new Error('the nodes could not be listed');
    const probes = await f.probes();
    if (!probes)
      return {
        ok: false,
        severity: 'warn',
        detail:
          'not checked: no ssh-private-key (mode migrate needs it to reboot the nodes; give it to the plan job to check SSH now)',
      };
    const failed = probes.filter((p) => p.error);
    if (failed.length)
      return {
        ok: false,
        detail: `${failed.length} of ${probes.length} node(s) not usable over SSH — the reboots would fail: fix what is named below (ssh-private-key, ssh-user, ssh-bastion, ssh-known-hosts, passwordless sudo) and run again`,
        items: groupedFailures(failed),
      };
    const via = `connected as ${ssh.user}${ssh.bastion ? ` through ${ssh.bastion.host}` : ''}`;
    // A key nobody listed proves only that something answered on that address: never a pass.
    const unverified = probes.filter((p) => p.hostKeyVerified === false).map((p) => p.name);
    if (unverified.length)
      return {
        ok: false,
        severity: 'warn',
        detail: `${probes.length} node(s) ${via}, sudo -n works — but ${unverified.length} node(s)' host keys are not verified (not in ssh-known-hosts): compare the fingerprints under "Host keys" with the nodes' own, then pass the plan's known-hosts output to migrate as ssh-known-hosts`,
        items: unverified,
      };
    return {
      ok: true,
      detail: `${probes.length} node(s): ${via}, host key matches ssh-known-hosts, sudo -n works`,
    };
  },
};
