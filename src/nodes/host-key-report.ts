// The host keys a run saw, for the approver and for the next job: every address's key goes into the
// report (the summary's "Host keys" table, with fingerprints) and, as known_hosts lines, into the
// known-hosts output that the example workflow hands from the plan job to the migrate job — so the keys
// the migration trusts are the keys the approver approved.
import { knownHostsLines } from './known-hosts.ts';
import type { NodeShell } from './ssh.ts';
import type { RunReport } from '../report/model.ts';

/** Fills report.hostKeys (and a warning for unverified keys); returns the known_hosts text. */
export function reportHostKeys(report: RunReport, shell: NodeShell | undefined): string {
  const keys = [...(shell?.hostKeys.values() ?? [])].sort(
    (a, b) => a.node.localeCompare(b.node) || a.address.localeCompare(b.address),
  );
  report.hostKeys = keys.map(({ node, address, port, keyType, fingerprint, verified }) => ({
    node,
    address,
    port,
    keyType,
    fingerprint,
    verified,
  }));
  const unverified = keys.filter((k) => !k.verified);
  if (unverified.length)
    report.warnings.push(
      `${unverified.length} SSH host key(s) were accepted without verification (not listed in ssh-known-hosts): approve only if the fingerprints in the "Host keys" table are the nodes' own (e.g. compare with "ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub" on a node); the migration then trusts exactly these keys through the known-hosts output.`,
    );
  return knownHostsLines(keys);
}
