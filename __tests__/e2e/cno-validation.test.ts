// What the network operator refuses, from both sides, through dist/index.js and the real kubectl
// against the twin (whose CNO validates as cluster-network-operator does: cno-validation.ts):
// - the action refuses the same inputs before any change — zero writes to the cluster, nothing over
//   SSH (input errors before the cluster is even contacted);
// - done by hand past the action (`kubectl patch`, as the documentation does it), the same values leave
//   co/network Degraded with the operator's message and the cluster half-way (4.14: MCO has already
//   rolled the OVN host configuration out), or — mtu unset on mixed node MTUs — an overlay MTU that is
//   wrong for the smaller nodes.
import { execFile } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { smallScenario, startHarness, type Harness } from '../helpers/twin-action.ts';
import type { ActionRun } from '../helpers/run-action.ts';
import { tool } from '../helpers/tools.ts';
import type { Twin } from '../twin/index.ts';
import type { ScenarioInput } from '../twin/scenario.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

/** A dual-stack cluster as the operator accepts one: both families in cluster and service networks. */
const DUAL_STACK: ScenarioInput['network'] = {
  clusterNetwork: [
    { cidr: '10.128.0.0/14', hostPrefix: 23 },
    { cidr: 'fd01::/48', hostPrefix: 64 },
  ],
  serviceNetwork: ['172.30.0.0/16', 'fd02::/112'],
};

/** Masters (where the network operator runs) on jumbo frames, one worker on 1500. */
const MIXED_MTUS: ScenarioInput['nodes'] = [
  { name: 'master-0', pool: 'master', mtu: 9000 },
  { name: 'worker-0', pool: 'worker', mtu: 9000 },
  { name: 'worker-1', pool: 'worker', mtu: 1500 },
];

/**
 * Three masters, for the runs past the action: on 4.14 `spec.migration` starts MCO's rollout at once,
 * and one master of one rebooting takes the API away (the bad day), three keep quorum.
 */
const THREE_MASTERS: ScenarioInput['nodes'] = [
  { name: 'master-0', pool: 'master' },
  { name: 'master-1', pool: 'master' },
  { name: 'master-2', pool: 'master' },
  { name: 'worker-0', pool: 'worker' },
];

const INVALID_MTU_1200 =
  "The operator configuration is invalid (invalid configuration: [invalid MTU 1200]). Use 'oc edit network.operator.openshift.io cluster' to fix.";

function kubectl(twin: Twin, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) =>
    execFile(
      tool('kubectl'),
      args,
      { env: { PATH: process.env.PATH, HOME: process.env.HOME, KUBECONFIG: twin.kubeconfigPath } },
      (err, stdout, stderr) => done({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
    ),
  );
}

