// Bad input and unsafe clusters, each through dist/index.js as the runner runs it: exit 1, one clear
// message naming the input or object and the fix, no secret in the log, the summary or stderr, and not
// a single client write in the twin. Cases that do not change the cluster share one small twin; the
// cluster states (4.17, Multitenant, overlapping networks, NotReady node, Degraded operator or pool)
// each get their own small twin.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/twin-action.ts';
import type { ActionRun } from '../helpers/run-action.ts';
import { findType } from '../twin/resources.ts';
import type { ScenarioInput } from '../twin/scenario.ts';

const small = (over: Partial<ScenarioInput> = {}): ScenarioInput => ({
  version: '4.14.12',
  nodes: [{ name: 'master-0' }, { name: 'worker-0' }, { name: 'worker-1' }],
  podsPerNode: 1,
  timing: { msPerSecond: 1, etcdBackupSeconds: 1 },
  ...over,
});

/** Every secret the runs are given; none may reach the log (outside ::add-mask::), stderr or the summary. */
function secretsOf(h: Harness): string[] {
  const keyLines = (key: string) =>
    key
      .split('\n')
      .filter((l) => l.length > 40 && !l.startsWith('-----'))
      .slice(0, 3);
  return [
    h.twin.adminToken,
    h.twin.readonlyToken,
    h.twin.ssh.passphrase,
    ...keyLines(h.twin.ssh.clientPrivateKey),
    ...keyLines(h.twin.ssh.encryptedClientPrivateKey),
  ];
}

function expectRefusal(h: Harness, run: ActionRun, message: RegExp): void {
  const log = run.stdout
    .split('\n')
    .filter((l) => !l.startsWith('::add-mask::'))
    .join('\n');
  expect(run.code, log + run.stderr).toBe(1);
  expect(run.timedOut).toBe(false);
  // One message (core.error and setFailed may both print it), naming the input or object and the fix.
  expect(new Set(run.errors).size, run.errors.join('\n---\n')).toBe(1);
  expect(run.errors[0]).toMatch(message);
  for (const secret of secretsOf(h)) {
    expect(log).not.toContain(secret);
    expect(run.stderr).not.toContain(secret);
    expect(run.summary).not.toContain(secret);
  }
  expect(h.twin.timeline.clientWrites()).toEqual([]);
  if (run.outputs.result) expect(run.outputs.result).toBe('refused');
}

