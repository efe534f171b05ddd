// Shared set-up for end-to-end tests: a twin, a local artifact results service, and the action's
// inputs pointing at them, so each test reads as "this cluster, these inputs, this outcome".
import { startResultsService, type ResultsService } from './results-service.ts';
import { runAction, type ActionRun, type RunActionOptions } from './run-action.ts';
import { startTwin, type Twin } from '../twin/index.ts';
import type { Scenario, ScenarioInput } from '../twin/scenario.ts';

export interface Harness {
  twin: Twin;
  results: ResultsService;
  /** Inputs for a migration against the twin: kubeconfig, SSH key, port and known_hosts. */
  inputs(extra?: Record<string, string>): Record<string, string>;
  run(extra?: Record<string, string>, opts?: Partial<RunActionOptions>): Promise<ActionRun>;
  stop(): Promise<void>;
}

export async function startHarness(scenario: Scenario | ScenarioInput | string): Promise<Harness> {
  const twin = await startTwin(scenario);
  const results = await startResultsService();
  const inputs = (extra: Record<string, string> = {}) => ({
    kubeconfig: twin.kubeconfig,
    mode: 'migrate',
    'ssh-private-key': twin.ssh.clientPrivateKey,
    'ssh-port': String(twin.ssh.port),
    'ssh-known-hosts': twin.ssh.knownHosts,
    'wait-timeout': '5m',
    'reboot-timeout': '2m',
    ...extra,
  });
  return {
    twin,
    results,
    inputs,
    run: (extra = {}, opts = {}) =>
      runAction({
        inputs: inputs(extra),
        env: { ...results.env, GITHUB_RUN_ID: '4242', GITHUB_RUN_ATTEMPT: '1', ...opts.env },
        timeoutMs: 180_000,
        ...opts,
      }),
    stop: async () => {
      await Promise.all([twin.stop(), results.stop()]);
    },
  };
}

/** Index of the first timeline entry matching, or -1. */
export function indexOf(twin: Twin, pred: (e: Twin['timeline']['entries'][number]) => boolean): number {
  return twin.timeline.entries.findIndex(pred);
}

/** Index of the last timeline entry matching, or -1. */
export function lastIndexOf(twin: Twin, pred: (e: Twin['timeline']['entries'][number]) => boolean): number {
  const entries = twin.timeline.entries;
  for (let i = entries.length - 1; i >= 0; i--) if (pred(entries[i])) return i;
  return -1;
}
