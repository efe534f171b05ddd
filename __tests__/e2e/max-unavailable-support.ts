// Shared by the max-unavailable end-to-end tests (migrations and rollbacks): a cluster whose pools
// have their own maxUnavailable (worker 2, master 3, as an administrator might have left them), the
// pools' values read from the twin, and a run stopped at a log line.
import { expect } from 'vitest';
import type { Harness } from '../helpers/twin-action.ts';
import { findType } from '../twin/resources.ts';
import type { ScenarioInput } from '../twin/scenario.ts';

export const WORKER = 'MachineConfigPool.machineconfiguration.openshift.io/worker';
export const MASTER = 'MachineConfigPool.machineconfiguration.openshift.io/master';

/** 3 masters and 4 workers; worker's own maxUnavailable is 2 and master's 3. */
export function cluster(version: string): ScenarioInput {
  return {
    version,
    nodes: [
      { name: 'master-0', pool: 'master' },
      { name: 'master-1', pool: 'master' },
      { name: 'master-2', pool: 'master' },
      ...[0, 1, 2, 3].map((i) => ({ name: `worker-${i}`, pool: 'worker' })),
    ],
    pools: [
      { name: 'master', maxUnavailable: 3 },
      { name: 'worker', maxUnavailable: 2 },
    ],
    podsPerNode: 1,
    timing: { msPerSecond: 2 },
  };
}

export function poolValue(h: Harness, name: string): unknown {
  const pools = findType('machineconfiguration.openshift.io', 'machineconfigpools')!;
  return (h.twin.store.get(pools, undefined, name)?.spec as { maxUnavailable?: unknown } | undefined)
    ?.maxUnavailable;
}

export function expectOriginals(h: Harness): void {
  expect(poolValue(h, 'worker'), 'worker maxUnavailable').toBe(2);
  expect(poolValue(h, 'master'), 'master maxUnavailable').toBe(3);
}

/** A run stopped (SIGKILL or SIGINT) when its log shows `marker`. */
export async function interrupt(
  h: Harness,
  inputs: Record<string, string>,
  marker: string,
  how: 'kill' | 'signal' = 'kill',
) {
  const stop = new AbortController();
  let out = '';
  const run = await h.run(inputs, {
    [how]: stop.signal,
    onStdout: (chunk: string) => {
      out += chunk;
      if (out.includes(marker)) stop.abort();
    },
  });
  expect(out, `marker "${marker}" never appeared`).toContain(marker);
  return run;
}