describe('one healthy cluster, bad inputs', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(small());
  });
  afterAll(async () => h?.stop());

  const withToken = (token: string) => h.twin.kubeconfig.replace(h.twin.adminToken, token);

  it.each([
    ['missing kubeconfig', () => ({ kubeconfig: '' }), /^Input "kubeconfig": is required but empty/],
    ['unparsable kubeconfig', () => ({ kubeconfig: 'clusters: [\n  - {name: x\n' }), /^Input "kubeconfig": /],
    [
      'base64 that is not a kubeconfig',
      () => ({ kubeconfig: Buffer.from('just some words, not YAML: [').toString('base64') }),
      /^Input "kubeconfig": /,
    ],
    ['unknown context', () => ({ context: 'prod-admin' }), /^Input "context": .*prod-admin/],
    ['unknown mode', () => ({ mode: 'yolo' }), /^Input "mode": "yolo" is not a mode/],
    ['mtu not a number', () => ({ mtu: 'jumbo' }), /^Input "mtu": "jumbo"/],
    ['negative mtu', () => ({ mtu: '-1400' }), /^Input "mtu": "-1400"/],
    ['geneve-port 0', () => ({ 'geneve-port': '0' }), /^Input "geneve-port": "0"/],
    ['geneve-port 70000', () => ({ 'geneve-port': '70000' }), /^Input "geneve-port": "70000"/],
    ['geneve-port 4789', () => ({ 'geneve-port': '4789' }), /^Input "geneve-port": 4789 is the VXLAN port/],
    [
      'geneve-port 31000',
      () => ({ 'geneve-port': '31000' }),
      /^Input "geneve-port": 31000 is in the node port range/,
    ],
    ['geneve-port text', () => ({ 'geneve-port': 'geneve' }), /^Input "geneve-port": "geneve"/],
    ['unparsable wait-timeout', () => ({ 'wait-timeout': 'soon' }), /^Input "wait-timeout": /],
    ['unparsable reboot-timeout', () => ({ 'reboot-timeout': '5 parsecs' }), /^Input "reboot-timeout": /],
    ['retention-days 0', () => ({ 'retention-days': '0' }), /^Input "retention-days": "0"/],
    ['retention-days 91', () => ({ 'retention-days': '91' }), /^Input "retention-days": "91"/],
    [
      'malformed SSH key',
      () => ({
        'ssh-private-key':
          '-----BEGIN OPENSSH PRIVATE KEY-----\nbm90IGEga2V5\n-----END OPENSSH PRIVATE KEY-----\n',
      }),
      /^Input "ssh-private-key": /,
    ],
    [
      'encrypted key without a passphrase',
      () => ({ 'ssh-private-key': h.twin.ssh.encryptedClientPrivateKey }),
      /^Input "ssh-passphrase": |^Input "ssh-private-key": .*passphrase/,
    ],
    [
      'encrypted key with a wrong passphrase',
      () => ({ 'ssh-private-key': h.twin.ssh.encryptedClientPrivateKey, 'ssh-passphrase': 'not it' }),
      /^Input "ssh-passphrase": |^Input "ssh-private-key": .*passphrase/,
    ],
  ])('%s', async (_name, extra, message) => {
    expectRefusal(h, await h.run(extra()), message);
  });

  it('API unreachable', async () => {
    const kubeconfig = h.twin.kubeconfig.replace(h.twin.apiUrl, 'https://127.0.0.1:1');
    expectRefusal(
      h,
      await h.run({ kubeconfig }),
      /cannot reach the API server at https:\/\/127\.0\.0\.1:1: .*check the kubeconfig's server/,
    );
  }, 60_000);

  it('token rejected', async () => {
    expectRefusal(
      h,
      await h.run({ kubeconfig: withToken('sha256~garbage-token-0123456789') }),
      /token was rejected \(401\)/,
    );
  });

  it('permissions missing (read-only user): refused, listing them', async () => {
    const run = await h.run({ kubeconfig: h.twin.readonlyKubeconfig });
    expectRefusal(
      h,
      run,
      /^Preflight refused the migration.*permission\(s\) missing.*cluster-admin.*patch networks\.operator\.openshift\.io/,
    );
    expect(run.summary).toMatch(/^## ⛔ Refused before any change — \d+ blocking checks?:/);
  });

  it('SSH user refused', async () => {
    expectRefusal(
      h,
      await h.run({ 'ssh-user': 'root' }),
      /^Preflight refused.*the key was refused for user root.*check ssh-private-key\/ssh-user/,
    );
  });

  it('bastion unreachable', async () => {
    expectRefusal(
      h,
      await h.run({ 'ssh-bastion': '127.0.0.1:1' }),
      /^Preflight refused.*cannot connect to the bastion 127\.0\.0\.1:1 .*check ssh-bastion/,
    );
  });

  it('host key mismatch', async () => {
    const lines = h.twin.nodes.map((n) => n.knownHostsLines[0]);
    const rotated = lines.map((l, i) => {
      const [host] = l.split(' ');
      const [, type, blob] = lines[(i + 1) % lines.length].split(' ');
      return `${host} ${type} ${blob}`;
    });
    expectRefusal(
      h,
      await h.run({ 'ssh-known-hosts': rotated.join('\n') }),
      /^Preflight refused.*host key mismatch for .*update ssh-known-hosts/,
    );
  });

  it('sudo asking for a password', async () => {
    const fault = { kind: 'sudo-password', node: 'worker-1' } as const;
    h.twin.faults.add(fault);
    try {
      expectRefusal(
        h,
        await h.run(),
        /^Preflight refused.*worker-1: sudo asked for a password for user core.*passwordless sudo/,
      );
    } finally {
      h.twin.faults.remove(fault);
    }
  });

  it('mtu above the smallest node MTU minus 100', async () => {
    expectRefusal(
      h,
      await h.run({ mtu: '1450' }),
      /^Preflight refused.*mtu 1450 is above the smallest node MTU minus 100 \(1500 − 100 = 1400.*at most 1400/,
    );
  });

  it('a migration started by someone else (annotation, then spec.migration)', async () => {
    const networks = findType('operator.openshift.io', 'networks')!;
    const op = h.twin.store.get(networks, undefined, 'cluster')!;
    h.twin.store.update(
      {
        ...op,
        metadata: {
          ...op.metadata,
          annotations: { ...op.metadata.annotations, 'networkoperator.openshift.io/network-migration': '' },
        },
      },
      'someone-else',
    );
    expectRefusal(h, await h.run(), /^Preflight refused.*No migration already under way.*network-migration/);
    const annotated = h.twin.store.get(networks, undefined, 'cluster')!;
    delete annotated.metadata.annotations!['networkoperator.openshift.io/network-migration'];
    h.twin.store.update(
      {
        ...annotated,
        spec: { ...(annotated.spec as Record<string, unknown>), migration: { networkType: 'OVNKubernetes' } },
      },
      'someone-else',
    );
    expectRefusal(
      h,
      await h.run(),
      /^Preflight refused.*spec\.migration = \{"networkType":"OVNKubernetes"\}/,
    );
  });
});

describe('clusters that must be refused', () => {
  it.each([
    [
      'cluster on 4.17',
      small({ version: '4.17.0' }),
      /OpenShift 4\.17\.0 is not supported: OpenShift SDN was removed in 4\.17/,
    ],
    [
      'Multitenant mode',
      small({ network: { sdnMode: 'Multitenant' } }),
      /^Preflight refused.*Multitenant isolation mode/,
    ],
    [
      'cluster network overlapping OVN-Kubernetes',
      small({ network: { clusterNetwork: [{ cidr: '100.64.0.0/14', hostPrefix: 23 }] } }),
      /^Preflight refused.*cluster network 100\.64\.0\.0\/14 overlaps 100\.64\.0\.0\/16/,
    ],
    [
      'a NotReady node',
      small({ nodes: [{ name: 'master-0' }, { name: 'worker-0', ready: false }] }),
      /^Preflight refused.*1 of 2 node\(s\) NotReady.*worker-0: Ready=False/,
    ],
    [
      'a Degraded ClusterOperator',
      small({ clusterOperators: [{ name: 'ingress', degraded: true, message: 'router pods crashlooping' }] }),
      /^Preflight refused.*ingress: Available=True Progressing=False Degraded=True — router pods crashlooping/,
    ],
    [
      'a Degraded pool',
      small({ pools: [{ name: 'worker', degraded: 'unexpected on-disk state' }] }),
      /^Preflight refused.*worker: Degraded — .*unexpected on-disk state/,
    ],
  ])('%s', async (_name, scenario, message) => {
    const h = await startHarness(scenario);
    try {
      expectRefusal(h, await h.run(), message);
    } finally {
      await h.stop();
    }
  });
});
