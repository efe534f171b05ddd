// Shared by the fidelity tests: a twin from a scenario file, a work directory, and the bash procedure
// scripts run with the real kubectl and ssh against it, their output split at `### <step>` markers.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, expect } from 'vitest';
import { startTwin, type Twin } from './index.ts';
import { DEFAULT_REALISM, TIMING_PROFILES } from './realism.ts';
import { findType } from './resources.ts';
import { loadScenarioFile, type Scenario } from './scenario.ts';
import type { KObject } from './store.ts';

export const ROOT = resolve(import.meta.dirname, '../..');
export const MC = 'machineconfiguration.openshift.io';
export const OVN_EXECSTART = 'ExecStart=/usr/local/bin/configure-ovs.sh OVNKubernetes';

export const T = {
  node: findType('', 'nodes')!,
  namespace: findType('', 'namespaces')!,
  networkConfig: findType('config.openshift.io', 'networks')!,
  networkOperator: findType('operator.openshift.io', 'networks')!,
  clusterOperator: findType('config.openshift.io', 'clusteroperators')!,
  machineConfig: findType(MC, 'machineconfigs')!,
  pool: findType(MC, 'machineconfigpools')!,
};

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout split at the script's `### <step>` lines. */
  steps: Map<string, string[]>;
}

export function run(file: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 45_000): Promise<Run> {
  return new Promise((done) => {
    execFile(file, args, { env, timeout: timeoutMs, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      const steps = new Map<string, string[]>();
      let current = '';
      for (const line of stdout.split('\n')) {
        const m = /^### (.+)$/.exec(line);
        if (m) steps.set((current = m[1]), []);
        else if (current && line !== '') steps.get(current)!.push(line);
      }
      done({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr, steps });
    });
  });
}

/** Table rows of kubectl output: columns are separated by two or more spaces. */
export function rows(lines: string[]): string[][] {
  return lines.map((l) => l.trim().split(/\s{2,}/));
}

export const annotations = (o: KObject) => o.metadata.annotations ?? {};

/**
 * A twin per test from `scenarioFile` (10 ms per virtual second so that kubectl sees each phase, plus
 * what `tweak` changes), stopped with its work directory after each test.
 */
export function fidelityTwins(scenarioFile: string, prefix: string) {
  let twin: Twin | undefined;
  let work: string | undefined;
  afterEach(async () => {
    await twin?.stop();
    twin = undefined;
    if (work) await rm(work, { recursive: true, force: true });
    work = undefined;
  });
  return {
    start: async (tweak: (sc: Scenario) => void = () => {}): Promise<Twin> => {
      const sc = loadScenarioFile(scenarioFile);
      sc.timing.msPerSecond = 10;
      tweak(sc);
      twin = await startTwin(sc);
      work = await mkdtemp(join(tmpdir(), prefix));
      return twin;
    },
    /** The procedure scripts' environment: kubeconfig, SSH key and port, a work directory. */
    env: (t: Twin, extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: work!,
      KUBECONFIG: t.kubeconfigPath,
      SSH_KEY: t.ssh.keyPath,
      SSH_PORT: String(t.ssh.port),
      WORKDIR: work!,
      WAIT_TIMEOUT: '40s',
      ...extra,
    }),
    workDir: () => work!,
  };
}

export const CI_SCRIPT = join(ROOT, 'scripts/twin-ci-procedure.sh');
/**
 * The CI script's 30 s between health passes and 10 s per `kubectl wait`, at the observable profile's
 * 25 ms per virtual second: 2 s (80 virtual s) and 2 s; one kubectl wait over a dozen operators needs about 1 s of it). A longer one would
 * let a single `kubectl wait` sit out the whole flapping, which is not what it does on a real cluster.
 */
export const CI_ENV = { PAUSE: '2', CHECK_TIMEOUT: '2s', WAIT_TIMEOUT: '120s' };

/**
 * The `observable` timing profile (every state at least 1.5 s real) with every part of the bad day on:
 * the API outage, MCO latency, ovnkube-node readiness and operators flapping after reboots.
 */
export function observable(sc: Scenario): void {
  sc.timing = { ...sc.timing, ...TIMING_PROFILES.observable };
  sc.realism = { ...DEFAULT_REALISM };
}

/**
 * The operators not healthy at the moment the API came back from its outage (what any client sees
 * first): filled in by the twin's API state listener, read after the run.
 */
export function unhealthyWhenApiReturns(t: Twin): string[][] {
  const seen: string[][] = [];
  t.ctx.api!.onChange((down) => {
    if (down) return;
    const bad = t.store
      .list(T.clusterOperator)
      .filter((co) =>
        ((co.status as { conditions: { type: string; status: string }[] }).conditions ?? []).some(
          (c) => (c.type === 'Progressing' || c.type === 'Degraded') && c.status === 'True',
        ),
      );
    seen.push(bad.map((co) => co.metadata.name));
  });
  return seen;
}

