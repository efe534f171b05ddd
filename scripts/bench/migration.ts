// Whole migrations through the bundled action (`node dist/index.js`, as the runner starts it) against a
// twin, with what the API-request, detection-latency and overhead figures need:
//   - every stdout line with the real time it arrived (performance.now() in this process);
//   - the moment the twin itself reached each awaited state, found by evaluating the state on every
//     change of the twin's store and converting the twin's virtual time (twin.clock) to real time with
//     its msPerSecond and start — the same clock the lines are stamped with;
//   - the twin's request counters (API requests; SSH connects/execs are counted apart).
import type { Twin } from '../../__tests__/twin/index.ts';
import { findType } from '../../__tests__/twin/resources.ts';
import type { ScenarioInput } from '../../__tests__/twin/scenario.ts';
import type { KObject, StoreEvent } from '../../__tests__/twin/store.ts';
import { OPERATOR_PASS_SECONDS, startHarness } from '../../__tests__/helpers/twin-action.ts';
import { daemonSetRolledOut, poolUpdated } from '../../src/openshift/objects.ts';
import { SHUTDOWN_DELAY_MS } from '../../src/checks/estimate.ts';
import type { Realism } from '../../__tests__/twin/realism.ts';

const T = {
  node: findType('', 'nodes')!,
  namespace: findType('', 'namespaces')!,
  daemonSet: findType('apps', 'daemonsets')!,
  networkConfig: findType('config.openshift.io', 'networks')!,
  pool: findType('machineconfiguration.openshift.io', 'machineconfigpools')!,
};

export interface MigrationOptions {
  nodes: number;
  msPerSecond: number;
  /** Masters are 3; workers the rest. Worker pool maxUnavailable defaults to ceil(workers / 10). */
  workerMaxUnavailable?: number;
  podsPerNode?: number;
  /**
   * The twin's bad day (API outage, MCO/CNO latency, flapping operators; default on). The overhead
   * runs switch it off: its waits overlap (the operators settle while the API recovers) so a critical
   * path of it would be a model, not the cluster's own waits; section 7 measures the realistic runs.
   */
  realism?: Partial<Realism>;
}

export function migrationScenario(o: MigrationOptions): ScenarioInput {
  const workers = Math.max(0, o.nodes - 3);
  return {
    name: `bench-migration-${o.nodes}`,
    version: '4.14.12',
    nodes: [{ name: 'master-0' }, { name: 'master-1' }, { name: 'master-2' }],
    nodeSets: workers ? [{ prefix: 'worker-', count: workers, pool: 'worker' }] : [],
    pools: [
      { name: 'master', maxUnavailable: 1 },
      { name: 'worker', maxUnavailable: o.workerMaxUnavailable ?? Math.max(1, Math.ceil(workers / 10)) },
    ],
    podsPerNode: o.podsPerNode ?? 2,
    timing: { msPerSecond: o.msPerSecond },
    ...(o.realism ? { realism: o.realism } : {}),
  };
}

export interface Line {
  at: number;
  text: string;
}

export interface Detection {
  wait: string;
  /** Real time (performance.now()) the twin reached the awaited state. */
  stateAt: number;
  /** Real time the action's line saying so arrived, if it did. */
  loggedAt?: number;
  latencyMs?: number;
}

export interface MigrationRun {
  nodes: number;
  msPerSecond: number;
  code: number | null;
  result: string | undefined;
  wallMs: number;
  /** API requests by `<verb> <resource>` (SSH counters removed). */
  api: Record<string, number>;
  apiTotal: number;
  sshConnects: number;
  sshExecs: number;
  detections: Detection[];
  /** Critical path of the scenario in virtual seconds (see criticalPathSeconds) and in real ms. */
  criticalPath: { seconds: number; ms: number; parts: Record<string, number> };
  lines: Line[];
}

