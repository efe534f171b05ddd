// 1. Reboot fan-out: the action's reboot code against the document's loop, on the same twin.
//
// The action side is src/nodes/reboot.ts `rebootNodes` with the NodeShell and NodeWatch the action
// builds, run in a child process (reboot-worker.ts) so client and twin do not share an event loop —
// calling it directly rather than timing a whole migration keeps MCO rollouts out of the figure.
// The document's side is its bash loop (kubectl for oc; OpenSSH with the twin's key and port).
// Both are timed to "every reboot command accepted": the loop's exit (each ssh returns once the node
// accepted `shutdown -r -t 3`), and the action's last "reboot command sent". Both timings include
// listing the nodes (kubectl get nodes / the NodeWatch list). The action's full phase (every node back
// Ready with a new bootID) is reported separately: the loop does not wait for that at all.
// A doc loop over very many nodes takes long: with `sample` < nodes it runs over the first `sample`
// addresses and the total is extrapolated as list time + nodes × per-node time.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { nodeBinary, REPO_ROOT } from '../../__tests__/helpers/run-action.ts';
import type { Twin } from '../../__tests__/twin/index.ts';
import { findType } from '../../__tests__/twin/resources.ts';
import { tool } from '../../__tests__/helpers/tools.ts';

const NODE_TYPE = findType('', 'nodes')!;

export interface FanoutConfig {
  nodes: number;
  latencyMs: number;
  /** Nodes the document's loop really runs over (the rest is extrapolated). */
  sample: number;
}

export interface DocLoopResult {
  /** Spawn to exit: every command accepted (extrapolated to all nodes when sampled). */
  acceptedMs: number;
  measuredMs: number;
  listMs: number;
  perNodeMs: number;
  ran: number;
  extrapolated: boolean;
}

export interface ActionResult {
  acceptedMs: number;
  phaseMs: number;
  listedMs: number;
  sent: number;
  ok: number;
  cpuMs: number;
  /** Worker CPU at the node list and at the last command accepted (see reboot-worker.ts). */
  listedCpuMs: number;
  acceptedCpuMs: number;
  /** Monotonic µs at the node list and the last command accepted (a --cpu-prof profile's clock). */
  listedAtUs: number;
  acceptedAtUs: number;
  failed: string[];
}

export const FANOUT_MS_PER_SECOND = 20;

export function fanoutScenario(nodes: number) {
  return {
    name: `bench-fanout-${nodes}`,
    version: '4.14.12',
    nodeSets: [{ prefix: 'worker-', count: nodes, pool: 'worker' }],
    podsPerNode: 1,
    // 20 ms per virtual second: `shutdown -r -t 3` takes the node down 60 ms after the command, so a
    // 20 ms round trip still gets its reply; a reboot is 1.2 s.
    timing: { msPerSecond: FANOUT_MS_PER_SECOND },
  };
}

/** The document's loop, `oc` → `kubectl`, ssh given the twin's key and port and no host key prompts. */
export function docLoopScript(twin: Twin, sample?: number): string {
  const list = `kubectl get nodes -o jsonpath='{.items[*].status.addresses[?(@.type=="InternalIP")].address}'`;
  const ips = sample ? `$(${list} | tr ' ' '\\n' | head -n ${sample})` : `$(${list})`;
  const ssh = `${tool('ssh')} -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes -o LogLevel=ERROR -i ${twin.ssh.keyPath} -p ${twin.ssh.port}`;
  return `for ip in ${ips}; do echo "reboot node $ip"; ${ssh} core@$ip sudo shutdown -r -t 3; done`;
}

export async function runDocLoop(twin: Twin, sample: number): Promise<DocLoopResult> {
  const total = twin.scenario.nodes.length;
  const sampled = sample < total;
  const script = docLoopScript(twin, sampled ? sample : undefined);
  const start = performance.now();
  let first = 0;
  let ran = 0;
  const child = spawn('/bin/bash', ['-c', script], {
    env: { PATH: `/usr/bin:/bin:${process.env.PATH ?? ''}`, HOME: twin.dir, KUBECONFIG: twin.kubeconfigPath },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    first ||= performance.now();
    ran += chunk.split('\n').filter((l) => l.startsWith('reboot node ')).length;
  });
  await new Promise<void>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', () => resolve());
  });
  const end = performance.now();
  const listMs = (first || end) - start;
  const perNodeMs = ran ? (end - first) / ran : NaN;
  return {
    acceptedMs: sampled ? listMs + perNodeMs * total : end - start,
    measuredMs: end - start,
    listMs,
    perNodeMs,
    ran,
    extrapolated: sampled,
  };
}

export type FanoutAccess = 'ssh' | 'api';

/** Worker CPU per node to get the commands accepted, the node list and process start left out. */
export const cpuPerNode = (a: ActionResult, nodes: number) => (a.acceptedCpuMs - a.listedCpuMs) / nodes;

export async function runActionFanout(twin: Twin, access: FanoutAccess = 'ssh'): Promise<ActionResult> {
  // BENCH_CPU_PROF=<dir>: a V8 CPU profile of the action's side (node --cpu-prof), for the per-node cost.
  const prof = process.env.BENCH_CPU_PROF;
  const profArgs = prof ? ['--cpu-prof', `--cpu-prof-dir=${prof}`] : [];
  const worker = join(REPO_ROOT, 'scripts', 'bench', 'reboot-worker.ts');
  const child = spawn(nodeBinary(), [...profArgs, worker], {
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      BENCH_REBOOT: JSON.stringify({
        access,
        kubeconfigPath: twin.kubeconfigPath,
        keyPath: twin.ssh.keyPath,
        knownHostsPath: twin.ssh.knownHostsPath,
        port: twin.ssh.port,
      }),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (c) => resolve(c));
  });
  const line = out.trim().split('\n').pop() ?? '';
  if (code !== 0 || !line.startsWith('{'))
    throw new Error(`reboot worker failed (exit ${code}): ${err.slice(-2000)}`);
  return JSON.parse(line) as ActionResult;
}

/** Resolves once every node has rebooted `expected` times in total and is Ready again. */
export async function waitAllBack(
  twin: Twin,
  expected: Map<string, number>,
  timeoutMs = 120_000,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const nodes = twin.store.list(NODE_TYPE);
    const pending = nodes.filter((n) => {
      const name = n.metadata.name;
      const ready = (
        (n.status as { conditions?: { type: string; status: string }[] })?.conditions ?? []
      ).some((c) => c.type === 'Ready' && c.status === 'True');
      return !ready || twin.controllers.rebootCount(name) < (expected.get(name) ?? 0);
    });
    if (pending.length === 0) return;
    if (performance.now() > deadline) throw new Error(`${pending.length} node(s) not back in time`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