/** What the CI-style script must have seen and done, on any version. */
export function expectCiRun(t: Twin, r: Run, flapping: string[][]): void {
  // The API came back once, with the operators still flapping from the reboots: one green pass right
  // then would have been a lie; the script's gate waited for three.
  expect(flapping).toHaveLength(1);
  expect(flapping[0]).toEqual(expect.arrayContaining(['etcd', 'kube-apiserver', 'ingress', 'dns']));
  expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
  expect(r.steps.has('done')).toBe(true);
  // Three healthy passes before the first change and at the end; at the end only after the operators
  // that flapped after the reboots had settled.
  for (const step of ['gate', 'verify'])
    expect(r.steps.get(step), step).toContain('operators healthy: pass 3 of 3');
  const unhealthy = (step: string) =>
    Number(/unhealthy checks before: (\d+)/.exec(r.steps.get(step)!.join('\n'))?.[1]);
  expect(unhealthy('gate')).toBe(0);
  // Every pool was seen Updating=True before its Updated wait.
  const mco = r.steps.get('wait-mco')!;
  const pools = t.store.list(T.pool).map((p) => p.metadata.name);
  for (const p of pools)
    expect(mco).toContain(`machineconfigpool.machineconfiguration.openshift.io/${p} condition met`);
  expect(mco).toContain('every pool updated');
  expect(r.steps.get('network-type')).toContain('clusteroperator.config.openshift.io/network condition met');
  expect(r.steps.get('multus')!.at(-1)).toBe('daemon set "multus" successfully rolled out');
  // The mass reboot took the API away, the script saw it and rode through it.
  expect(t.api.outages()).toBe(1);
  expect(r.steps.get('wait-nodes')!.some((l) => l.startsWith('API unavailable'))).toBe(true);
  expect(r.stderr).toMatch(/connection to the server .* was refused/);
  expect(r.steps.get('verify')![0]).toBe('OVNKubernetes');
  for (const n of t.store.list(T.node)) {
    expect(annotations(n)[`${MC}/state`], n.metadata.name).toBe('Done');
    expect(t.controllers.rebootCount(n.metadata.name), n.metadata.name).toBe(2);
  }
}

export const ROLLBACK_SCRIPT = join(ROOT, 'scripts/twin-doc-rollback.sh');
const SDN_EXECSTART = 'ExecStart=/usr/local/bin/configure-ovs.sh OpenShiftSDN';

/**
 * What the documented rollback (scripts/twin-doc-rollback.sh) must leave after a migration: OpenShift
 * SDN running, every node Ready and Done on a config that runs `configure-ovs.sh OpenShiftSDN`, each
 * rebooted twice more (the ssh loop, then MCO), the trigger withdrawn and OVN's namespace gone.
 */
export function expectRolledBack(t: Twin, r: Run, rebootsBefore: Map<string, number>): void {
  expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
  expect(r.steps.has('done')).toBe(true);
  expect(r.steps.get('network-status')).toEqual(['OpenShiftSDN']);
  const table = rows(r.steps.get('nodes')!);
  expect(table.slice(1).map((row) => row[1])).toEqual(table.slice(1).map(() => 'Ready'));
  expect(r.steps.get('machineconfig')!.map((l) => l.trim())).toContain(SDN_EXECSTART);
  expect(r.steps.get('multus')!.at(-1)).toBe('daemon set "multus" successfully rolled out');
  const config = t.store.get(T.networkConfig, undefined, 'cluster')!;
  expect((config.status as { networkType: string }).networkType).toBe('OpenShiftSDN');
  const operator = t.store.get(T.networkOperator, undefined, 'cluster')!;
  const spec = operator.spec as { migration?: unknown; defaultNetwork: Record<string, unknown> };
  expect(spec.defaultNetwork.type).toBe('OpenShiftSDN');
  expect(spec.migration ?? null).toBeNull();
  expect(annotations(operator)).not.toHaveProperty('networkoperator.openshift.io/network-migration');
  for (const n of t.store.list(T.node)) {
    const a = annotations(n);
    const name = n.metadata.name;
    expect(a[`${MC}/state`], name).toBe('Done');
    expect(a[`${MC}/currentConfig`], name).toBe(a[`${MC}/desiredConfig`]);
    expect(JSON.stringify(t.store.get(T.machineConfig, undefined, a[`${MC}/currentConfig`]))).toContain(
      SDN_EXECSTART,
    );
    const ready = (n.status as { conditions: { type: string; status: string }[] }).conditions.find(
      (c) => c.type === 'Ready',
    );
    expect(ready?.status, name).toBe('True');
    expect(t.controllers.rebootCount(name) - rebootsBefore.get(name)!, name).toBe(2);
  }
  for (const p of t.store.list(T.pool)) expect((p.spec as { paused: boolean }).paused).toBe(false);
  expect(t.store.get(T.namespace, undefined, 'openshift-ovn-kubernetes')).toBeUndefined();
  expect(t.store.get(T.namespace, undefined, 'openshift-sdn')).toBeDefined();
}

/** Every node's reboot count so far (the rollback's own reboots are counted from here). */
export function rebootCounts(t: Twin): Map<string, number> {
  return new Map(t.scenario.nodes.map((n) => [n.name, t.controllers.rebootCount(n.name)]));
}