/**
 * The waits the cluster itself imposes on procedure B (virtual seconds), each from the scenario's
 * timing and the twin controllers' behaviour:
 *   etcd backup (cluster-backup.sh run time)
 *   + CNO reconcile → Network.config status.migration
 *   + MCO rollout: pools in parallel; per pool ceil(nodes / maxUnavailable) rounds of
 *     (mcoUpdateSeconds + rebootSeconds); the slowest pool counts
 *   + CNO reconcile after spec.networkType → multus re-render
 *   + multus rollout: one pod at a time, nodes × multusPodRestartSeconds
 *   + the reboot: `shutdown -r -t 3` (a minute: systemd ignores -t) + rebootSeconds, all nodes at once
 *   + namespace openshift-sdn Terminating (namespaceTerminatingSeconds)
 *   + the operator gate of preflight and of verification: three healthy passes
 *     operators-stable-interval (30 virtual s) apart, 60 s each.
 * Everything else (API round trips, SSH, the action's own work, process start, artifact upload) is
 * overhead. Only without the twin's realism (MigrationOptions.realism): its waits are not in here.
 */
export function criticalPathSeconds(twin: Twin): { seconds: number; parts: Record<string, number> } {
  const sc = twin.scenario;
  const t = sc.timing;
  let rounds = 0;
  for (const pool of sc.pools) {
    const members = sc.nodes.filter((n) => n.pool === pool.name).length;
    if (members) rounds = Math.max(rounds, Math.ceil(members / Math.max(1, pool.maxUnavailable)));
  }
  const parts = {
    etcdBackup: t.etcdBackupSeconds,
    cnoMigration: t.cnoReconcileSeconds,
    mcoRollout: rounds * (t.mcoUpdateSeconds + t.rebootSeconds),
    cnoSwitch: t.cnoReconcileSeconds,
    multusRollout: sc.nodes.length * t.multusPodRestartSeconds,
    reboot: SHUTDOWN_DELAY_MS / 1000 + t.rebootSeconds,
    namespaceTermination: t.namespaceTerminatingSeconds,
    // Three healthy passes, OPERATOR_PASS_SECONDS apart, in preflight and in verification.
    operatorGate: 2 * 2 * OPERATOR_PASS_SECONDS,
  };
  return { seconds: Object.values(parts).reduce((a, b) => a + b, 0), parts };
}

/** A wait's progress line, with or without the `[elapsed / limit]` prefix. */
const PROGRESS = /^(\[[^\]]*\] )?waiting for /;

const DONE_LINES: Record<string, string> = {
  'migration-accepted': 'Network.config status.migration.networkType to be OVNKubernetes: done',
  'mco-rollout': 'every MachineConfigPool to be Updated on the new rendered config: done',
  'multus-rollout': 'daemonset openshift-multus/multus to roll out: done',
};

