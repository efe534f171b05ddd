// Operators other than network flap when nodes reboot, as on a real cluster: while a control-plane node
// is down etcd and kube-apiserver are Degraded (a member / a master not ready), authentication and
// openshift-apiserver lose an instance; when it is back they go Progressing (new static pod revision,
// rollouts) and settle a while later. A worker's reboot moves ingress, dns and monitoring the same
// way. Each operator settles on its own clock (staggered), so the cluster can look all green between
// two flaps: one healthy pass is not proof that it has settled. Off with realism.operatorFlapping.
import type { TwinContext } from '../context.ts';
import type { Kubelet } from './kubelet.ts';
import type { Timers } from './timers.ts';
import { ACTOR, T } from './types.ts';
import { type Condition, setCondition } from './util.ts';

type Phase = 'down' | 'recovering';

interface Flap {
  /** Condition while the node is down, then while the operator recovers after it is back. */
  down?: { type: 'Degraded' | 'Progressing'; reason: string; message: (node: string) => string };
  recovering: { type: 'Degraded' | 'Progressing'; reason: string; message: (node: string) => string };
  /** Extra virtual seconds on top of realism.flapSeconds: operators settle one after another. */
  stagger: number;
  /**
   * After settling, green for `gap` seconds, then Progressing again for `seconds` (kube-apiserver rolls
   * out one more static-pod revision once the node is back): a single healthy pass can fall in the gap.
   */
  again?: { gap: number; seconds: number };
}

const CONTROL_PLANE: Record<string, Flap> = {
  etcd: {
    down: {
      type: 'Degraded',
      reason: 'EtcdMembers_UnhealthyMembers',
      message: (n) => `EtcdMembersDegraded: 2 of 3 members are available, ${n} is unhealthy`,
    },
    recovering: {
      type: 'Progressing',
      reason: 'NodeInstaller',
      message: (n) => `NodeInstallerProgressing: 1 node is not at the latest revision (${n})`,
    },
    stagger: 0,
  },
  'kube-apiserver': {
    down: {
      type: 'Degraded',
      reason: 'NodeController_MasterNodesReady',
      message: (n) =>
        `NodeControllerDegraded: The master nodes not ready: node "${n}" not ready since reboot because NodeStatusUnknown (Kubelet stopped posting node status.)`,
    },
    recovering: {
      type: 'Progressing',
      reason: 'NodeInstaller',
      message: (n) => `NodeInstallerProgressing: 1 node is not at the latest revision (${n})`,
    },
    stagger: 10,
    again: { gap: 40, seconds: 30 },
  },
  authentication: {
    down: {
      type: 'Degraded',
      reason: 'APIServerDeployment_UnavailablePod',
      message: () =>
        'APIServerDeploymentDegraded: 1 of 3 requested instances are unavailable for apiserver.openshift-oauth-apiserver',
    },
    recovering: {
      type: 'Progressing',
      reason: 'APIServerDeployment_PodsUpdating',
      message: () =>
        'APIServerDeploymentProgressing: deployment/apiserver.openshift-oauth-apiserver: 2/3 pods are available',
    },
    stagger: 20,
  },
  'openshift-apiserver': {
    recovering: {
      type: 'Progressing',
      reason: 'APIServerDeployment_PodsUpdating',
      message: () =>
        'APIServerDeploymentProgressing: deployment/apiserver.openshift-apiserver: 2/3 pods are available',
    },
    stagger: 5,
  },
  console: {
    recovering: {
      type: 'Progressing',
      reason: 'SyncLoopRefresh_InProgress',
      message: () => 'SyncLoopRefreshProgressing: working toward version, 1 replicas available',
    },
    stagger: 30,
  },
};

const ANY_NODE: Record<string, Flap> = {
  ingress: {
    down: {
      type: 'Degraded',
      reason: 'IngressDegraded',
      message: () =>
        'The "default" ingress controller reports Degraded=True: DegradedConditions: One or more other status conditions indicate a degraded state: DeploymentReplicasAllAvailable=False (DeploymentReplicasNotAvailable: 1/2 of replicas are available)',
    },
    recovering: {
      type: 'Progressing',
      reason: 'Reconciling',
      message: () =>
        'ingresscontroller "default" is progressing: IngressControllerProgressing: One or more status conditions indicate progressing',
    },
    stagger: 15,
  },
  dns: {
    down: {
      type: 'Progressing',
      reason: 'DNSReportsProgressingIsTrue',
      message: (n) =>
        `DNS "default" is progressing: Have fewer available DNS pods than wanted (${n} is down)`,
    },
    recovering: {
      type: 'Progressing',
      reason: 'DNSReportsProgressingIsTrue',
      message: () => 'DNS "default" is progressing: Have fewer available node-resolver pods than wanted',
    },
    stagger: 5,
  },
  monitoring: {
    recovering: {
      type: 'Progressing',
      reason: 'RollOutInProgress',
      message: () => 'Rolling out the stack.',
    },
    stagger: 25,
  },
};