async function kubectlOk(twin: Twin, args: string[]): Promise<string> {
  const r = await kubectl(twin, args);
  expect(r.code, `kubectl ${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r.stdout;
}

function expectNothingChanged(run: ActionRun): void {
  expect(run.code, run.stdout).toBe(1);
  expect(run.outputs.result ?? 'refused').toBe('refused');
  expect(h!.twin.timeline.clientWrites()).toEqual([]);
  expect(h!.twin.timeline.entries.filter((e) => e.actor.startsWith('ssh'))).toEqual([]);
}

describe('the action refuses what the network operator would refuse, before any change', () => {
  it('4.14 dual-stack, mtu 1200: refused by preflight, zero writes', async () => {
    h = await startHarness(smallScenario({ network: DUAL_STACK }));
    const run = await h.run({ mtu: '1200' });
    expectNothingChanged(run);
    expect(run.errors[0]).toMatch(
      /^Preflight refused.*mtu 1200 is below 1280, the smallest MTU the network operator accepts with an IPv6 network \(cluster network fd01::\/48, service network fd02::\/112\)/,
    );
    expect(run.summary).toContain('No change was made to the cluster.');
    // The same run with an mtu the operator accepts passes preflight (a plan: still no change).
    const plan = await h.run({ mode: 'plan', mtu: '1280' });
    expect(plan.code, plan.stdout).toBe(0);
    expect(plan.outputs.result).toBe('planned');
  });

  it('4.14 dual-stack, ovnKubernetesConfig.mtu 1200 already set by hand and the mtu input empty: refused, zero writes', async () => {
    h = await startHarness(smallScenario({ network: DUAL_STACK }));
    // An administrator's earlier step: the action would write no mtu, so the operator would take this one.
    await kubectlOk(h.twin, [
      'patch',
      'network.operator.openshift.io',
      'cluster',
      '--type=merge',
      '-p',
      '{"spec":{"defaultNetwork":{"ovnKubernetesConfig":{"mtu":1200}}}}',
    ]);
    const before = h.twin.timeline.clientWrites().length;
    const run = await h.run();
    expect(run.code, run.stdout).toBe(1);
    expect(run.outputs.result).toBe('refused');
    expect(h.twin.timeline.clientWrites()).toHaveLength(before);
    expect(h.twin.timeline.entries.filter((e) => e.actor.startsWith('ssh'))).toEqual([]);
    expect(run.errors[0]).toMatch(
      /^Preflight refused.*Network\.operator cluster already sets ovnKubernetesConfig\.mtu 1200, which the network operator will use \(the mtu input replaces it\): mtu 1200 is below 1280/,
    );
  });

  it("mtu unset with the master's MTU above a worker's: refused, naming the MTU to set", async () => {
    h = await startHarness(smallScenario({ nodes: MIXED_MTUS }));
    const run = await h.run();
    expectNothingChanged(run);
    expect(run.errors[0]).toMatch(/node MTUs differ and mtu is not set: .*set the mtu input to 1400/);
  });

  it.each([
    [{ mtu: '575' }, /^Input "mtu": "575" is out of range/],
    [{ mtu: '65537' }, /^Input "mtu": "65537" is out of range/],
    [{ 'geneve-port': '0' }, /^Input "geneve-port": "0" is out of range/],
    [{ 'geneve-port': '70000' }, /^Input "geneve-port": "70000" is out of range/],
    [{ mode: 'rollback', 'vxlan-port': '70000' }, /^Input "vxlan-port": "70000" is out of range/],
  ])('%o: an input error before the cluster is contacted', async (inputs, message) => {
    h = await startHarness(smallScenario());
    const before = h.twin.timeline.totalRequests();
    const run = await h.run(inputs);
    expectNothingChanged(run);
    expect(run.errors[0]).toMatch(message);
    expect(h.twin.timeline.totalRequests()).toBe(before);
  });
});

describe('past the action (kubectl patch), the twin shows what the operator does', () => {
  it('4.14 dual-stack, mtu 1200: co/network Degraded "invalid MTU 1200" at the type switch, the network stays SDN', async () => {
    h = await startHarness(
      smallScenario({ network: DUAL_STACK, nodes: THREE_MASTERS, timing: { msPerSecond: 5 } }),
    );
    const twin = h.twin;
    // procedures.md §B steps 3, 4 and 6, by hand.
    await kubectlOk(twin, [
      'patch',
      'network.operator.openshift.io',
      'cluster',
      '--type=merge',
      '-p',
      '{"spec":{"migration":{"networkType":"OVNKubernetes"},"defaultNetwork":{"ovnKubernetesConfig":{"mtu":1200}}}}',
    ]);
    await kubectlOk(twin, [
      'wait',
      'network.config.openshift.io/cluster',
      '--for=jsonpath={.status.migration.networkType}=OVNKubernetes',
      '--timeout=30s',
    ]);
    // While the default network is still OpenShift SDN, the operator does not look at the OVN settings.
    const before = await kubectlOk(twin, [
      'get',
      'co',
      'network',
      '-o',
      'jsonpath={.status.conditions[?(@.type=="Degraded")].status}',
    ]);
    expect(before).toBe('False');
    await kubectlOk(twin, [
      'patch',
      'network.config.openshift.io',
      'cluster',
      '--type=merge',
      '-p',
      '{"spec":{"networkType":"OVNKubernetes"}}',
    ]);
    await kubectlOk(twin, ['wait', 'co/network', '--for=condition=Degraded', '--timeout=30s']);
    const message = await kubectlOk(twin, [
      'get',
      'co',
      'network',
      '-o',
      'jsonpath={.status.conditions[?(@.type=="Degraded")].message}',
    ]);
    expect(message).toBe(INVALID_MTU_1200);
    const reason = await kubectlOk(twin, [
      'get',
      'network.operator.openshift.io',
      'cluster',
      '-o',
      'jsonpath={.status.conditions[?(@.type=="Degraded")].reason}',
    ]);
    expect(reason).toBe('InvalidOperatorConfig');
    // Nothing renders while the spec is invalid: still OpenShift SDN, no OVN namespace.
    await new Promise((r) => setTimeout(r, twin.clock.toMs(30)));
    expect(
      await kubectlOk(twin, ['get', 'network.config/cluster', '-o', 'jsonpath={.status.networkType}']),
    ).toBe('OpenShiftSDN');
    const ns = await kubectl(twin, ['get', 'namespace', 'openshift-ovn-kubernetes']);
    expect(ns.stderr).toMatch(/NotFound/);
  });

  it("mtu unset on mixed node MTUs: the operator takes its master's 9000 − 100, too large for worker-0's 1500", async () => {
    const nodes = THREE_MASTERS.map((n) => ({ ...n, mtu: n.pool === 'master' ? 9000 : 1500 }));
    h = await startHarness(smallScenario({ nodes, timing: { msPerSecond: 5 } }));
    const twin = h.twin;
    await kubectlOk(twin, [
      'patch',
      'network.operator.openshift.io',
      'cluster',
      '--type=merge',
      '-p',
      '{"spec":{"migration":{"networkType":"OVNKubernetes"}}}',
    ]);
    await kubectlOk(twin, [
      'patch',
      'network.config.openshift.io',
      'cluster',
      '--type=merge',
      '-p',
      '{"spec":{"networkType":"OVNKubernetes"}}',
    ]);
    await kubectlOk(twin, [
      'wait',
      'network.config.openshift.io/cluster',
      '--for=jsonpath={.status.networkType}=OVNKubernetes',
      '--timeout=30s',
    ]);
    const mtu = await kubectlOk(twin, [
      'get',
      'network.config/cluster',
      '-o',
      'jsonpath={.status.clusterNetworkMTU}',
    ]);
    expect(Number(mtu)).toBe(8900);
    expect(Number(mtu)).toBeGreaterThan(1500 - 100);
  });
});
