// `npm run demo`: a whole migration on your machine. Starts the OpenShift twin (a 4.14 cluster with
// 3 masters and 3 workers, or --scenario FILE), a local artifact results service, and runs the bundled
// action (`node dist/index.js`, mode migrate) against them exactly as the runner would, then prints
// where the job summary, the report and the artifact went. `--fault` and `--cancel-at` let a newcomer
// watch a failure and a cancel; `npm run demo -- --help` lists everything.
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { githubPage } from '../__tests__/helpers/render-github.ts';
import { startHarness } from '../__tests__/helpers/twin-action.ts';
import type { Fault } from '../__tests__/twin/scenario.ts';

const USAGE = `Usage: npm run demo -- [options]

Runs the bundled action (dist/index.js) against a simulated OpenShift cluster on this machine.

Options:
  --scenario FILE     twin scenario (default __tests__/twin/scenarios/ocp-4.14.yaml;
                      ocp-4.6.yaml runs procedure A)
  --mode MODE         plan | migrate (default migrate)
  --strategy S        offline | live | auto (default auto: live on a 4.15/4.16 scenario such as
                      ocp-4.16.yaml, offline otherwise)
  --fault KIND[:NODE] inject a fault (repeatable); NODE defaults to the first worker:
${Object.entries(faultHelp())
  .map(([k, v]) => `                        ${k.padEnd(22)}${v}`)
  .join('\n')}
  --cancel-at TEXT    cancel the run (SIGINT, as the runner does) when a log line contains TEXT,
                      e.g. --cancel-at "Switch the default network"
  --out DIR           where the summary, report, artifact and timeline go (default .demo, cleared first)
  -h, --help          show this help
`;

function faultHelp(): Record<string, string> {
  return {
    'node-never-returns': 'the node goes down on reboot and never comes back',
    'node-returns-notready': 'the node comes back from its reboot NotReady',
    'pods-error-persist': 'pods on the node stay in error (verification fails)',
    'pods-crashloop': 'pods on the node crash-loop for their own reasons from its next boot on',
    'ssh-connection-refused': 'SSH to the node is refused (preflight refuses)',
    'sudo-password': 'sudo on the node asks for a password (preflight refuses)',
    'multus-stuck': 'the multus rollout stops after one pod (a wait times out)',
  };
}

/** Exits with a one-line message and the usage hint: no stack trace for a newcomer's typo. */
function usageError(message: string): never {
  process.stderr.write(`demo: ${message}\nRun "npm run demo -- --help" for the options.\n`);
  process.exit(2);
}

/** `KIND[:NODE]`, checked before anything starts; the node defaults once the scenario is known. */
function parseFault(spec: string): (firstWorker: string) => Fault {
  const [kind, node] = spec.split(':');
  if (!(kind in faultHelp()))
    usageError(`unknown fault "${kind}"; one of: ${Object.keys(faultHelp()).join(', ')}`);
  if (kind === 'multus-stuck') return () => ({ kind, afterPods: 1 });
  return (firstWorker) => ({ kind, node: node || firstWorker }) as Fault;
}

function readOptions() {
  try {
    return parseArgs({
      strict: true,
      options: {
        scenario: { type: 'string', default: '__tests__/twin/scenarios/ocp-4.14.yaml' },
        mode: { type: 'string', default: 'migrate' },
        strategy: { type: 'string', default: 'auto' },
        out: { type: 'string', default: '.demo' },
        fault: { type: 'string', multiple: true, default: [] },
        'cancel-at': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values;
  } catch (err) {
    return usageError(err instanceof Error ? err.message : String(err));
  }
}

const values = readOptions();
if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
if (!['plan', 'migrate'].includes(values.mode))
  usageError(`--mode must be plan or migrate, not "${values.mode}"`);
if (!['offline', 'live', 'auto'].includes(values.strategy))
  usageError(`--strategy must be offline, live or auto, not "${values.strategy}"`);
if (!existsSync(values.scenario)) usageError(`scenario file not found: ${values.scenario}`);
const faults = values.fault.map(parseFault);
if (!existsSync('dist/index.js')) usageError('dist/index.js is missing: run "npm run bundle" first');

const out = resolve(values.out);
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const started = performance.now();
console.log(`Starting the twin from ${values.scenario} …`);
const h = await startHarness(values.scenario);
const firstWorker =
  h.twin.scenario.nodes.find((n) => n.pool !== 'master')?.name ?? h.twin.scenario.nodes[0].name;
for (const make of faults) {
  const fault = make(firstWorker);
  h.twin.faults.add(fault);
  console.log(`Fault injected: ${fault.kind}${'node' in fault ? ` on ${fault.node}` : ''}`);
}
console.log(
  `Twin: OpenShift ${h.twin.scenario.version}, ${h.twin.scenario.nodes.length} nodes, API ${h.twin.apiUrl}, SSH port ${h.twin.ssh.port}`,
);
console.log(`Running node dist/index.js (mode: ${values.mode}, strategy: ${values.strategy}) …\n`);
const cancel = new AbortController();
let seen = '';
const run = await h.run(
  { mode: values.mode, strategy: values.strategy, 'artifact-name': 'sdn-to-ovn-demo' },
  {
    signal: cancel.signal,
    onStdout: (chunk) => {
      process.stdout.write(chunk.replace(/^::(add-mask|debug)::.*\n?/gm, ''));
      const marker = values['cancel-at'];
      if (!marker || cancel.signal.aborted) return;
      seen = (seen + chunk).slice(-4096 - marker.length);
      if (seen.includes(marker)) {
        console.log(`\n[demo] "${marker}" seen: cancelling the run (SIGINT) as the runner does …\n`);
        cancel.abort();
      }
    },
  },
);
const summaryPath = join(out, 'summary.md');
writeFileSync(summaryPath, run.summary);
// The summary as GitHub would show it, to open in a browser.
writeFileSync(join(out, 'summary.html'), githubPage('Job summary (demo)', run.summary));
writeFileSync(join(out, 'timeline.json'), JSON.stringify(h.twin.timeline.toJSON(), null, 2));
const reportDir = join(out, 'report');
if (run.outputs['report-path'])
  cpSync(resolve(run.outputs['report-path'], '..'), reportDir, { recursive: true });
const artifact = h.results.artifacts[0];
if (artifact) {
  const dir = join(out, 'artifact');
  for (const [name, data] of artifact.files) {
    mkdirSync(resolve(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), data);
  }
}
await h.stop();

if (values['cancel-at'] && !cancel.signal.aborted)
  console.log(
    `\n[demo] --cancel-at "${values['cancel-at']}" never appeared in the log: the run was not cancelled.`,
  );
console.log(
  `\nExit code ${run.code}, result ${run.outputs.result}, network type ${run.outputs['network-type']}`,
);
console.log(`Job summary:  ${summaryPath} (as GitHub shows it: ${join(out, 'summary.html')})`);
console.log(`Report:       ${join(reportDir, 'report.json')} and report.md`);
console.log(
  artifact
    ? `Artifact:     "${artifact.name}" id ${artifact.id}, ${artifact.size} bytes, unzipped to ${join(out, 'artifact')} (${[...artifact.files.keys()].join(', ')})`
    : 'Artifact:     not uploaded',
);
console.log(
  `Twin timeline: ${join(out, 'timeline.json')} (${h.twin.timeline.entries.length} changes, ${h.twin.timeline.totalRequests()} API requests)`,
);
console.log(`Finished in ${((performance.now() - started) / 1000).toFixed(1)} s`);
process.exit(run.code ?? 1);
