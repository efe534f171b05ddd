// Fidelity, OpenShift 4.14: the 4.8+ offline procedure (procedures.md §B) through the real kubectl
// (scripts/twin-doc-procedure-4.14.sh) reaches its documented end; the 4.6 document's steps
// (scripts/twin-doc-procedure.sh) applied to a 4.14 twin leave co/network Degraded with the
// operator's message and touch no node.
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

const SCRIPT_B = join(ROOT, 'scripts/twin-doc-procedure-4.14.sh');
const SCRIPT_46 = join(ROOT, 'scripts/twin-doc-procedure.sh');
const SCENARIO = join(import.meta.dirname, 'scenarios/ocp-4.14.yaml');
const NOT_MIGRATING =
  "Not applying unsafe configuration change: invalid configuration: [cannot change default network type when not doing migration]. Use 'oc edit network.operator.openshift.io cluster' to undo the change.";

const twins = fidelityTwins(SCENARIO, 'fidelity-414-');
const start = () => twins.start();
const env = twins.env;

const kubectl = (t: Twin, args: string[]) => run(tool('kubectl'), args, env(t));

type Cond = { type: string; status: string; reason?: string; message?: string };
const cond = (o: KObject, type: string) =>
  ((o.status as { conditions?: Cond[] }).conditions ?? []).find((c) => c.type === type);

