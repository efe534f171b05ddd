// The API server lives on the control-plane nodes: etcd needs a quorum of its members, so while fewer
// than n/2+1 control-plane nodes are booted there is no API at all (connections refused, open ones
// reset). It comes back `apiRecoverySeconds` after quorum returns (leader election, kube-apiserver
// start-up and readiness). The SSH servers are not affected: nodes reboot on their own clock.
import type { TwinContext } from '../context.ts';
import type { Controllers } from '../controllers/index.ts';

export interface Suspendable {
  suspend(): Promise<void>;
  resume(): Promise<void>;
}

export const API_ACTOR = 'kube-apiserver';

/** Control-plane members: the nodes of the `master` pool. */
export function controlPlaneNodes(ctx: TwinContext): string[] {
  return ctx.scenario.nodes.filter((n) => n.pool === 'master').map((n) => n.name);
}

export class ApiOutage {
  private readonly ctx: TwinContext;
  private readonly controllers: Controllers;
  private readonly api: Suspendable;
  private readonly members: string[];
  private down = false;
  private cancelRecovery: (() => void) | undefined;
  private stopped = false;
  /** Outages so far (tests and the timeline read it). */
  outages = 0;

  constructor(ctx: TwinContext, controllers: Controllers, api: Suspendable) {
    this.ctx = ctx;
    this.controllers = controllers;
    this.api = api;
    this.members = controlPlaneNodes(ctx);
    controllers.onNodeStateChange((node) => {
      if (this.members.includes(node)) this.evaluate();
    });
  }

  get isDown(): boolean {
    return this.down;
  }

  stop(): void {
    this.stopped = true;
    this.cancelRecovery?.();
  }

  private quorum(): { up: number; needed: number } {
    const up = this.members.filter((n) => this.controllers.isUp(n)).length;
    return { up, needed: Math.floor(this.members.length / 2) + 1 };
  }

  private evaluate(): void {
    if (this.stopped || this.members.length === 0) return;
    const { up, needed } = this.quorum();
    const record = (verb: string, change: string) =>
      this.ctx.timeline.record(API_ACTOR, verb, 'APIServer/cluster', change);
    if (up < needed) {
      this.cancelRecovery?.();
      this.cancelRecovery = undefined;
      if (this.down) return;
      this.down = true;
      this.outages++;
      this.ctx.api?.set(true);
      record('outage', `down: ${up} of ${this.members.length} control-plane nodes up (quorum ${needed})`);
      void this.api.suspend();
      return;
    }
    if (!this.down || this.cancelRecovery) return;
    record('quorum', `etcd quorum back (${up} of ${this.members.length}); API in ${this.recovery()} s`);
    this.cancelRecovery = this.ctx.clock.after(this.recovery(), () => {
      this.cancelRecovery = undefined;
      if (this.stopped || this.quorum().up < needed) return;
      this.down = false;
      this.ctx.api?.set(false);
      record('recovered', 'serving again');
      this.api.resume().catch((err: unknown) => record('failed', `cannot listen again: ${String(err)}`));
    });
  }

  private recovery(): number {
    return this.ctx.scenario.realism.apiRecoverySeconds;
  }
}
