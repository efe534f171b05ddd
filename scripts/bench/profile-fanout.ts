// The per-node CPU cost of getting a reboot command accepted: one fan-out of the action's reboot code
// (the bench's reboot worker) on an N-node twin, its CPU time per node, and with BENCH_CPU_PROF=<dir>
// a V8 profile of the worker to read with profile-summary.ts.
//   node scripts/bench/profile-fanout.ts [nodes] [ssh|api] [runs]
// CPU is process.cpuUsage of the worker: noisy neighbours change wall time more than CPU time, and
// min/median over several runs is printed.
import { startTwin } from '../../__tests__/twin/index.ts';
import { cpuPerNode, type FanoutAccess, fanoutScenario, runActionFanout, waitAllBack } from './fanout.ts';
import { summarize } from './stats.ts';

const nodes = Number(process.argv[2] ?? 200);
const access = (process.argv[3] ?? 'ssh') as FanoutAccess;
const runs = Number(process.argv[4] ?? 1);
const twin = await startTwin(fanoutScenario(nodes));
const reboots = new Map(twin.scenario.nodes.map((n) => [n.name, 0]));
const perNode: number[] = [];
const accepted: number[] = [];
// The twin runs in this process: its CPU over the fan-out (worker start to every node back Ready).
const twinCpu: number[] = [];
try {
  for (let i = 0; i < runs; i++) {
    const before = process.cpuUsage();
    const r = await runActionFanout(twin, access);
    const used = process.cpuUsage(before);
    twinCpu.push((used.user + used.system) / 1000);
    for (const k of reboots.keys()) reboots.set(k, reboots.get(k)! + 1);
    perNode.push(cpuPerNode(r, nodes));
    accepted.push(r.acceptedMs);
    process.stdout.write(
      `${nodes} nodes via ${access}: window --from ${r.listedAtUs} --to ${r.acceptedAtUs}: accepted ${r.acceptedMs.toFixed(0)} ms (list ${r.listedMs.toFixed(0)} ms), phase ${r.phaseMs.toFixed(0)} ms, worker CPU ${r.cpuMs.toFixed(0)} ms total, ${cpuPerNode(r, nodes).toFixed(2)} ms/node from the list to the last command accepted, twin CPU ${twinCpu[i].toFixed(0)} ms, ok ${r.ok}/${nodes}${r.failed.length ? ` failed: ${r.failed.slice(0, 2).join('; ')}` : ''}\n`,
    );
    await waitAllBack(twin, reboots);
  }
  if (runs > 1) {
    const c = summarize(perNode);
    const a = summarize(accepted);
    const t = summarize(twinCpu);
    process.stdout.write(
      `over ${runs} runs: CPU/node min ${c.min.toFixed(2)} median ${c.median.toFixed(2)} ms; accepted min ${a.min.toFixed(0)} median ${a.median.toFixed(0)} ms; twin CPU min ${t.min.toFixed(0)} median ${t.median.toFixed(0)} ms\n`,
    );
  }
} finally {
  await twin.stop();
}
process.exit(0);