describe('OpenShift 4.14 twin through kubectl', () => {
  it('the 4.8+ procedure (spec.migration, MCO rollout, type switch, reboots, cleanup) reaches its end', async () => {
    const t = await start();
    const nodes = t.scenario.nodes.map((n) => n.name).sort();
    const version = await kubectl(t, ['version', '-o', 'json']);
    const v = JSON.parse(version.stdout) as {
      clientVersion: { gitVersion: string };
      serverVersion: { gitVersion: string };
    };
    console.log(`kubectl ${v.clientVersion.gitVersion} against server ${v.serverVersion.gitVersion}`);
    expect(v.serverVersion.gitVersion).toBe('v1.27.0');
    expect(v.clientVersion.gitVersion).toMatch(/^v1\.27\./);

    const r = await run('/bin/bash', [SCRIPT_B], env(t));
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.steps.has('done')).toBe(true);

    const backup = parse(
      await readFile(join(twins.workDir(), 'cluster-openshift-sdn.yaml'), 'utf8'),
    ) as KObject;
    expect(backup).toMatchObject({ kind: 'Network', spec: { networkType: 'OpenShiftSDN' } });

    // Gate: every operator listed healthy before the first change.
    const gate = rows(r.steps.get('gate')!.filter((l) => !l.includes('condition met')));
    expect(gate[0]).toEqual(['NAME', 'VERSION', 'AVAILABLE', 'PROGRESSING', 'DEGRADED', 'SINCE', 'MESSAGE']);
    expect(gate.slice(1).map((row) => row.slice(1, 5))).toEqual(
      gate.slice(1).map(() => ['4.14.12', 'True', 'False', 'False']),
    );
    expect(r.steps.get('clear-migration')).toEqual([
      'network.operator.openshift.io/cluster patched (no change)',
    ]);
    expect(r.steps.get('migration')).toEqual(['network.operator.openshift.io/cluster patched']);
    expect(r.steps.get('wait-migration-status')).toEqual([
      'network.config.openshift.io/cluster condition met',
    ]);

    // MCO rolled the OVN host configuration out before the type switch: pools Updated, nodes Done.
    const mcp = rows(r.steps.get('wait-mco')!.filter((l) => !l.includes('condition met')));
    expect(mcp[0].slice(0, 5)).toEqual(['NAME', 'CONFIG', 'UPDATED', 'UPDATING', 'DEGRADED']);
    for (const row of mcp.slice(1)) {
      expect(row[1]).toMatch(new RegExp(`^rendered-${row[0]}-[0-9a-f]{32}$`));
      expect(row.slice(2, 9)).toEqual(['True', 'False', 'False', '3', '3', '3', '0']);
    }
    const described = r.steps.get('describe')!.map((l) => l.replace(/^Annotations:/, '').trim());
    expect(described.filter((l) => l === `${MC}/state: Done`)).toHaveLength(nodes.length);
    expect(r.steps.get('machineconfig')!.map((l) => l.trim())).toContain(OVN_EXECSTART);
    // The switch came after the rollout: by then every node had been rebooted once, by MCO.
    const mcoReboots = t.timeline.entries.filter((e) => e.actor === 'kubelet' && e.verb === 'reboot');
    const typeSwitch = t.timeline
      .clientWrites()
      .find((e) => e.object === 'Network.config.openshift.io/cluster' && e.change.includes('networkType'))!;
    expect(mcoReboots.filter((e) => e.t < typeSwitch.t)).toHaveLength(nodes.length);

    const rollout = r.steps.get('multus')!;
    expect(rollout.at(-1)).toBe('daemon set "multus" successfully rolled out');
    for (const line of rollout.slice(0, -1))
      expect(line).toMatch(/^Waiting for daemon set "multus" rollout to finish: .* of 6 .*\.\.\.$/);
    expect(r.steps.get('reboot')).toEqual(
      [...t.nodes].sort((a, b) => a.name.localeCompare(b.name)).map((n) => `reboot node ${n.addresses[0]}`),
    );
    expect(r.steps.get('network-status')).toEqual(['OVNKubernetes']);
    expect(
      rows(r.steps.get('nodes')!)
        .slice(1)
        .map((row) => row[1]),
    ).toEqual(nodes.map(() => 'Ready'));
    const pods = rows(r.steps.get('pods')!);
    expect(new Set(pods.slice(1).map((row) => row[3]))).toEqual(new Set(['Running']));
    const co = rows(r.steps.get('co')!.filter((l) => !l.includes('condition met')));
    expect(co.slice(1).map((row) => row.slice(2, 5))).toEqual(
      co.slice(1).map(() => ['True', 'False', 'False']),
    );
    expect(r.steps.get('cleanup')).toEqual([
      'network.operator.openshift.io/cluster patched',
      'network.operator.openshift.io/cluster patched',
      'namespace "openshift-sdn" deleted',
    ]);

    // The documented end state.
    const config = t.store.get(T.networkConfig, undefined, 'cluster')!;
    const status = config.status as { networkType: string; migration?: unknown };
    expect(status.networkType).toBe('OVNKubernetes');
    const operator = t.store.get(T.networkOperator, undefined, 'cluster')!;
    const spec = operator.spec as { migration?: unknown; defaultNetwork: Record<string, unknown> };
    expect(spec.migration ?? null).toBeNull();
    expect(spec.defaultNetwork).not.toHaveProperty('openshiftSDNConfig');
    expect(spec.defaultNetwork.type).toBe('OVNKubernetes');
    for (const n of t.store.list(T.node)) {
      const a = annotations(n);
      expect(a[`${MC}/state`]).toBe('Done');
      expect(a[`${MC}/currentConfig`]).toBe(a[`${MC}/desiredConfig`]);
      expect(JSON.stringify(t.store.get(T.machineConfig, undefined, a[`${MC}/currentConfig`]))).toContain(
        OVN_EXECSTART,
      );
      // Once by MCO's rollout of the OVN host configuration, once by the ssh loop.
      expect(t.controllers.rebootCount(n.metadata.name), n.metadata.name).toBe(2);
    }
    for (const c of t.store.list(T.clusterOperator))
      expect([cond(c, 'Available')?.status, cond(c, 'Degraded')?.status], c.metadata.name).toEqual([
        'True',
        'False',
      ]);
    expect(t.store.get(T.namespace, undefined, 'openshift-sdn')).toBeUndefined();
    // Pools were never paused in the forward direction.
    expect(t.timeline.clientWrites().filter((e) => e.change.includes('spec.paused'))).toEqual([]);
  });

  it('the 4.6 steps on 4.14: co/network Degraded with the operator message, no node touched', async () => {
    const t = await start();
    const before = new Map(t.store.list(T.node).map((n) => [n.metadata.name, { ...annotations(n) }]));
    const configs = new Map(
      t.store
        .list(T.pool)
        .map((p) => [p.metadata.name, (p.spec as { configuration: { name: string } }).configuration.name]),
    );

    // annotate, pause master and worker, patch spec.networkType, wait for multus: as the 4.6 text says.
    const r = await run('/bin/bash', [SCRIPT_46], env(t, { STOP_AFTER: 'multus' }));
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.steps.get('network-type')).toEqual(['network.config.openshift.io/cluster patched']);
    // Nothing rolls out, so the document's wait returns at once: an operator would go on to reboot.
    expect(r.steps.get('multus')).toEqual(['daemon set "multus" successfully rolled out']);

    const wait = await kubectl(t, ['wait', 'co/network', '--for=condition=Degraded', '--timeout=30s']);
    expect(wait.code, wait.stderr).toBe(0);
    const co = await kubectl(t, ['get', 'co', 'network']);
    const table = rows(co.stdout.trim().split('\n'));
    expect(table[0]).toEqual(['NAME', 'VERSION', 'AVAILABLE', 'PROGRESSING', 'DEGRADED', 'SINCE', 'MESSAGE']);
    expect(table[1].slice(0, 5)).toEqual(['network', '4.14.12', 'True', 'False', 'True']);
    expect(table[1][6]).toBe(NOT_MIGRATING);
    const reason = await kubectl(t, [
      'get',
      'co',
      'network',
      '-o',
      'jsonpath={.status.conditions[?(@.type=="Degraded")].reason}',
    ]);
    expect(reason.stdout).toBe('InvalidOperatorConfig');

    // Unpause (the document's next pool step) and give MCO and CNO ample virtual time: still nothing.
    for (const p of ['master', 'worker'])
      expect(
        (await kubectl(t, ['patch', 'mcp', p, '--type=merge', '-p', '{"spec":{"paused":false}}'])).code,
      ).toBe(0);
    await new Promise((res) => setTimeout(res, t.clock.toMs(200)));

    const net = await kubectl(t, ['get', 'network.config/cluster', '-o', 'jsonpath={.status.networkType}']);
    expect(net.stdout).toBe('OpenShiftSDN');
    for (const n of t.store.list(T.node)) {
      expect(t.controllers.rebootCount(n.metadata.name), n.metadata.name).toBe(0);
      expect(annotations(n)).toEqual(before.get(n.metadata.name));
    }
    for (const p of t.store.list(T.pool))
      expect((p.spec as { configuration: { name: string } }).configuration.name).toBe(
        configs.get(p.metadata.name),
      );
    expect(t.store.get(T.namespace, undefined, 'openshift-ovn-kubernetes')).toBeUndefined();
    expect(t.timeline.entries.filter((e) => e.verb === 'reboot')).toEqual([]);
    expect(cond(t.store.get(T.clusterOperator, undefined, 'network')!, 'Degraded')?.status).toBe('True');
  });

  it('the CI-style script (condition waits, three health passes, mass reboot across the API outage) under the observable profile', async () => {
    const t = await twins.start(observable);
    const flapping = unhealthyWhenApiReturns(t);
    const started = performance.now();
    const r = await run('/bin/bash', [CI_SCRIPT], env(t, CI_ENV), 150_000);
    console.log(`CI-style 4.14 run: ${Math.round((performance.now() - started) / 1000)} s`);
    expectCiRun(t, r, flapping);
    expect(r.steps.has('annotate')).toBe(false);
    // MCO rolled out before the type switch (4.8+), one master at a time: no outage then.
    const outage = t.timeline.entries.find((e) => e.verb === 'outage')!;
    const typeSwitch = t.timeline
      .clientWrites()
      .find((e) => e.object === 'Network.config.openshift.io/cluster' && e.change.includes('networkType'))!;
    expect(outage.t).toBeGreaterThan(typeSwitch.t);
  }, 160_000);

  it('the documented rollback (procedures.md "Rollback to OpenShift SDN, 4.8–4.16") takes the migrated cluster back to OpenShift SDN', async () => {
    const t = await start();
    const forward = await run('/bin/bash', [SCRIPT_B], env(t));
    expect(forward.code, `${forward.stdout}\n${forward.stderr}`).toBe(0);
    const before = rebootCounts(t);
    const outagesBefore = t.api.outages();

    const r = await run('/bin/bash', [ROLLBACK_SCRIPT], env(t, { VARIANT: 'B' }), 60_000);
    expectRolledBack(t, r, before);
    expect(r.steps.get('wait-migration-status')).toEqual([
      'network.config.openshift.io/cluster condition met',
    ]);
    // Pools paused before the switch: MCO moved no node until the unpause, then one reboot each.
    const writes = t.timeline.clientWrites();
    const switched = writes.find(
      (e) =>
        e.object === 'Network.config.openshift.io/cluster' &&
        e.change.includes('spec.networkType: "OVNKubernetes" → "OpenShiftSDN"'),
    )!;
    const paused = writes.filter((e) => e.change.includes('spec.paused: false → true'));
    expect(paused.map((e) => e.object).sort()).toEqual([
      'MachineConfigPool.machineconfiguration.openshift.io/master',
      'MachineConfigPool.machineconfiguration.openshift.io/worker',
    ]);
    expect(paused.every((e) => e.t < switched.t)).toBe(true);
    // The mass reboot of the rollback took the API away once more; the script rode through it.
    expect(t.api.outages()).toBe(outagesBefore + 1);
    const operator = t.store.get(T.networkOperator, undefined, 'cluster')!;
    expect((operator.spec as { defaultNetwork: Record<string, unknown> }).defaultNetwork).not.toHaveProperty(
      'ovnKubernetesConfig',
    );
    expect(
      (t.store.get(T.networkConfig, undefined, 'cluster')!.status as { migration?: unknown }).migration,
    ).toBeUndefined();
  }, 120_000);
});
