// Fidelity, OpenShift 4.6: the source document's procedure (000_*.txt), run word for word as a bash
// script (scripts/twin-doc-procedure.sh) with the real kubectl in place of `oc` and OpenSSH's `ssh`
// in the reboot loop, against a twin started from scenarios/ocp-4.6.yaml. The twin must end where the
// document says, and what kubectl prints must have the shape of the document's example outputs.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  annotations,
  CI_ENV,
  CI_SCRIPT,
  expectCiRun,
  expectRolledBack,
  fidelityTwins,
  MC,
  observable,
  OVN_EXECSTART,
  rebootCounts,
  ROLLBACK_SCRIPT,
  ROOT,
  rows,
  run,
  T,
  unhealthyWhenApiReturns,
} from './fidelity-support.ts';
import type { Twin } from './index.ts';
import type { KObject } from './store.ts';
import { tool } from '../helpers/tools.ts';

const SCRIPT = join(ROOT, 'scripts/twin-doc-procedure.sh');
const SCENARIO = join(import.meta.dirname, 'scenarios/ocp-4.6.yaml');
const MIGRATION_ANNOTATION = 'networkoperator.openshift.io/network-migration';

const twins = fidelityTwins(SCENARIO, 'fidelity-46-');
const kubectlEnv = twins.env;

/** A 4.6 twin from the scenario file, 10 ms per virtual second so that kubectl sees each phase. */
function start(): Promise<Twin> {
  // 300 ms per multus pod: `rollout status` starts well before the rollout ends, as in the document.
  return twins.start((sc) => (sc.timing.multusPodRestartSeconds = 30));
}

