// `npm run demo`: a whole migration on your machine. Starts the OpenShift twin (a 4.14 cluster with
// 3 masters and 3 workers, or --scenario FILE), a local artifact results service, and runs the bundled
// action (`node dist/index.js`, mode migrate) against them exactly as the runner would, then prints
// where the job summary, the report and the artifact went.
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startHarness } from '../__tests__/helpers/twin-action.ts';

const { values } = parseArgs({
  options: {
    scenario: { type: 'string', default: '__tests__/twin/scenarios/ocp-4.14.yaml' },
    mode: { type: 'string', default: 'migrate' },
    out: { type: 'string', default: '.demo' },
  },
});
const out = resolve(values.out!);
mkdirSync(out, { recursive: true });

const started = performance.now();
console.log(`Starting the twin from ${values.scenario} …`);
const h = await startHarness(values.scenario!);
console.log(
  `Twin: OpenShift ${h.twin.scenario.version}, ${h.twin.scenario.nodes.length} nodes, API ${h.twin.apiUrl}, SSH port ${h.twin.ssh.port}`,
);
console.log(`Running node dist/index.js (mode: ${values.mode}) …\n`);
const run = await h.run(
  { mode: values.mode!, 'artifact-name': 'sdn-to-ovn-demo' },
  { onStdout: (chunk) => process.stdout.write(chunk.replace(/^::(add-mask|debug)::.*\n?/gm, '')) },
);
const summaryPath = join(out, 'summary.md');
writeFileSync(summaryPath, run.summary);
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

console.log(
  `\nExit code ${run.code}, result ${run.outputs.result}, network type ${run.outputs['network-type']}`,
);
console.log(`Job summary:  ${summaryPath}`);
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
