// Fidelity, OpenShift 4.16 limited live migration (procedures.md "Variant C"): the documented steps
// through the real kubectl (scripts/twin-live-procedure.sh: annotate, merge-patch the type, then
// `kubectl wait` on each NetworkTypeMigration* condition of network.config/cluster) reach the end
// with every node rebooted twice by MCO; the live rollback likewise; an egress router pod created
// with `kubectl apply` makes the operator refuse, which `kubectl wait co/network` sees.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fidelityTwins, MC, ROOT, run, T } from './fidelity-support.ts';
import type { Twin } from './index.ts';
import { tool } from '../helpers/tools.ts';

const SCRIPT = join(ROOT, 'scripts/twin-live-procedure.sh');
const SCENARIO = join(import.meta.dirname, 'scenarios/ocp-4.16.yaml');
const CONDITION_MET = 'network.config.openshift.io/cluster condition met';

const twins = fidelityTwins(SCENARIO, 'fidelity-live-');
const kubectl = (t: Twin, args: string[]) => run(tool('kubectl'), args, twins.env(t));

function expectEveryNodeRebootedTwice(t: Twin): void {
  for (const n of t.store.list(T.node)) {
    expect(t.controllers.rebootCount(n.metadata.name), n.metadata.name).toBe(2);
    expect(n.metadata.annotations?.[`${MC}/state`], n.metadata.name).toBe('Done');
  }
}

