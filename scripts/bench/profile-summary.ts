// Summarises a V8 .cpuprofile (node --cpu-prof): self time per function and per file, top N, so the
// per-node CPU cost of the fan-out can be read without DevTools.
//   node scripts/bench/profile-summary.ts <file.cpuprofile> [nodes] [top] [--from µs --to µs]
// --from/--to keep only the samples in that window (monotonic µs, the clock of the profile's
// timestamps, as profile-fanout.ts prints for the span from the node list to the last command
// accepted), so that process start and the wait for the nodes to come back are left out.
import { readProfileArgs } from './cpu-profile.ts';

const { p, args, from, to } = readProfileArgs();
const [nodesArg, topArg] = args;
const nodes = Number(nodesArg ?? 1);
const top = Number(topArg ?? 25);
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const self = new Map<number, number>();
let at = p.startTime;
p.samples.forEach((id, i) => {
  at += p.timeDeltas[i] ?? 0;
  if (at >= from && at <= to) self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0));
});
const fn = new Map<string, number>();
const files = new Map<string, number>();
let busy = 0;
for (const [id, us] of self) {
  const cf = byId.get(id)!.callFrame;
  if (cf.functionName === '(idle)' || cf.functionName === '(program)') continue;
  busy += us;
  const where =
    cf.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/(src|scripts)\//, '$1/') || '(native)';
  fn.set(
    `${cf.functionName || '(anonymous)'} ${where}:${cf.lineNumber + 1}`,
    (fn.get(`${cf.functionName || '(anonymous)'} ${where}:${cf.lineNumber + 1}`) ?? 0) + us,
  );
  const pkg = where
    .split('/')
    .slice(0, where.startsWith('@') ? 2 : 1)
    .join('/');
  files.set(pkg, (files.get(pkg) ?? 0) + us);
}
const ms = (us: number) => (us / 1000).toFixed(1);
const print = (title: string, m: Map<string, number>) => {
  console.log(`\n${title}`);
  for (const [k, v] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(`${ms(v).padStart(9)} ms  ${(v / 1000 / nodes).toFixed(3).padStart(7)} ms/node  ${k}`);
};
const span = Math.min(to, p.endTime) - Math.max(from, p.startTime);
console.log(
  `wall ${ms(span)} ms, busy (not idle/program) ${ms(busy)} ms = ${(busy / 1000 / nodes).toFixed(2)} ms/node over ${nodes} node(s)`,
);
print('self time by package / directory', files);
print('self time by function', fn);
