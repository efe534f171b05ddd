// The per-node CPU cost of getting a reboot command accepted: one fan-out of the action's reboot code
// (the bench's reboot worker) on an N-node twin, its CPU time per node, and with BENCH_CPU_PROF=<dir>
// a V8 profile of the worker to read with profile-summary.ts.
//   node scripts/bench/profile-fanout.ts [nodes]
import { startTwin } from '../../__tests__/twin/index.ts';
import { fanoutScenario, runActionFanout } from './fanout.ts';

const nodes = Number(process.argv[2] ?? 200);
const twin = await startTwin(fanoutScenario(nodes));
try {
  const r = await runActionFanout(twin);
  process.stdout.write(
    `${nodes} nodes: accepted ${r.acceptedMs.toFixed(0)} ms, phase ${r.phaseMs.toFixed(0)} ms, worker CPU ${r.cpuMs.toFixed(0)} ms = ${(r.cpuMs / nodes).toFixed(2)} ms/node (process start and the node list included), ok ${r.ok}/${nodes}\n`,
  );
} finally {
  await twin.stop();
}
process.exit(0);
