// `npm run twin -- --scenario FILE [--timeline FILE]`: starts a twin, prints one JSON line with its
// facts (API URL, kubeconfig path, SSH port, key path, nodes with addresses and host-key
// fingerprints), serves until SIGINT/SIGTERM, then writes the timeline (default twin-timeline.json).
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startTwin } from './index.ts';

const { values } = parseArgs({
  options: {
    scenario: { type: 'string' },
    timeline: { type: 'string', default: 'twin-timeline.json' },
  },
});
if (!values.scenario) {
  process.stderr.write(
    'usage: npm run twin -- --scenario __tests__/twin/scenarios/ocp-4.14.yaml [--timeline out.json]\n',
  );
  process.exit(2);
}
const twin = await startTwin(values.scenario);
process.stdout.write(JSON.stringify(twin.facts()) + '\n');

let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  writeFileSync(values.timeline!, JSON.stringify(twin.timeline.toJSON(), null, 2) + '\n');
  await twin.stop();
  process.stderr.write(`timeline written to ${values.timeline}\n`);
  process.exit(0);
};
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());