describe('OpenShift 4.16 live migration through kubectl', () => {
  it('annotate, patch, kubectl wait on each condition: OVN-Kubernetes, every node rebooted twice by MCO', async () => {
    const t = await twins.start();
    const v = JSON.parse((await kubectl(t, ['version', '-o', 'json'])).stdout) as {
      clientVersion: { gitVersion: string };
      serverVersion: { gitVersion: string };
    };
    console.log(`kubectl ${v.clientVersion.gitVersion} against server ${v.serverVersion.gitVersion}`);
    expect(v.serverVersion.gitVersion).toBe('v1.29.0');
    const gate = await kubectl(t, [
      'get',
      'featuregate',
      'cluster',
      '-o',
      'jsonpath={.status.featureGates[0].version}: {.status.featureGates[0].enabled[*].name}',
    ]);
    expect(gate.stdout).toMatch(/^4\.16\.20: .*\bNetworkLiveMigration\b/);

    const r = await run('/bin/bash', [SCRIPT], twins.env(t), 120_000);
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.steps.get('annotate')).toEqual(['network.config.openshift.io/cluster annotated']);
    expect(r.steps.get('patch')).toEqual(['network.config.openshift.io/cluster patched']);
    for (const step of [
      'wait-started',
      'wait-target-cni',
      'wait-mtu',
      'wait-target-in-use',
      'wait-completed',
    ])
      expect(r.steps.get(step), step).toEqual([CONDITION_MET]);
    expect(r.steps.get('conditions')!.sort()).toEqual([
      'NetworkTypeMigrationInProgress False NetworkTypeMigrationCompleted',
      'NetworkTypeMigrationMTUReady Unknown NetworkTypeMigrationNotInProgress',
      'NetworkTypeMigrationOriginalCNIPurged Unknown NetworkTypeMigrationNotInProgress',
      'NetworkTypeMigrationTargetCNIAvailable Unknown NetworkTypeMigrationNotInProgress',
      'NetworkTypeMigrationTargetCNIInUse Unknown NetworkTypeMigrationNotInProgress',
    ]);
    expect(r.steps.get('network-type')).toEqual(['OVNKubernetes']);
    expect(r.steps.get('remove-annotation')).toEqual(['network.config.openshift.io/cluster annotated']);
    expect(r.steps.has('done')).toBe(true);
    const config = t.store.get(T.networkConfig, undefined, 'cluster')!;
    expect(config.metadata.annotations?.['network.openshift.io/network-type-migration']).toBeUndefined();
    expectEveryNodeRebootedTwice(t);
    // The reboots were MCO's, one pool node at a time: never two workers down together.
    const reboots = t.timeline.entries.filter((e) => e.actor === 'kubelet' && e.verb === 'reboot');
    expect(reboots).toHaveLength(12);
    expect(t.timeline.clientWrites().filter((e) => e.verb === 'reboot')).toEqual([]);
  });

  it('4.15 (kubectl 1.28): the same script reaches OVN-Kubernetes', async () => {
    const t = await twins.start((sc) => {
      sc.version = '4.15.31';
    });
    const v = JSON.parse((await kubectl(t, ['version', '-o', 'json'])).stdout) as {
      clientVersion: { gitVersion: string };
      serverVersion: { gitVersion: string };
    };
    console.log(`kubectl ${v.clientVersion.gitVersion} against server ${v.serverVersion.gitVersion}`);
    expect(v.serverVersion.gitVersion).toBe('v1.28.0');
    const r = await run('/bin/bash', [SCRIPT], twins.env(t), 120_000);
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    for (const step of [
      'wait-started',
      'wait-target-cni',
      'wait-mtu',
      'wait-target-in-use',
      'wait-completed',
    ])
      expect(r.steps.get(step), step).toEqual([CONDITION_MET]);
    expect(r.steps.get('network-type')).toEqual(['OVNKubernetes']);
    expectEveryNodeRebootedTwice(t);
  });

  it('the live rollback (TARGET=OpenShiftSDN) of a migrated cluster reaches OpenShift SDN', async () => {
    const t = await twins.start((sc) => {
      sc.network.type = 'OVNKubernetes';
      sc.network.mtu = 1400;
    });
    const r = await run('/bin/bash', [SCRIPT], twins.env(t, { TARGET: 'OpenShiftSDN' }), 120_000);
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.steps.get('network-type')).toEqual(['OpenShiftSDN']);
    expectEveryNodeRebootedTwice(t);
    expect(t.store.get(T.namespace, undefined, 'openshift-ovn-kubernetes')).toBeDefined(); // the user deletes it
  });

  it('an egress router pod: co/network Degraded InvalidClusterConfig, no migration', async () => {
    const t = await twins.start();
    const inProgressSeen: string[] = [];
    t.store.subscribe((e) => {
      if (e.resource !== T.networkConfig) return;
      const c = (
        (e.object.status as { conditions?: { type: string; status: string }[] }).conditions ?? []
      ).find((x) => x.type === 'NetworkTypeMigrationInProgress');
      if (c) inProgressSeen.push(c.status);
    });
    const manifest = join(twins.workDir(), 'egress-router.yaml');
    await writeFile(
      manifest,
      [
        'apiVersion: v1',
        'kind: Pod',
        'metadata:',
        '  name: egress-router',
        '  namespace: default',
        '  annotations:',
        '    pod.network.openshift.io/assign-macvlan: "true"',
        'spec:',
        '  containers:',
        '    - name: egress-router',
        '      image: registry.redhat.io/openshift4/ose-egress-router',
        '',
      ].join('\n'),
    );
    expect((await kubectl(t, ['apply', '-f', manifest])).stdout.trim()).toBe('pod/egress-router created');
    await kubectl(t, [
      'annotate',
      'network.config',
      'cluster',
      'network.openshift.io/network-type-migration=',
    ]);
    await kubectl(t, [
      'patch',
      'Network.config.openshift.io',
      'cluster',
      '--type=merge',
      '--patch',
      '{"spec":{"networkType":"OVNKubernetes"}}',
    ]);
    const w = await kubectl(t, ['wait', 'co/network', '--for=condition=Degraded=True', '--timeout=60s']);
    expect(w.stdout.trim(), w.stderr).toBe('clusteroperator.config.openshift.io/network condition met');
    const d = await kubectl(t, [
      'get',
      'co',
      'network',
      '-o',
      'jsonpath={.status.conditions[?(@.type=="Degraded")].reason}: {.status.conditions[?(@.type=="Degraded")].message}',
    ]);
    expect(d.stdout).toBe(
      'InvalidClusterConfig: The cluster configuration is invalid (network type live migration is not supported for pods with "pod.network.openshift.io/assign-macvlan" annotation. Please remove all egress router pods). Use \'oc edit network.config.openshift.io cluster\' to fix.',
    );
    // The annotation alone (before the type patch) made CNO write the not-migrating state: InProgress
    // False with reason Completed. It never went True: no step was taken.
    const none = await kubectl(t, [
      'get',
      'network.config',
      'cluster',
      '-o',
      'jsonpath={.status.conditions[?(@.type=="NetworkTypeMigrationInProgress")].status} {.status.networkType}',
    ]);
    expect(none.stdout).toBe('False OpenShiftSDN');
    expect(inProgressSeen).not.toContain('True');
    expect(t.store.get(T.namespace, undefined, 'openshift-ovn-kubernetes')).toBeUndefined();
    for (const n of t.store.list(T.node)) expect(t.controllers.rebootCount(n.metadata.name)).toBe(0);
  });
});
