// The real kubectl against the twin's API server: discovery, table printing, describe, patch, annotate,
// wait, rollout status, logs, namespace deletion, authentication and authorization.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findType } from '../resources.ts';
import { type ApiFixture, startFixture } from './fixture.ts';
import { makeKubeconfig } from './kubeconfig.ts';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const t = (group: string, plural: string) => findType(group, plural)!;

function rows(stdout: string): string[][] {
  return stdout
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s{2,}/));
}

// gcloud's kubectl dispatcher picks the client matching the server: 4.14 (v1.27) gets kubectl 1.27 and
// 4.6 (v1.19, older than any bundled client) gets the newest, 1.32; both must work against the twin.
describe.each([
  { version: '4.14.12', kubeMinor: '27' },
  { version: '4.6.21', kubeMinor: '19' },
])('kubectl against a $version twin', ({ version, kubeMinor }) => {
  let f: ApiFixture;
  beforeAll(async () => {
    f = await startFixture(version);
  });
  afterAll(async () => {
    await f.stop();
  });

  it('reports the Kubernetes version of the OpenShift release', async () => {
    const r = await f.kubectl(['version', '-o', 'json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).serverVersion).toMatchObject({
      major: '1',
      minor: kubeMinor,
      gitVersion: `v1.${kubeMinor}.0`,
    });
  });

  it('prints server-side tables for nodes, pods, daemonsets, operators, pools and namespaces', async () => {
    const nodes = await f.kubectl(['get', 'nodes']);
    expect(nodes.code, nodes.stderr).toBe(0);
    expect(rows(nodes.stdout)).toEqual([
      ['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION'],
      ['master-0', 'Ready', 'master', expect.stringMatching(/^\d+s$/), 'v1.27.6+f67aeb3'],
      ['worker-0', 'Ready', 'worker', expect.stringMatching(/^\d+s$/), 'v1.27.6+f67aeb3'],
    ]);

    const pods = await f.kubectl(['get', 'pods', '-n', 'workloads', '-o', 'wide']);
    expect(pods.code, pods.stderr).toBe(0);
    const p = rows(pods.stdout);
    expect(p[0].slice(0, 7)).toEqual(['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE']);
    expect(p.find((r) => r[0] === 'crash-1')?.slice(0, 4)).toEqual([
      'crash-1',
      '0/1',
      'CrashLoopBackOff',
      '4',
    ]);
    expect(p.find((r) => r[0] === 'web-2')?.[6]).toBe('master-0');

    const ds = await f.kubectl(['get', 'ds', '-n', 'openshift-multus']);
    expect(rows(ds.stdout)[0]).toEqual([
      'NAME',
      'DESIRED',
      'CURRENT',
      'READY',
      'UP-TO-DATE',
      'AVAILABLE',
      'NODE SELECTOR',
      'AGE',
    ]);
    expect(rows(ds.stdout)[1].slice(0, 7)).toEqual([
      'multus',
      '2',
      '2',
      '2',
      '2',
      '2',
      'kubernetes.io/os=linux',
    ]);

    const co = await f.kubectl(['get', 'co']);
    expect(rows(co.stdout)[0]).toEqual([
      'NAME',
      'VERSION',
      'AVAILABLE',
      'PROGRESSING',
      'DEGRADED',
      'SINCE',
      'MESSAGE',
    ]);
    expect(rows(co.stdout)[1].slice(0, 5)).toEqual(['network', '4.14.12', 'True', 'False', 'False']);

    const mcp = await f.kubectl(['get', 'mcp']);
    expect(rows(mcp.stdout)[0]).toEqual([
      'NAME',
      'CONFIG',
      'UPDATED',
      'UPDATING',
      'DEGRADED',
      'MACHINECOUNT',
      'READYMACHINECOUNT',
      'UPDATEDMACHINECOUNT',
      'DEGRADEDMACHINECOUNT',
      'AGE',
    ]);
    expect(rows(mcp.stdout)[1].slice(0, 9)).toEqual([
      'worker',
      'rendered-worker-1',
      'True',
      'False',
      'False',
      '1',
      '1',
      '1',
      '0',
    ]);

    const net = await f.kubectl(['get', 'networks.config.openshift.io']);
    expect(rows(net.stdout)).toEqual([
      ['NAME', 'AGE'],
      ['cluster', expect.stringMatching(/^\d+s$/)],
    ]);
    expect(f.ctx.timeline.counters.get('list nodes')).toBeGreaterThanOrEqual(1);
  });

  it('reads objects as JSON and through jsonpath, with label and field selectors', async () => {
    const r = await f.kubectl(['get', 'network.config.openshift.io', 'cluster', '-o', 'json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ kind: 'Network', spec: { networkType: 'OpenShiftSDN' } });
    const jp = await f.kubectl([
      'get',
      'nodes',
      '-o',
      'jsonpath={.items[*].status.addresses[?(@.type=="InternalIP")].address}',
    ]);
    expect(jp.stdout).toBe('127.0.1.2 127.0.1.3');
    const sel = await f.kubectl(['get', 'nodes', '-l', 'node-role.kubernetes.io/worker', '-o', 'name']);
    expect(sel.stdout.trim()).toBe('node/worker-0');
    const fs = await f.kubectl([
      'get',
      'pods',
      '-A',
      '--field-selector',
      'spec.nodeName=worker-0,status.phase!=Succeeded',
      '-o',
      'name',
    ]);
    expect(fs.stdout.trim().split('\n')).toEqual(['pod/crash-1', 'pod/web-1']);
  });

  it('describes a node, including the pods scheduled on it', async () => {
    const r = await f.kubectl(['describe', 'node', 'worker-0']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Name:\s+worker-0$/m);
    expect(r.stdout).toMatch(/InternalIP:\s+127\.0\.1\.3/);
    expect(r.stdout).toMatch(/Non-terminated Pods:\s+\(2 in total\)/);
  });

  it('patches with merge and JSON patch, recording the client write in the timeline', async () => {
    const merge = await f.kubectl([
      'patch',
      'network.operator.openshift.io',
      'cluster',
      '--type=merge',
      '-p',
      '{"spec":{"migration":{"networkType":"OVNKubernetes"}}}',
    ]);
    expect(merge.code, merge.stderr).toBe(0);
    const op = f.ctx.store.get(t('operator.openshift.io', 'networks'), undefined, 'cluster')!;
    expect(op.spec).toMatchObject({ migration: { networkType: 'OVNKubernetes' } });

    const json = await f.kubectl([
      'patch',
      'network.operator.openshift.io',
      'cluster',
      '--type=json',
      '-p',
      '[{"op":"test","path":"/spec/migration/networkType","value":"OVNKubernetes"},{"op":"remove","path":"/spec/migration"}]',
    ]);
    expect(json.code, json.stderr).toBe(0);
    expect(
      f.ctx.store.get(t('operator.openshift.io', 'networks'), undefined, 'cluster')!.spec,
    ).not.toHaveProperty('migration');
    const writes = f.ctx.timeline
      .clientWrites()
      .filter((e) => e.object === 'Network.operator.openshift.io/cluster' && e.verb === 'patch');
    expect(writes.map((e) => e.actor)).toEqual(['client:system:admin', 'client:system:admin']);
    expect(writes[0].change).toContain('spec.migration');

    const failed = await f.kubectl([
      'patch',
      'network.operator.openshift.io',
      'cluster',
      '--type=json',
      '-p',
      '[{"op":"test","path":"/spec/defaultNetwork/type","value":"nope"}]',
    ]);
    expect(failed.code).not.toBe(0);
    expect(failed.stderr).toContain('testing value /spec/defaultNetwork/type failed');
  });

  it('streams table rows while watching (get -w)', async () => {
    const watching = f.kubectl(['get', 'nodes', '-w', '--request-timeout=1s']);
    setTimeout(() => {
      f.ctx.store.mutate(t('', 'nodes'), undefined, 'master-0', 'kubelet', (o) => {
        (o.spec as Record<string, unknown>).unschedulable = true;
      });
    }, 400);
    const r = await watching;
    // The watch ends at the request timeout, which kubectl reports as an error exit.
    expect(rows(r.stdout).map((x) => x.slice(0, 2))).toEqual([
      ['NAME', 'STATUS'],
      ['master-0', 'Ready'],
      ['worker-0', 'Ready'],
      ['master-0', 'Ready,SchedulingDisabled'],
    ]);
  });

  it('does not store a server-side dry run', async () => {
    const before = f.ctx.timeline.entries.length;
    const r = await f.kubectl([
      'patch',
      'mcp',
      'worker',
      '--type=merge',
      '-p',
      '{"spec":{"paused":true}}',
      '--dry-run=server',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(f.ctx.timeline.entries.length).toBe(before);
    expect(
      f.ctx.store.get(t('machineconfiguration.openshift.io', 'machineconfigpools'), undefined, 'worker')!
        .spec,
    ).toMatchObject({ paused: false });
  });

  it('adds and removes an annotation', async () => {
    const nodes = t('', 'nodes');
    const add = await f.kubectl(['annotate', 'node', 'worker-0', 'twin.example/mark=one']);
    expect(add.code, add.stderr).toBe(0);
    expect(f.ctx.store.get(nodes, undefined, 'worker-0')!.metadata.annotations).toEqual({
      'twin.example/mark': 'one',
    });
    const del = await f.kubectl(['annotate', 'node', 'worker-0', 'twin.example/mark-']);
    expect(del.code, del.stderr).toBe(0);
    expect(f.ctx.store.get(nodes, undefined, 'worker-0')!.metadata.annotations ?? {}).toEqual({});
  });

  it('waits for a jsonpath condition that becomes true during the wait', async () => {
    const networks = t('config.openshift.io', 'networks');
    const waiting = f.kubectl([
      'wait',
      'network.config.openshift.io/cluster',
      '--for=jsonpath={.status.networkType}=OVNKubernetes',
      '--timeout=20s',
    ]);
    setTimeout(() => {
      f.ctx.store.mutate(networks, undefined, 'cluster', 'cno', (o) => {
        (o.status as Record<string, unknown>).networkType = 'OVNKubernetes';
      });
    }, 400);
    const r = await waiting;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('condition met');
    expect(f.ctx.timeline.counters.get('watch networks.config.openshift.io')).toBeGreaterThanOrEqual(1);
  });

  it('follows a daemonset rollout to its end', async () => {
    const ds = t('apps', 'daemonsets');
    f.ctx.store.mutate(ds, 'openshift-multus', 'multus', 'controller', (o) => {
      (o.spec as { template: { metadata: { annotations?: object } } }).template.metadata.annotations = {
        restarted: '1',
      };
      Object.assign(o.status as object, { updatedNumberScheduled: 0, numberAvailable: 1, numberReady: 1 });
    });
    const rollout = f.kubectl([
      'rollout',
      'status',
      'daemonset/multus',
      '-n',
      'openshift-multus',
      '--timeout=20s',
    ]);
    setTimeout(() => {
      f.ctx.store.mutate(ds, 'openshift-multus', 'multus', 'controller', (o) => {
        Object.assign(o.status as object, { observedGeneration: 2, updatedNumberScheduled: 1 });
      });
    }, 300);
    setTimeout(() => {
      f.ctx.store.mutate(ds, 'openshift-multus', 'multus', 'controller', (o) => {
        Object.assign(o.status as object, { updatedNumberScheduled: 2, numberAvailable: 2, numberReady: 2 });
      });
    }, 700);
    const r = await rollout;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Waiting for daemon set "multus" rollout to finish');
    expect(r.stdout).toContain('daemon set "multus" successfully rolled out');
  });

  it('prints pod logs and 404s for a missing pod', async () => {
    const r = await f.kubectl(['logs', '-n', 'workloads', 'web-1', '-c', 'main', '--tail=2']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('line 2\nline 3\n');
    expect(f.ctx.timeline.counters.get('get pods/log')).toBeGreaterThanOrEqual(1);
    const missing = await f.kubectl(['logs', '-n', 'workloads', 'nope']);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('pods "nope" not found');
  });

  it('deletes a namespace, which stays Terminating', async () => {
    const r = await f.kubectl(['delete', 'namespace', 'openshift-sdn', '--wait=false']);
    expect(r.code, r.stderr).toBe(0);
    const get = await f.kubectl(['get', 'ns', 'openshift-sdn', '--no-headers']);
    expect(rows(get.stdout)[0].slice(0, 2)).toEqual(['openshift-sdn', 'Terminating']);
    const create = await f.kubectl(['run', 'late', '--image=quay.io/twin/x:1', '-n', 'openshift-sdn']);
    expect(create.code).not.toBe(0);
    expect(create.stderr).toContain(
      'unable to create new content in namespace openshift-sdn because it is being terminated',
    );
  });

  it('refuses a bad token (401) and a read-only user write (403), and answers access reviews', async () => {
    const bad = join(f.dir, 'bad.kubeconfig');
    await writeFile(bad, makeKubeconfig({ url: f.api.url, caPem: f.api.caPem, token: 'wrong' }), {
      mode: 0o600,
    });
    const r401 = await f.kubectl(['get', 'nodes'], { kubeconfig: bad });
    expect(r401.code).not.toBe(0);
    expect(r401.stderr).toMatch(/Unauthorized|must be logged in/);

    const view = await f.kubectl(['get', 'nodes', '-o', 'name'], { kubeconfig: f.viewerKubeconfig });
    expect(view.code, view.stderr).toBe(0);
    const r403 = await f.kubectl(
      [
        'patch',
        'network.config.openshift.io',
        'cluster',
        '--type=merge',
        '-p',
        '{"spec":{"networkType":"OVNKubernetes"}}',
      ],
      { kubeconfig: f.viewerKubeconfig },
    );
    expect(r403.code).not.toBe(0);
    expect(r403.stderr).toContain(
      'networks.config.openshift.io "cluster" is forbidden: User "viewer" cannot patch resource "networks" in API group "config.openshift.io" at the cluster scope',
    );
    const can = await f.kubectl(['auth', 'can-i', 'patch', 'networks.config.openshift.io'], {
      kubeconfig: f.viewerKubeconfig,
    });
    expect(can.stdout.trim()).toBe('no');
    const canList = await f.kubectl(['auth', 'can-i', 'list', 'nodes'], { kubeconfig: f.viewerKubeconfig });
    expect(canList.stdout.trim()).toBe('yes');
    const admin = await f.kubectl(['auth', 'can-i', 'patch', 'networks.config.openshift.io']);
    expect(admin.stdout.trim()).toBe('yes');
  });
});