describe('the source document, literally, against a 4.6 twin', () => {
  it('runs every step with kubectl and ssh and ends where the document says', async () => {
    const t = await start();
    const nodes = t.scenario.nodes.map((n) => n.name);
    const poolOf = new Map(t.scenario.nodes.map((n) => [n.name, n.pool]));
    const version = await run(tool('kubectl'), ['version', '-o', 'json'], kubectlEnv(t));
    expect(version.code, version.stderr).toBe(0);
    const v = JSON.parse(version.stdout) as {
      clientVersion: { gitVersion: string };
      serverVersion: { gitVersion: string };
    };
    console.log(`kubectl ${v.clientVersion.gitVersion} against server ${v.serverVersion.gitVersion}`);
    expect(v.serverVersion.gitVersion).toBe('v1.19.0');

    const r = await run('/bin/bash', [SCRIPT], kubectlEnv(t, { POOLS: 'master worker infra' }));
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect([...r.steps.keys()]).toEqual([
      'backup',
      'annotate',
      'pause',
      'network-type',
      'multus',
      'reboot',
      'wait-nodes',
      'unpause',
      'wait-mco',
      'describe',
      'machineconfig',
      'network-status',
      'nodes',
      'mco-pods',
      'mcd-logs',
      'pods',
      'remove-annotation',
      'delete-sdn',
      'done',
    ]);

    // The backup is the Network.config object as it was: OpenShiftSDN.
    const backup = parse(
      await readFile(join(twins.workDir(), 'cluster-openshift-sdn.yaml'), 'utf8'),
    ) as KObject;
    expect(backup).toMatchObject({
      apiVersion: 'config.openshift.io/v1',
      kind: 'Network',
      metadata: { name: 'cluster' },
      spec: { networkType: 'OpenShiftSDN' },
      status: { networkType: 'OpenShiftSDN' },
    });

    expect(r.steps.get('annotate')).toEqual(['network.operator.openshift.io/cluster annotated']);
    expect(r.steps.get('pause')).toEqual(
      ['master', 'worker', 'infra'].map((p) => `machineconfigpool.${MC}/${p} patched`),
    );
    expect(r.steps.get('network-type')).toEqual(['network.config.openshift.io/cluster patched']);

    // Rollout status: the document's example lines, ending with "successfully rolled out".
    const rollout = r.steps.get('multus')!;
    console.log(rollout.join('\n'));
    expect(rollout.at(-1)).toBe('daemon set "multus" successfully rolled out');
    expect(rollout.length).toBeGreaterThan(1);
    for (const line of rollout.slice(0, -1))
      expect(line).toMatch(
        /^Waiting for daemon set "multus" rollout to finish: (\d out of 6 new pods have been updated|\d of 6 updated pods are available)\.\.\.$/,
      );

    // The reboot loop: one "reboot node <ip>" per InternalIP, in `kubectl get nodes` order.
    const ips = [...t.nodes]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((n) => `reboot node ${n.addresses[0]}`);
    expect(r.steps.get('reboot')).toEqual(ips);
    expect(r.stderr.match(/Shutdown scheduled for .* use 'shutdown -c' to cancel\./g)).toHaveLength(6);
    expect(r.steps.get('wait-nodes')).toEqual([...nodes].sort().map((n) => `node/${n} condition met`));
    expect(r.steps.get('wait-mco')).toEqual(
      ['infra', 'master', 'worker'].map((p) => `machineconfigpool.${MC}/${p} condition met`),
    );

    // describe node | egrep "hostname|machineconfig": the document's five lines per node.
    const described = r.steps.get('describe')!.map((l) => l.replace(/^Annotations:/, '').trim());
    expect(described).toHaveLength(nodes.length * 5);
    for (let i = 0; i < nodes.length; i++) {
      const [host, current, desired, reason, state] = described.slice(i * 5, i * 5 + 5);
      const node = [...nodes].sort()[i];
      expect(host).toBe(`kubernetes.io/hostname=${node}`);
      expect(current).toMatch(new RegExp(`^${MC}/currentConfig: rendered-${poolOf.get(node)}-[0-9a-f]{32}$`));
      expect(desired).toBe(current.replace('currentConfig', 'desiredConfig'));
      expect(reason).toBe(`${MC}/reason:`);
      expect(state).toBe(`${MC}/state: Done`);
    }

    // get machineconfig <currentConfig> -o yaml | grep ExecStart
    const mcLines = r.steps.get('machineconfig')!;
    expect(mcLines[0]).toMatch(/^config_name=rendered-infra-[0-9a-f]{32}$/);
    expect(mcLines.map((l) => l.trim())).toContain(OVN_EXECSTART);
    expect(r.steps.get('network-status')).toEqual(['OVNKubernetes']);

    const nodeRows = rows(r.steps.get('nodes')!);
    expect(nodeRows[0]).toEqual(['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION']);
    expect(nodeRows.slice(1).map((row) => `${row[0]} ${row[1]}`)).toEqual(
      [...nodes].sort().map((n) => `${n} Ready`),
    );

    // The MCO pods table: NAME READY STATUS RESTARTS AGE, six machine-config-daemon-xxxxx 2/2 Running.
    const mco = rows(r.steps.get('mco-pods')!);
    expect(mco[0]).toEqual(['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE']);
    const daemons = mco.filter((row) => row[0].startsWith('machine-config-daemon-'));
    expect(daemons).toHaveLength(6);
    for (const d of daemons) {
      expect(d[0]).toMatch(/^machine-config-daemon-[a-z0-9]{5}$/);
      expect(d.slice(1, 3)).toEqual(['2/2', 'Running']);
      expect(d[3]).toMatch(/^\d+$/);
      expect(d[4]).toMatch(/^\d+[smhd]$/);
    }
    expect(mco.find((row) => row[0].startsWith('machine-config-controller-'))?.[0]).toMatch(
      /^machine-config-controller-[0-9a-f]{10}-[a-z0-9]{5}$/,
    );

    // logs of the first machine-config-daemon pod: it went through the update and is in its config.
    const logs = r.steps.get('mcd-logs')!;
    expect(logs[0]).toBe(`pod=${daemons[0][0]}`);
    expect(logs.join('\n')).toMatch(
      /Update completed for config rendered-\w+-[0-9a-f]{32} and node has been successfully uncordoned/,
    );
    expect(logs.at(-1)).toMatch(/daemon\.go:\d+\] In desired config rendered-\w+-[0-9a-f]{32}$/);

    // get pods --all-namespaces -o wide --sort-by='{.spec.nodeName}': no pod in error, sorted by node.
    const pods = rows(r.steps.get('pods')!);
    expect(pods[0].slice(0, 8)).toEqual([
      'NAMESPACE',
      'NAME',
      'READY',
      'STATUS',
      'RESTARTS',
      'AGE',
      'IP',
      'NODE',
    ]);
    const byNode = pods.slice(1).map((row) => row[7]);
    expect(byNode).toEqual([...byNode].sort());
    expect(new Set(pods.slice(1).map((row) => row[3]))).toEqual(new Set(['Running']));
    expect(pods.some((row) => row[0] === 'openshift-ovn-kubernetes')).toBe(true);
    expect(pods.some((row) => row[0] === 'openshift-sdn')).toBe(false);

    expect(r.steps.get('remove-annotation')).toEqual(['network.operator.openshift.io/cluster annotated']);
    expect(r.steps.get('delete-sdn')).toEqual(['namespace "openshift-sdn" deleted']);

    // Where the document says the cluster ends.
    const config = t.store.get(T.networkConfig, undefined, 'cluster')!;
    expect((config.status as { networkType: string }).networkType).toBe('OVNKubernetes');
    for (const n of t.store.list(T.node)) {
      const a = annotations(n);
      expect(a[`${MC}/state`], n.metadata.name).toBe('Done');
      expect(a[`${MC}/currentConfig`]).toBe(a[`${MC}/desiredConfig`]);
      const rendered = t.store.get(T.machineConfig, undefined, a[`${MC}/currentConfig`])!;
      expect(JSON.stringify(rendered)).toContain(OVN_EXECSTART);
      // Once by the document's ssh loop, once by MCO after the unpause.
      expect(t.controllers.rebootCount(n.metadata.name), n.metadata.name).toBe(2);
    }
    expect(t.store.get(T.namespace, undefined, 'openshift-sdn')).toBeUndefined();
    expect(annotations(t.store.get(T.networkOperator, undefined, 'cluster')!)).not.toHaveProperty(
      MIGRATION_ANNOTATION,
    );
    // The timeline saw the ssh reboots as the document's command, every one before MCO's.
    const reboots = t.timeline.entries.filter((e) => e.verb === 'reboot' && e.actor === 'ssh:core');
    expect(reboots.map((e) => e.change)).toEqual(nodes.map(() => 'sudo shutdown -r -t 3'));
    // The client writes are the document's, in its order, and nothing else; the ssh reboots come
    // after the network type switch and before the first unpause.
    const writes = t.timeline.clientWrites();
    expect(writes.map((e) => `${e.verb} ${e.object} ${e.change}`)).toEqual([
      `patch Network.operator.openshift.io/cluster metadata.annotations: (none) → {"${MIGRATION_ANNOTATION}":""}`,
      ...['master', 'worker', 'infra'].map(
        (p) => `patch MachineConfigPool.${MC}/${p} spec.paused: false → true`,
      ),
      'patch Network.config.openshift.io/cluster spec.networkType: "OpenShiftSDN" → "OVNKubernetes"',
      ...['master', 'worker', 'infra'].map(
        (p) => `patch MachineConfigPool.${MC}/${p} spec.paused: true → false`,
      ),
      `patch Network.operator.openshift.io/cluster metadata.annotations.${MIGRATION_ANNOTATION}: "" → (none)`,
      'delete Namespace/openshift-sdn deletionTimestamp set',
    ]);
    expect(Math.min(...reboots.map((e) => e.t))).toBeGreaterThan(writes[4].t);
    expect(Math.max(...reboots.map((e) => e.t))).toBeLessThan(writes[5].t);
  });

  it('the literal text pauses only master and worker: MCO reboots the infra node on its own', async () => {
    const t = await start();
    const initial = new Map(
      t.store.list(T.node).map((n) => [n.metadata.name, annotations(n)[`${MC}/currentConfig`]]),
    );
    const initialPool = (t.store.get(T.pool, undefined, 'infra')!.spec as { configuration: { name: string } })
      .configuration.name;
    // The document's commands up to the network type switch, pausing what the text names.
    const r = await run('/bin/bash', [SCRIPT], kubectlEnv(t, { STOP_AFTER: 'network-type' }));
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.steps.get('pause')).toEqual(
      ['master', 'worker'].map((p) => `machineconfigpool.${MC}/${p} patched`),
    );

    // The infra pool was never paused: MCO rolls the OVN config out to infra-0 at once.
    // Once MCO has rendered it (read from the pool's spec), wait until the pool reports it rolled out.
    const poolConfig = () =>
      (t.store.get(T.pool, undefined, 'infra')!.spec as { configuration: { name: string } }).configuration
        .name;
    const renderedBefore = initialPool;
    for (let i = 0; i < 400 && poolConfig() === renderedBefore; i++)
      await new Promise((res) => setTimeout(res, 25));
    expect(poolConfig()).not.toBe(renderedBefore);
    const wait = await run(
      tool('kubectl'),
      ['wait', 'mcp/infra', `--for=jsonpath={.status.configuration.name}=${poolConfig()}`, '--timeout=30s'],
      kubectlEnv(t),
    );
    expect(wait.code, wait.stderr).toBe(0);
    const mcp = await run(tool('kubectl'), ['get', 'mcp'], kubectlEnv(t));
    const table = rows(mcp.stdout.trim().split('\n'));
    expect(table[0].slice(0, 5)).toEqual(['NAME', 'CONFIG', 'UPDATED', 'UPDATING', 'DEGRADED']);
    const byPool = new Map(table.slice(1).map((row) => [row[0], row]));
    expect(byPool.get('infra')?.slice(2, 5)).toEqual(['True', 'False', 'False']);
    expect(byPool.get('master')?.[2]).toBe('False');
    expect(byPool.get('worker')?.[2]).toBe('False');

    const infra = t.store.get(T.node, undefined, 'infra-0')!;
    const infraConfig = annotations(infra)[`${MC}/currentConfig`];
    expect(infraConfig).not.toBe(initial.get('infra-0'));
    expect(JSON.stringify(t.store.get(T.machineConfig, undefined, infraConfig))).toContain(OVN_EXECSTART);
    // infra-0 was rebooted by MCO before anyone ran the document's reboot loop; the others were not.
    expect(t.controllers.rebootCount('infra-0')).toBe(1);
    for (const n of t.scenario.nodes.filter((s) => s.pool !== 'infra')) {
      expect(t.controllers.rebootCount(n.name)).toBe(0);
      expect(annotations(t.store.get(T.node, undefined, n.name)!)[`${MC}/currentConfig`]).toBe(
        initial.get(n.name),
      );
    }
    expect(t.timeline.entries.filter((e) => e.actor === 'ssh:core')).toEqual([]);
  });

  it('the CI-style script (every pool paused, condition waits, three health passes, mass reboot across the API outage) under the observable profile', async () => {
    const t = await twins.start(observable);
    const flapping = unhealthyWhenApiReturns(t);
    const started = performance.now();
    const r = await run('/bin/bash', [CI_SCRIPT], kubectlEnv(t, CI_ENV), 150_000);
    console.log(`CI-style 4.6 run: ${Math.round((performance.now() - started) / 1000)} s`);
    expectCiRun(t, r, flapping);
    // Variant A: every pool (infra too) paused before the switch, so MCO rebooted nothing before the
    // mass reboot; it rolled the new config out after the pools were resumed.
    expect(r.steps.get('pause')).toHaveLength(3);
    const outage = t.timeline.entries.find((e) => e.verb === 'outage')!;
    const kubeletReboots = t.timeline.entries.filter((e) => e.actor === 'kubelet' && e.verb === 'reboot');
    expect(kubeletReboots.filter((e) => e.t < outage.t - 5)).toEqual([]);
  }, 160_000);

  it('the documented rollback (the 4.6 document "Rolling back to the OpenShift SDN network provider") takes the migrated cluster back to OpenShift SDN', async () => {
    const t = await twins.start();
    const pools = { POOLS: 'master worker infra' };
    const forward = await run('/bin/bash', [SCRIPT], kubectlEnv(t, pools));
    expect(forward.code, `${forward.stdout}\n${forward.stderr}`).toBe(0);
    const before = rebootCounts(t);
    const from = t.timeline.entries.length;

    const r = await run('/bin/bash', [ROLLBACK_SCRIPT], kubectlEnv(t, { ...pools, VARIANT: 'A' }), 60_000);
    expectRolledBack(t, r, before);
    expect(r.steps.has('migration')).toBe(false);
    // The document's order: annotation, every pool paused, the type switch; the pools resumed only
    // after the reboot loop; the annotation removed and OVN's namespace deleted at the end.
    const writes = t.timeline
      .clientWrites()
      .filter((e) => t.timeline.entries.indexOf(e) >= from)
      .map((e) => `${e.verb} ${e.object} ${e.change}`);
    expect(writes).toEqual([
      // (an annotations map already there since the forward run's annotation came and went)
      `patch Network.operator.openshift.io/cluster metadata.annotations.${MIGRATION_ANNOTATION}: (none) → ""`,
      ...['master', 'worker', 'infra'].map(
        (p) => `patch MachineConfigPool.${MC}/${p} spec.paused: false → true`,
      ),
      'patch Network.config.openshift.io/cluster spec.networkType: "OVNKubernetes" → "OpenShiftSDN"',
      ...['master', 'worker', 'infra'].map(
        (p) => `patch MachineConfigPool.${MC}/${p} spec.paused: true → false`,
      ),
      `patch Network.operator.openshift.io/cluster metadata.annotations.${MIGRATION_ANNOTATION}: "" → (none)`,
      'delete Namespace/openshift-ovn-kubernetes deletionTimestamp set',
    ]);
  }, 120_000);
});
