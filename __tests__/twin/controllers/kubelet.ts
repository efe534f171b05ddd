// Node lifecycles: reboots (asked for over SSH, or by the machine-config daemon), the node going
// NotReady while it is away and returning with a new bootID, and the pods on it. Pods that use the pod
// network crash-loop once the network plugin changed under them, until their node reboots: that is
// why the procedure reboots every node.
import type { TwinContext } from '../context.ts';
import type { KObject } from '../store.ts';
import { MC_ANNOTATION, NOT_READY_MESSAGE } from './builders.ts';
import { appendMcdLog, mcdLines } from './mcd-log.ts';
import type { PodIndex, PodInfo } from './pod-index.ts';
import { markPodCrashLooping, markPodNotReady, markPodRunning } from './pod-status.ts';
import { MCD_DS, NS } from './seed.ts';
import type { Timers } from './timers.ts';
import { ACTOR, T } from './types.ts';
import { type Condition, setCondition, uuid } from './util.ts';

interface NodeState {
  up: boolean;
  rebootPending: boolean;
  /** Virtual time the pending reboot is due. */
  pendingAt: number;
  /** Bumped by every (re)scheduling and cancel: a timer that is no longer the latest does nothing. */
  pendingToken: number;
  bootID: string;
  /** Sequence number of the current boot (comparable with the plugin change sequence). */
  bootSeq: number;
  reboots: number;
  /** Down for good (node-never-returns): only an administrator powering it on brings it back. */
  stranded: boolean;
  /** The boot ID it gets when it boots next. */
  nextBootID?: string;
}

export type NodeListener = (node: string, up: boolean) => void;

export class Kubelet {
  private readonly ctx: TwinContext;
  private readonly timers: Timers;
  private readonly pods: PodIndex;
  private readonly nodes = new Map<string, NodeState>();
  private readonly listeners: NodeListener[] = [];
  private seq = 0;
  /** Sequence number of the last honoured network plugin change (0: never changed). */
  private pluginSeq = 0;

  constructor(ctx: TwinContext, timers: Timers, pods: PodIndex) {
    this.ctx = ctx;
    this.timers = timers;
    this.pods = pods;
    for (const node of ctx.store.list(T.node)) {
      const info = (node.status as { nodeInfo?: { bootID?: string } } | undefined)?.nodeInfo;
      this.nodes.set(node.metadata.name, {
        up: true,
        rebootPending: false,
        pendingAt: 0,
        pendingToken: 0,
        bootID: info?.bootID ?? uuid(),
        bootSeq: 0,
        reboots: 0,
        stranded: false,
      });
    }
  }

  onNodeStateChange(listener: NodeListener): void {
    this.listeners.push(listener);
  }

  isUp(node: string): boolean {
    return this.nodes.get(node)?.up ?? false;
  }

  rebootCount(node: string): number {
    return this.nodes.get(node)?.reboots ?? 0;
  }

  bootSeq(node: string): number {
    return this.nodes.get(node)?.bootSeq ?? 0;
  }

  /**
   * Reboots `node` after `delaySeconds`. Ignored (false) for an unknown node, a node that is down or
   * one with a reboot already due no later: a second `shutdown -r` does not make a second boot, but
   * `systemctl reboot` while a `shutdown -r +1` is pending reboots now, as logind does. The command is
   * the caller's to record (the SSH layer logs what it ran); the boot is recorded here.
   */
  scheduleReboot(node: string, delaySeconds: number, _command: string): boolean {
    const st = this.nodes.get(node);
    if (!st || !st.up) return false;
    const delay = Math.max(0, delaySeconds);
    const at = this.ctx.clock.now() + delay;
    if (st.rebootPending && st.pendingAt <= at) return false;
    st.rebootPending = true;
    st.pendingAt = at;
    const token = ++st.pendingToken;
    this.timers.after(delay, () => {
      if (st.rebootPending && st.pendingToken === token) this.goDown(node);
    });
    return true;
  }

