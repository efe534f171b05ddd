// Issue 11, "No secret or runaway size from cluster data": the install-config in
// kube-system/cluster-config-v1 holds the pull secret. A malformed one must not carry it into the log,
// the summary or the artifact through a parser's message (which quotes the offending line): the action
// reads only the machine networks and says "could not be parsed (line N)".
import { afterEach, describe, expect, it } from 'vitest';
import { readMachineNetworks } from '../../src/checks/preflight/install-config.ts';
import { findSecrets, smallScenario, startHarness, type Harness } from '../helpers/twin-action.ts';
import { findType } from '../twin/resources.ts';

const PULL_SECRET = 'UFVMTFNFQ1JFVC1kby1ub3QtbGVhaw==';
/** Line 6 is malformed: a flow mapping followed by more text, the error the parser quotes. */
const MALFORMED = [
  'apiVersion: v1',
  'networking:',
  '  machineNetwork:',
  '  - cidr: 10.0.0.0/16',
  'platform: {none: {}}',
  `pullSecret: {"auths":{"quay.io":{"auth":"${PULL_SECRET}"}}} trailing: x`,
  'sshKey: ssh-ed25519 AAAA',
].join('\n');

describe('readMachineNetworks', () => {
  it('names the line of a parse error and nothing of its text', () => {
    const r = readMachineNetworks(MALFORMED);
    expect(r).toEqual({
      problem: 'ConfigMap kube-system/cluster-config-v1: the install-config could not be parsed (line 6)',
    });
  });

  it('reads machineNetwork and machineCIDR, and refuses to echo a value that is not a CIDR', () => {
    expect(
      readMachineNetworks(
        `networking:\n  machineCIDR: 10.1.0.0/16\n  machineNetwork:\n  - cidr: fd00::/48\n  - cidr: 10.0.0.0/16\npullSecret: '${PULL_SECRET}'\n`,
      ),
    ).toEqual({ cidrs: ['fd00::/48', '10.0.0.0/16', '10.1.0.0/16'] });
    const r = readMachineNetworks(`networking:\n  machineNetwork:\n  - cidr: '${PULL_SECRET}'\n`);
    expect(JSON.stringify(r)).not.toContain(PULL_SECRET);
    expect(r.problem).toMatch(/networking\.machineNetwork\[0\]\.cidr in the install-config is not a CIDR$/);
  });
});

describe('a malformed install-config end to end', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.stop();
    h = undefined;
  });

  it('plan: the pull secret reaches no log, summary, output or artifact; the warning names the line', async () => {
    h = await startHarness(smallScenario());
    const configMaps = findType('', 'configmaps')!;
    const cm = h.twin.store.get(configMaps, 'kube-system', 'cluster-config-v1')!;
    h.twin.store.update({ ...cm, data: { 'install-config': MALFORMED } }, 'installer');
    const run = await h.run({ mode: 'plan' });
    expect(run.code, run.stdout).toBe(0);
    expect(await findSecrets(run, h.results, [{ label: 'pull secret', value: PULL_SECRET }])).toEqual([]);
    expect(run.stdout).toContain('the install-config could not be parsed (line 6)');
    expect(run.summary).toContain('could not be parsed (line 6)');
    expect(h.twin.timeline.clientWrites()).toEqual([]);
  });
});
