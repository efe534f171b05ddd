// Reports as runs leave them, shared by the summary tests and the rendered fixtures: a 4.14 cluster
// (procedure B) with masters and workers inserted in a scrambled order, 16 passing checks, an
// estimate, a plan of four steps; failedRun() adds a node that did not come back and 25 pods in error.
import { RunReport, type CheckRecord, type RunResult } from '../../src/report/model.ts';

export const T0 = new Date('2026-11-27T09:00:00Z');

export function check(id: string, ok = true, severity: CheckRecord['severity'] = 'blocking'): CheckRecord {
  return { id, title: `Check ${id}`, ok, severity, detail: ok ? 'fine' : `${id} is not fine` };
}

/** A report as a 4.14 run on `nodes` nodes (masters first) would leave it. */
export function report(result: RunResult, nodes = 6, mode = 'migrate'): RunReport {
  const r = new RunReport('https://api.prod.example:6443');
  Object.defineProperty(r, 'startedAt', { value: T0 });
  r.finishedAt = new Date(T0.getTime() + 41 * 60_000);
  r.result = result;
  r.cluster = {
    server: 'https://api.prod.example:6443',
    id: '9c548f9a-2c1f-41f4-9f11-b65db37c816c',
    version: '4.14.12',
    variant: 'B — offline, OpenShift 4.8–4.16 (spec.migration, pools not paused)',
    networkTypeBefore: 'OpenShiftSDN',
    networkTypeAfter: result === 'migrated' ? 'OVNKubernetes' : undefined,
  };
  r.settings = {
    mode,
    sshUser: 'core',
    sshPort: 22,
    sshKnownHosts: 'given (host keys checked)',
    maxParallelReboots: 0,
    cleanup: true,
    etcdBackup: true,
  };
  r.context = { runUrl: 'https://github.com/acme/ops/actions/runs/42', actor: 'alice' };
  for (let i = 0; i < nodes; i++) {
    const pool = i < 3 ? 'master' : 'worker';
    // Inserted in a scrambled order: the table sorts them.
    const name = i < 3 ? `master-${i}` : `worker-${(i * 11) % (nodes - 3)}`;
    const n = r.node(name);
    n.pool = pool;
    n.addresses = [`10.0.${i >> 8}.${i & 255}`];
    n.ready = true;
    if (result !== 'planned' && result !== 'refused') {
      n.bootIdBefore = `aaaaaaaa-${i}`;
      n.bootIdAfter = `bbbbbbbb-${i}`;
      n.backAfterMs = 95_000;
      n.mcoState = 'Done';
    }
  }
  r.checks = Array.from({ length: 16 }, (_, i) => check(`c${i}`));
  r.estimate = {
    totalMs: 33 * 60_000,
    parts: [
      { what: 'MCO rollout of configure-ovs.sh OVNKubernetes', ms: 15 * 60_000, basis: 'pools in parallel' },
      { what: 'Reboot every node over SSH', ms: 10 * 60_000, basis: '6 node(s), all at once' },
      { what: 'Operator reactions, multus rollout, verification', ms: 8 * 60_000, basis: 'fixed allowance' },
    ],
    model: 'Assumes a node reboot takes 10 min.',
  };
  r.plan = [
    {
      phase: 'Back up',
      step: 'Back up the network configuration',
      changes: ['(no change: files in the artifact)'],
    },
    {
      phase: 'Start',
      step: 'Set spec.migration',
      changes: ['Network.operator.openshift.io cluster: spec.migration.networkType = OVNKubernetes'],
    },
    {
      phase: 'Switch',
      step: 'Set spec.networkType',
      changes: [
        'Network.config.openshift.io cluster: spec.networkType = OVNKubernetes',
        'Network.operator.openshift.io cluster: spec.defaultNetwork.ovnKubernetesConfig',
      ],
    },
    { phase: 'Reboot', step: 'Reboot every node', changes: ['Node master-0: rebooted over SSH'] },
  ];
  r.inventory = { egressIPs: [], egressFirewalls: [], multicastNamespaces: [] };
  return r;
}

export function failedRun(): RunReport {
  const r = report('failed');
  r.settings.mode = 'migrate';
  r.phases = [
    {
      id: 'backup',
      title: 'Back up the network configuration',
      startedAt: T0.toISOString(),
      durationMs: 2000,
      outcome: 'ok',
    },
    {
      id: 'reboot',
      title: 'Reboot every node',
      startedAt: T0.toISOString(),
      durationMs: 30 * 60_000,
      outcome: 'failed',
      detail: 'worker-2 did not come back',
    },
  ];
  const w2 = r.node('worker-2');
  w2.ready = false;
  w2.condition = 'Ready=Unknown (NodeStatusUnknown: Kubelet stopped posting node status.)';
  w2.notes.push('did not come back within 10m');
  r.checks.push({
    id: 'pods-healthy',
    title: 'No pod in an error state',
    ok: false,
    severity: 'blocking',
    detail: '25 pod(s) in error',
    items: Array.from({ length: 25 }, (_, i) => `app-${i}/web-${i} on worker-${i % 3}: CrashLoopBackOff`),
    evidence: 'machine-config-daemon log of worker-2:\nI1127 09:30:01 daemon.go:1200 Starting update',
  });
  r.changes = [
    {
      at: '2026-11-27T09:02:00Z',
      step: 'set-migration',
      object: 'Network.operator.openshift.io/cluster',
      field: 'spec.migration.networkType',
      from: null,
      to: 'OVNKubernetes',
    },
    {
      at: '2026-11-27T09:10:00Z',
      step: 'network-type',
      object: 'Network.config.openshift.io/cluster',
      field: 'spec.networkType',
      from: 'OpenShiftSDN',
      to: 'OVNKubernetes',
    },
  ];
  r.failure = {
    message: '1 node(s) did not come back from the reboot: worker-2',
    stand: 'switched-not-rebooted',
    phase: 'Reboot every node',
    clusterState: 'The migration (procedure B) stopped during "Reboot every node" (step reboot-nodes).',
    nextSteps: [
      'Re-run the workflow with the same inputs to continue.',
      'To go back, run the workflow with mode rollback and the same inputs.',
    ],
    commands: ['oc get nodes -o wide'],
  };
  r.artifact = { name: 'sdn-to-ovn-report', id: 7, size: 48_213 };
  return r;
}