  /**
   * An administrator fixed a node that never came back (node-never-returns) and powered it on from
   * its console (BMC, hypervisor): the fault is gone, and the node boots after its usual boot time
   * with a new boot ID — from the disk as it was left, so whatever the machine-config daemon last
   * wrote is what boots (an MCO update it went down for completes now, see Mco.onNodeState) — its
   * kubelet posts Ready and sshd accepts connections again. Resolves once it is up. Throws for a
   * node that is running or in an ordinary reboot: there is nothing to power on.
   */
  powerOn(node: string): Promise<void> {
    const st = this.nodes.get(node);
    if (!st) throw new Error(`powerOn: no node ${node}`);
    if (!st.stranded)
      throw new Error(`powerOn: ${node} is ${st.up ? 'running' : 'rebooting'}, not powered off`);
    for (
      let f = this.ctx.faults.forNode('node-never-returns', node);
      f;
      f = this.ctx.faults.forNode('node-never-returns', node)
    )
      this.ctx.faults.remove(f);
    st.stranded = false;
    this.ctx.timeline.record(
      'console:admin',
      'power-on',
      `Node/${node}`,
      'fixed and powered on from the console',
    );
    const spec = this.ctx.scenario.nodes.find((n) => n.name === node);
    const seconds = spec?.rebootSeconds ?? this.ctx.scenario.timing.rebootSeconds;
    const bootID = st.nextBootID ?? uuid();
    return new Promise((resolve) =>
      this.timers.after(seconds, () => {
        this.comeUp(node, bootID);
        resolve();
      }),
    );
  }

  /** `shutdown -c`: the pending reboot does not happen. */
  cancelReboot(node: string): boolean {
    const st = this.nodes.get(node);
    if (!st?.rebootPending) return false;
    st.rebootPending = false;
    st.pendingToken++;
    return true;
  }

  /**
   * How long a pod of the network plugin in `namespace` takes to become Ready after it starts:
   * ovnkube-node runs ovn-controller and waits for its flows (realism.ovnkubeNodeReadySeconds).
   */
  pluginPodReadySeconds(namespace: string): number {
    return namespace === NS.ovn ? this.ctx.scenario.realism.ovnkubeNodeReadySeconds : 0;
  }

  /** Marks the pod Ready `seconds` from now, unless its node went down in between. */
  readyLater(node: string, namespace: string, pod: string, seconds: number): void {
    const boot = this.nodes.get(node)?.bootSeq;
    this.timers.after(seconds, () => {
      const st = this.nodes.get(node);
      if (!st?.up || st.bootSeq !== boot) return;
      this.ctx.store.mutate(T.pod, namespace, pod, ACTOR.kubelet, (p) => markPodRunning(p, false));
    });
  }

  /** The network plugin changed: pods on nodes not rebooted since then lose their network. */
  pluginChanged(): void {
    this.pluginSeq = ++this.seq;
    // One node per turn of the event loop: a 2,000-node cluster must not freeze the twin.
    for (const node of this.nodes.keys()) this.timers.after(0, () => this.refreshPods(node));
  }

  private podsBroken(node: string, st: NodeState): boolean {
    if (this.ctx.faults.forNode('pods-crashloop', node)) return true;
    if (this.pluginSeq === 0) return false;
    return st.bootSeq < this.pluginSeq || !!this.ctx.faults.forNode('pods-error-persist', node);
  }

  private goDown(node: string): void {
    const st = this.nodes.get(node);
    if (!st) return;
    st.rebootPending = false;
    st.up = false;
    st.reboots += 1;
    const never = this.ctx.faults.forNode('node-never-returns', node);
    const nextBootID = uuid();
    this.ctx.timeline.record(
      ACTOR.kubelet,
      'reboot',
      `Node/${node}`,
      never ? `bootID ${st.bootID} → (none: node never returns)` : `bootID ${st.bootID} → ${nextBootID}`,
    );
    this.setNodeReady(node, 'Unknown', 'NodeStatusUnknown', 'Kubelet stopped posting node status.');
    for (const p of this.pods.onNode(node)) this.writePod(p, markPodNotReady);
    for (const l of this.listeners) l(node, false);
    if (never) {
      this.ctx.faults.fire('node-never-returns');
      st.stranded = true;
      st.nextBootID = nextBootID;
      return;
    }
    const spec = this.ctx.scenario.nodes.find((n) => n.name === node);
    const seconds = spec?.rebootSeconds ?? this.ctx.scenario.timing.rebootSeconds;
    this.timers.after(seconds, () => this.comeUp(node, nextBootID));
  }