/** Watches the twin's store for the states the action waits on; returns the moments they were reached. */
function watchStates(twin: Twin, lines: Line[]) {
  const clock = twin.clock;
  // Virtual t → real ms: origin is where the twin's virtual second 0 sits on performance.now().
  const origin = performance.now() - clock.now() * clock.msPerSecond;
  const realOf = (t: number) => origin + t * clock.msPerSecond;
  const reached = new Map<string, number>();
  const mark = (wait: string) => {
    if (!reached.has(wait)) reached.set(wait, realOf(clock.now()));
  };
  const poolConfigBefore = new Map(
    twin.store
      .list(T.pool)
      .map((p) => [
        p.metadata.name,
        String((p.spec as { configuration?: { name?: string } })?.configuration?.name),
      ]),
  );
  const multusGenBefore = Number(
    twin.store.get(T.daemonSet, 'openshift-multus', 'multus')?.metadata.generation ?? 0,
  );
  let bootIdsAtRebootPhase: Map<string, string> | undefined;
  let sdnDeleting = false;
  const bootIdOf = (n: KObject) => (n.status as { nodeInfo?: { bootID?: string } })?.nodeInfo?.bootID ?? '';
  const readyOf = (n: KObject) =>
    ((n.status as { conditions?: { type: string; status: string }[] })?.conditions ?? []).some(
      (c) => c.type === 'Ready' && c.status === 'True',
    );

  const onEvent = (e: StoreEvent) => {
    const o = e.object;
    if (e.resource === T.networkConfig && o.metadata.name === 'cluster') {
      if ((o.status as { migration?: { networkType?: string } })?.migration?.networkType === 'OVNKubernetes')
        mark('migration-accepted');
    } else if (e.resource === T.pool && !reached.has('mco-rollout')) {
      const pools = twin.store.list(T.pool);
      const done = pools.every((p) => {
        const name = String((p.spec as { configuration?: { name?: string } })?.configuration?.name);
        return name !== poolConfigBefore.get(p.metadata.name) && poolUpdated(p);
      });
      if (done) mark('mco-rollout');
    } else if (
      e.resource === T.daemonSet &&
      o.metadata.namespace === 'openshift-multus' &&
      o.metadata.name === 'multus'
    ) {
      if (Number(o.metadata.generation ?? 0) > multusGenBefore && daemonSetRolledOut(o))
        mark('multus-rollout');
    } else if (e.resource === T.node && bootIdsAtRebootPhase) {
      const before = bootIdsAtRebootPhase.get(o.metadata.name);
      if (before !== undefined && readyOf(o) && bootIdOf(o) !== before) mark(`node-back:${o.metadata.name}`);
    } else if (e.resource === T.namespace && o.metadata.name === 'openshift-sdn') {
      if (e.type === 'DELETED' && sdnDeleting) mark('namespace-removed');
      else if (o.metadata.deletionTimestamp) sdnDeleting = true;
    }
  };
  const unsubscribe = twin.store.subscribe(onEvent);
  return {
    /** Called for each stdout line as it arrives. */
    onLine: (text: string) => {
      if (/^::group::Phase \d+\/\d+: Reboot every node/.test(text)) {
        bootIdsAtRebootPhase = new Map(twin.store.list(T.node).map((n) => [n.metadata.name, bootIdOf(n)]));
      }
    },
    detections: (): Detection[] => {
      unsubscribe();
      const out: Detection[] = [];
      for (const [wait, stateAt] of reached) {
        let logged: Line | undefined;
        if (DONE_LINES[wait]) logged = lines.find((l) => l.text.includes(DONE_LINES[wait]));
        else if (wait.startsWith('node-back:')) {
          const node = wait.slice('node-back:'.length);
          logged = lines.find((l) => l.text.startsWith(`${node} back after `));
        } else if (wait === 'namespace-removed') {
          // The namespace wait logs no "done" line: the next line after the wait's own progress line
          // (`[elapsed / limit] waiting for …`, src/util/progress.ts).
          const i = lines.findIndex(
            (l) => PROGRESS.test(l.text) && l.text.includes('namespace openshift-sdn to be removed'),
          );
          logged = i >= 0 ? lines.slice(i + 1).find((l) => !PROGRESS.test(l.text)) : undefined;
        }
        out.push({
          wait,
          stateAt,
          loggedAt: logged?.at,
          latencyMs: logged ? logged.at - stateAt : undefined,
        });
      }
      return out;
    },
  };
}

export async function runMigration(o: MigrationOptions & { timeoutMs?: number }): Promise<MigrationRun> {
  const h = await startHarness(migrationScenario(o));
  try {
    const lines: Line[] = [];
    const states = watchStates(h.twin, lines);
    let partial = '';
    const start = performance.now();
    const run = await h.run(
      { 'artifact-name': 'sdn-to-ovn-bench', 'wait-timeout': '30m', 'reboot-timeout': '20m' },
      {
        timeoutMs: o.timeoutMs ?? 1_200_000,
        onStdout: (chunk) => {
          const at = performance.now();
          const parts = (partial + chunk).split('\n');
          partial = parts.pop() ?? '';
          for (const text of parts) {
            lines.push({ at, text });
            states.onLine(text);
          }
        },
      },
    );
    const wallMs = performance.now() - start;
    const api: Record<string, number> = {};
    let apiTotal = 0;
    for (const [k, v] of h.twin.timeline.counters) {
      if (k.startsWith('ssh ')) continue;
      api[k] = v;
      apiTotal += v;
    }
    const cp = criticalPathSeconds(h.twin);
    return {
      nodes: o.nodes,
      msPerSecond: o.msPerSecond,
      code: run.code,
      result: run.outputs.result,
      wallMs,
      api,
      apiTotal,
      sshConnects: h.twin.timeline.counters.get('ssh connect') ?? 0,
      sshExecs: h.twin.timeline.counters.get('ssh exec') ?? 0,
      detections: states.detections(),
      criticalPath: { ...cp, ms: cp.seconds * o.msPerSecond },
      lines,
    };
  } finally {
    await h.stop();
  }
}
