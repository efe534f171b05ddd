// A small twin for the node tests: the twin's API server and SSH nodes over one context, and a test
// kubelet that carries out reboots (NotReady, down, then Ready with a new bootID), so NodeWatch and
// rebootNodes see what they would see on a real cluster.
import { randomUUID } from 'node:crypto';
import { Cluster } from '../../src/cluster/client.ts';
import type { Logger } from '../../src/util/log.ts';
import { makeKubeconfig } from '../twin/api/kubeconfig.ts';
import { type ApiServer, startApiServer } from '../twin/api/server.ts';
import type { TwinContext } from '../twin/context.ts';
import { typeOfObject } from '../twin/resources.ts';
import type { ScenarioInput } from '../twin/scenario.ts';
import { type NodeHooks, type SshNodes, startSshNodes } from '../twin/ssh/nodes.ts';
import { makeContext } from '../twin/ssh/test-support.ts';

const NODE = typeOfObject('v1', 'Node');

export class TestKubelet implements NodeHooks {
  readonly reboots: { node: string; command: string; at: number }[] = [];
  readonly down = new Set<string>();
  /** Nodes that go down and never come back. */
  readonly neverReturns = new Set<string>();
  /** Nodes that come back with a new bootID but NotReady. */
  readonly returnNotReady = new Set<string>();
  ssh: SshNodes | undefined;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly ctx: TwinContext;
  private readonly rebootMs: number;

  constructor(ctx: TwinContext, rebootMs: number) {
    this.ctx = ctx;
    this.rebootMs = rebootMs;
  }

  scheduleReboot(node: string, delaySeconds: number, command: string): void {
    this.reboots.push({ node, command, at: Date.now() });
    this.after(this.ctx.clock.toMs(delaySeconds), () => this.goDown(node));
  }

  isUp(node: string): boolean {
    return !this.down.has(node);
  }

  stop(): void {
    for (const t of this.timers) clearTimeout(t);
  }

  private after(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  private goDown(node: string): void {
    this.down.add(node);
    setReady(this.ctx, node, false);
    void this.ssh?.refresh();
    if (!this.neverReturns.has(node)) this.after(this.rebootMs, () => this.comeUp(node));
  }

  private comeUp(node: string): void {
    this.down.delete(node);
    this.ctx.store.mutate(NODE, undefined, node, 'kubelet', (o) => {
      (o.status as { nodeInfo: { bootID: string } }).nodeInfo.bootID = randomUUID();
    });
    setReady(this.ctx, node, !this.returnNotReady.has(node));
    void this.ssh?.refresh();
  }
}

export function setReady(ctx: TwinContext, node: string, ready: boolean): void {
  ctx.store.mutate(NODE, undefined, node, 'kubelet', (o) => {
    const status = o.status as { conditions?: { type: string; status: string }[] };
    status.conditions = [{ type: 'Ready', status: ready ? 'True' : 'False' }];
  });
}

export interface NodesTwin {
  ctx: TwinContext;
  api: ApiServer;
  ssh: SshNodes;
  kubelet: TestKubelet;
  kubeconfig: string;
  cluster(log: Logger): Cluster;
  stop(): Promise<void>;
}

export async function startNodesTwin(
  input: Omit<ScenarioInput, 'version'>,
  o: { msPerSecond?: number; rebootMs?: number } = {},
): Promise<NodesTwin> {
  const ctx = makeContext(input, o.msPerSecond ?? 10);
  for (const n of ctx.scenario.nodes) setReady(ctx, n.name, true);
  const kubelet = new TestKubelet(ctx, o.rebootMs ?? 200);
  const api = await startApiServer(ctx);
  const ssh = await startSshNodes(ctx, kubelet);
  kubelet.ssh = ssh;
  const kubeconfig = makeKubeconfig({ url: api.url, caPem: api.caPem, token: api.adminToken });
  return {
    ctx,
    api,
    ssh,
    kubelet,
    kubeconfig,
    cluster: (log) => Cluster.fromKubeconfig(kubeconfig, undefined, log),
    async stop() {
      kubelet.stop();
      await ssh.stop();
      await api.stop();
      ctx.clock.stop();
    },
  };
}