  private comeUp(node: string, bootID: string): void {
    const st = this.nodes.get(node);
    if (!st) return;
    st.up = true;
    st.bootID = bootID;
    st.bootSeq = ++this.seq;
    const notReady = this.ctx.faults.forNode('node-returns-notready', node);
    if (notReady) this.ctx.faults.fire('node-returns-notready');
    this.ctx.store.mutate(T.node, undefined, node, ACTOR.kubelet, (n) => {
      const status = n.status as { nodeInfo: { bootID: string } };
      status.nodeInfo.bootID = bootID;
    });
    if (notReady) this.setNodeReady(node, 'False', 'KubeletNotReady', NOT_READY_MESSAGE);
    else this.setNodeReady(node, 'True', 'KubeletReady', 'kubelet is posting ready status');
    const broken = this.podsBroken(node, st);
    for (const p of this.pods.onNode(node)) {
      if (notReady) continue; // containers cannot start without a network: they stay not ready
      const readyIn = this.pluginPodReadySeconds(p.namespace);
      if (broken && !p.hostNetwork) this.writePod(p, markPodCrashLooping);
      else if (readyIn > 0) {
        // Restarted, but not Ready until the plugin has programmed the node.
        this.writePod(p, (pod) => {
          markPodRunning(pod, true);
          markPodNotReady(pod);
        });
        this.readyLater(node, p.namespace, p.name, readyIn);
      } else this.writePod(p, (pod) => markPodRunning(pod, true));
    }
    this.logMcdStartup(node);
    for (const l of this.listeners) l(node, true);
  }

  /** Brings the node's pods in line with the plugin state (after a plugin change). */
  private refreshPods(node: string): void {
    const st = this.nodes.get(node);
    if (!st || !st.up || !this.podsBroken(node, st)) return;
    for (const p of this.pods.onNode(node))
      if (!p.hostNetwork && !p.error) this.writePod(p, markPodCrashLooping);
  }

  private writePod(p: PodInfo, fn: (pod: KObject) => void): void {
    this.ctx.store.mutate(T.pod, p.namespace, p.name, ACTOR.kubelet, fn);
  }

  private setNodeReady(node: string, status: Condition['status'], reason: string, message: string): void {
    this.ctx.store.mutate(T.node, undefined, node, ACTOR.kubelet, (n) => {
      const s = n.status as { conditions: Condition[] };
      setCondition(s.conditions, 'Ready', status, reason, message);
      if (status === 'Unknown') {
        for (const type of ['MemoryPressure', 'DiskPressure', 'PIDPressure'])
          setCondition(
            s.conditions,
            type,
            'Unknown',
            'NodeStatusUnknown',
            'Kubelet stopped posting node status.',
          );
      } else {
        setCondition(
          s.conditions,
          'MemoryPressure',
          'False',
          'KubeletHasSufficientMemory',
          'kubelet has sufficient memory available',
        );
        setCondition(
          s.conditions,
          'DiskPressure',
          'False',
          'KubeletHasNoDiskPressure',
          'kubelet has no disk pressure',
        );
        setCondition(
          s.conditions,
          'PIDPressure',
          'False',
          'KubeletHasSufficientPID',
          'kubelet has sufficient PID available',
        );
      }
    });
  }

  private logMcdStartup(node: string): void {
    const mcd = this.pods.onNode(node).find((p) => p.daemonSet === `${NS.mco}/${MCD_DS}`);
    if (!mcd) return;
    const n = this.ctx.store.peekOne(T.node, undefined, node); // read only
    const a = n?.metadata.annotations ?? {};
    const current = a[MC_ANNOTATION.current] ?? '';
    const settled = a[MC_ANNOTATION.state] === 'Done' && current === a[MC_ANNOTATION.desired];
    appendMcdLog(this.ctx, mcd.name, [
      ...mcdLines.startup(this.ctx.scenario.version, current),
      ...(settled ? mcdLines.inDesired(current) : []),
    ]);
  }
}
