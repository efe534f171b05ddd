// Splits a fan-out worker's V8 CPU profile (profile-fanout.ts with BENCH_CPU_PROF) into the parts of an
// SSH connection's cost, per node, over the window from the node list to the last command accepted:
//   node scripts/bench/profile-components.ts <file.cpuprofile> <nodes> --from µs --to µs
// A sample goes to the first part whose test its stack passes (leaf first, then its callers), so the
// parts add up to the busy time. The README's "SSH CPU per node" table is made with it.
import { readProfileArgs } from './cpu-profile.ts';

/** [part, test on "function file" frames, leaf first]; the first that passes takes the sample. */
const PARTS: [string, (frames: string[]) => boolean][] = [
  ['GC', (f) => f[0].startsWith('(garbage collector)')],
  // Before the protocol steps: their writes and connects count here, not as the step that sent them.
  [
    'socket writes',
    (f) => f.some((x) => /^(writeBuffer|writev|Socket\._writeGeneric|handleWriteReq) /.test(x)),
  ],
  ['TCP connect', (f) => f.some((x) => /^(internalConnect|Socket\.connect) /.test(x))],
  [
    'client auth signature',
    (f) => f.some((x) => /^authPK /.test(x)) && f.some((x) => /^(sign|signOneShot) /.test(x)),
  ],
  [
    'host key verification (signature, known_hosts)',
    (f) => f.some((x) => /keyParser\.js|known-hosts\.ts|^verifyHostKey |^hostVerifier /.test(x)),
  ],
  [
    'key exchange (x25519 keygen, export, derive)',
    (f) =>
      f.some((x) =>
        /^(computeSecret|generateKeys|getPublicKey|generateKEXVal|completeHandshake) .*kex\.js/.test(x),
      ),
  ],
  [
    "packet cipher/MAC (ssh2's JS ciphers)",
    (f) => /node:internal\/crypto\/(cipher|hash|mac)|ssh2\/lib\/protocol\/crypto\.js/.test(f[0]),
  ],
  ["action's own code (ssh.ts, reboot, watch)", (f) => /\/(src|scripts)\//.test(f[0])],
  ['ssh2 protocol, other (parsing, channels)', (f) => /ssh2\//.test(f[0])],
  ['Node internals (streams, timers, events)', () => true],
];

const { p, args, from, to } = readProfileArgs();
const nodes = Number(args[0] ?? 1);
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const frame = (id: number) => {
  const cf = byId.get(id)!.callFrame;
  return `${cf.functionName || '(anonymous)'} ${cf.url}:${cf.lineNumber + 1}`;
};
const stackCache = new Map<number, string[]>();
const stackOf = (id: number): string[] => {
  let s = stackCache.get(id);
  if (!s) {
    s = [];
    for (let x: number | undefined = id; x !== undefined; x = parent.get(x)) s.push(frame(x));
    stackCache.set(id, s);
  }
  return s;
};
const total = new Map<string, number>(PARTS.map(([k]) => [k, 0]));
let at = p.startTime;
let busy = 0;
p.samples.forEach((id, i) => {
  at += p.timeDeltas[i] ?? 0;
  if (at < from || at > to) return;
  const leaf = byId.get(id)!.callFrame.functionName;
  if (leaf === '(idle)' || leaf === '(program)') return;
  const dt = p.timeDeltas[i] ?? 0;
  busy += dt;
  const part = PARTS.find(([, test]) => test(stackOf(id)))![0];
  total.set(part, total.get(part)! + dt);
});
for (const [k, v] of total) console.log(`${(v / 1000 / nodes).toFixed(2).padStart(6)} ms/node  ${k}`);
console.log(`${(busy / 1000 / nodes).toFixed(2).padStart(6)} ms/node  busy in all (profiled)`);