export class OperatorFlapping {
  private readonly ctx: TwinContext;
  private readonly timers: Timers;
  /** Per operator, the nodes it is unsettled about and in which phase (with a token per boot). */
  private readonly pending = new Map<string, Map<string, { phase: Phase; token: number }>>();
  private token = 0;
  /** Per operator, what `write` last applied and the resourceVersion the object had after it. */
  private readonly lastWrite = new Map<
    string,
    { rv?: string; active?: Flap['recovering']; culprit: string }
  >();

  constructor(ctx: TwinContext, timers: Timers, kubelet: Kubelet) {
    this.ctx = ctx;
    this.timers = timers;
    if (!ctx.scenario.realism.operatorFlapping) return;
    kubelet.onNodeStateChange((node, up) => this.onNode(node, up));
    // Operators report through the API: while it is away nothing settles; the clocks start again
    // when it is back.
    ctx.api?.onChange((down) => {
      if (!down) for (const [node, up] of this.waitingForApi) this.onNode(node, up);
      this.waitingForApi.clear();
    });
  }

  private readonly waitingForApi = new Map<string, boolean>();

  private flapsFor(node: string): [string, Flap][] {
    const spec = this.ctx.scenario.nodes.find((n) => n.name === node);
    const table = spec?.pool === 'master' ? { ...CONTROL_PLANE, ...ANY_NODE } : ANY_NODE;
    const present = new Set(this.ctx.scenario.clusterOperators.map((c) => c.name));
    return Object.entries(table).filter(([name]) => present.has(name));
  }

  private onNode(node: string, up: boolean): void {
    if (up && this.ctx.api?.down) this.waitingForApi.set(node, up);
    const token = ++this.token;
    for (const [name, flap] of this.flapsFor(node)) {
      const nodes = this.pending.get(name) ?? new Map<string, { phase: Phase; token: number }>();
      this.pending.set(name, nodes);
      nodes.set(node, { phase: up ? 'recovering' : 'down', token });
      this.write(name, flap, node);
      if (!up || this.ctx.api?.down) continue;
      this.timers.after(this.ctx.scenario.realism.flapSeconds + flap.stagger, () => {
        if (nodes.get(node)?.token !== token) return; // the node went down again meanwhile
        nodes.delete(node);
        this.write(name, flap, [...nodes.keys()][0]);
        if (flap.again) this.flapAgain(name, flap, node, flap.again);
      });
    }
  }

  private flapAgain(name: string, flap: Flap, node: string, again: { gap: number; seconds: number }): void {
    const nodes = this.pending.get(name)!;
    const key = `${node} (new revision)`;
    this.timers.after(again.gap, () => {
      if (nodes.has(node)) return; // it rebooted again: that flap covers it
      const token = ++this.token;
      nodes.set(key, { phase: 'recovering', token });
      this.write(name, flap, node);
      this.timers.after(again.seconds, () => {
        if (nodes.get(key)?.token !== token) return;
        nodes.delete(key);
        this.write(name, flap, [...nodes.keys()][0]);
      });
    });
  }

  /** The operator's conditions from what is pending: the worst phase wins; none pending = its spec. */
  private write(name: string, flap: Flap, node: string | undefined): void {
    const nodes = this.pending.get(name);
    // The first node that is down, in the order they went pending (one pass: 1,000 nodes pending).
    let firstDown: string | undefined;
    for (const [n, p] of nodes ?? [])
      if (p.phase === 'down') {
        firstDown = n;
        break;
      }
    const spec = this.ctx.scenario.clusterOperators.find((c) => c.name === name)!;
    const active =
      firstDown !== undefined && flap.down ? flap.down : nodes?.size ? flap.recovering : undefined;
    const culprit = firstDown ?? node ?? '';
    // The same conditions onto the object this controller last wrote (nobody wrote it since) would
    // change nothing: skip the read-modify-write that would find that out (one per node event).
    const rv = this.ctx.store.peekOne(T.clusterOperator, undefined, name)?.metadata.resourceVersion;
    const last = this.lastWrite.get(name);
    if (rv !== undefined && last?.rv === rv && last.active === active && last.culprit === culprit) return;
    this.ctx.store.mutate(T.clusterOperator, undefined, name, ACTOR.operators, (co) => {
      const conditions = (co.status as { conditions: Condition[] }).conditions;
      for (const type of ['Degraded', 'Progressing'] as const) {
        if (active?.type === type)
          setCondition(conditions, type, 'True', active.reason, active.message(culprit));
        else {
          const on = type === 'Degraded' ? spec.degraded : spec.progressing;
          const reason = !on ? 'AsExpected' : type === 'Degraded' ? 'OperatorDegraded' : 'Progressing';
          setCondition(conditions, type, on ? 'True' : 'False', reason, on ? (spec.message ?? '') : '');
        }
      }
    });
    const written = this.ctx.store.peekOne(T.clusterOperator, undefined, name)?.metadata.resourceVersion;
    this.lastWrite.set(name, { rv: written, active, culprit });
  }
}
