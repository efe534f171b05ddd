// Child process for the fan-out benchmark: the action's own reboot code (src/nodes/reboot.ts
// rebootNodes, with the NodeShell and NodeWatch the action builds) against a running twin, in a process
// of its own as the action would be, so that the twin's SSH servers and the client do not share one
// event loop. `access` picks the transport: `ssh` (NodeShell, the default) or `api` (ApiNodeAccess:
// pods/exec into each node's machine-config-daemon pod, through the twin's API server). Reads its settings from the BENCH_REBOOT environment variable (JSON) and prints one JSON
// line with the timings:
//   acceptedMs  from the start (NodeWatch list included, as the document's loop includes `oc get nodes`)
//               to the last "reboot command sent" — every reboot command accepted by its node;
//   phaseMs     from the start to rebootNodes returning — every node back Ready with a new bootID.
import { readFileSync } from 'node:fs';
import { Cluster } from '../../src/cluster/client.ts';
import { NodeWatch } from '../../src/nodes/node-watch.ts';
import { rebootNodes } from '../../src/nodes/reboot.ts';
import type { NodeAccess } from '../../src/nodes/access.ts';
import { ApiNodeAccess } from '../../src/nodes/api-access.ts';
import { NodeShell } from '../../src/nodes/ssh.ts';
import type { Logger } from '../../src/util/log.ts';

interface WorkerSettings {
  access?: 'ssh' | 'api';
  kubeconfigPath: string;
  keyPath: string;
  knownHostsPath: string;
  port: number;
  maxParallel?: number;
  rebootTimeoutMs?: number;
}

const settings = JSON.parse(process.env.BENCH_REBOOT ?? '{}') as WorkerSettings;
const t0 = performance.now();
let lastSent = 0;
let sent = 0;
let sentCpuMs = 0;
let expected = Infinity;
let sentAtUs = 0;
// Monotonic µs (the clock of a --cpu-prof profile's timestamps): profile-summary.ts --from/--to.
const monoUs = () => Number(process.hrtime.bigint() / 1000n);
// The main thread's CPU (Node ≥ 23.9): the action's own work, without V8's GC and compiler threads,
// which vary more from run to run on a busy machine. The process total is printed too (cpuMs).
const cpuNow = () => {
  const u = process.threadCpuUsage?.() ?? process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const warnings: string[] = [];
const log: Logger = {
  info: (msg) => {
    if (/: reboot command sent via /.test(msg)) {
      sent++;
      lastSent = performance.now();
      // Read once, at the last node's line: process.cpuUsage per line would itself show in the profile.
      if (sent === expected) {
        sentCpuMs = cpuNow();
        sentAtUs = monoUs();
      }
    }
  },
  warn: (msg) => void warnings.push(msg),
  debug: () => {},
  block: () => {},
};

const cluster = Cluster.fromKubeconfig(readFileSync(settings.kubeconfigPath, 'utf8'), undefined, log);
const shell: NodeAccess =
  settings.access === 'api'
    ? new ApiNodeAccess(cluster, log)
    : new NodeShell(
        {
          user: 'core',
          port: settings.port,
          privateKey: readFileSync(settings.keyPath, 'utf8'),
          knownHosts: readFileSync(settings.knownHostsPath, 'utf8'),
        },
        log,
      );
const watch = await NodeWatch.start(cluster, log);
const listedMs = performance.now() - t0;
const listedCpuMs = cpuNow();
const listedAtUs = monoUs();
expected = watch.all().length;
const outcomes = await rebootNodes(
  watch.all().map((s) => s.name),
  {
    access: shell,
    watch,
    maxParallel: settings.maxParallel ?? 0,
    rebootTimeoutMs: settings.rebootTimeoutMs ?? 300_000,
    log,
  },
);
const phaseMs = performance.now() - t0;
watch.stop();
await shell.close();
process.stdout.write(
  JSON.stringify({
    listedMs,
    acceptedMs: lastSent - t0,
    phaseMs,
    sent,
    ok: outcomes.filter((o) => o.ok).length,
    failed: outcomes.filter((o) => !o.ok).map((o) => o.error),
    warnings: warnings.slice(0, 5),
    cpuMs: (process.cpuUsage().user + process.cpuUsage().system) / 1000,
    // CPU up to the node list (process start, imports, the LIST) and up to the last command accepted:
    // (acceptedCpuMs - listedCpuMs) / nodes is the CPU it took to get one node's command accepted.
    listedCpuMs,
    acceptedCpuMs: sentCpuMs,
    listedAtUs,
    acceptedAtUs: sentAtUs,
  }) + '\n',
);
process.exit(0);
