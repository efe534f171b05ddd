// Starts every controller of the twin over one shared pod index and timer set.
import type { TwinContext } from '../context.ts';
import { Cno } from './cno.ts';
import { DaemonSetStatus } from './daemonsets.ts';
import { Kubelet } from './kubelet.ts';
import { Mco } from './mco.ts';
import { MultusRollout } from './multus.ts';
import { NamespaceController } from './namespaces.ts';
import { NodeLifecycle } from './node-lifecycle.ts';
import { OperatorFlapping } from './operators.ts';
import { PodIndex } from './pod-index.ts';
import { Timers } from './timers.ts';

export interface Controllers {
  /** Reboots `node` after `delaySeconds` (what `shutdown -r` over SSH does). Ignored if it is down or already rebooting. */
  scheduleReboot(node: string, delaySeconds: number, command: string): boolean;
  /** `shutdown -c`: a pending scheduled reboot does not happen. */
  cancelReboot(node: string): void;
  /** The node is booted (SSH reachable), whether or not it is Ready. */
  isUp(node: string): boolean;
  /** Called whenever a node goes down or comes up (the SSH layer subscribes to close/reopen listeners). */
  onNodeStateChange(listener: (node: string, up: boolean) => void): void;
  /**
   * An administrator fixes a node that never came back (fault node-never-returns) and powers it on:
   * it boots with a new boot ID (and the config MCO last wrote to it), Ready, SSH open. Resolves when up.
   */
  powerOn(node: string): Promise<void>;
  /** Reboots the node actually went through since the twin started. */
  rebootCount(node: string): number;
  stop(): void;
}

export function startControllers(ctx: TwinContext): Controllers {
  const timers = new Timers(ctx.clock);
  const pods = new PodIndex(ctx.store);
  const kubelet = new Kubelet(ctx, timers, pods);
  const daemonSets = new DaemonSetStatus(ctx, timers, pods);
  const multus = new MultusRollout(ctx, timers, pods, kubelet);
  const cno = new Cno(ctx, timers, pods, kubelet, multus);
  const mco = new Mco(ctx, timers, pods, kubelet);
  const namespaces = new NamespaceController(ctx, timers);
  const lifecycle = new NodeLifecycle(ctx, timers);
  new OperatorFlapping(ctx, timers, kubelet);
  // A rollout interrupted by a restart of the twin (or seeded half-done) carries on.
  multus.kick();
  return {
    scheduleReboot: (node, delaySeconds, command) => kubelet.scheduleReboot(node, delaySeconds, command),
    cancelReboot: (node) => void kubelet.cancelReboot(node),
    isUp: (node) => kubelet.isUp(node),
    powerOn: (node) => kubelet.powerOn(node),
    onNodeStateChange: (listener) => kubelet.onNodeStateChange(listener),
    rebootCount: (node) => kubelet.rebootCount(node),
    stop: () => {
      timers.stop();
      for (const c of [lifecycle, namespaces, mco, cno, daemonSets, pods]) c.stop();
    },
  };
}
