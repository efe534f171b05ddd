// Shared by the fidelity tests: a twin from a scenario file, a work directory, and the bash procedure
// scripts run with the real kubectl and ssh against it, their output split at `### <step>` markers.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach } from 'vitest';
import { startTwin, type Twin } from './index.ts';
import { findType } from './resources.ts';
import { loadScenarioFile, type Scenario } from './scenario.ts';
import type { KObject } from './store.ts';

export const ROOT = resolve(import.meta.dirname, '../..');
export const MC = 'machineconfiguration.openshift.io';
export const OVN_EXECSTART = 'ExecStart=/usr/local/bin/configure-ovs.sh OVNKubernetes';

export const T = {
  node: findType('', 'nodes')!,
  namespace: findType('', 'namespaces')!,
  networkConfig: findType('config.openshift.io', 'networks')!,
  networkOperator: findType('operator.openshift.io', 'networks')!,
  clusterOperator: findType('config.openshift.io', 'clusteroperators')!,
  machineConfig: findType(MC, 'machineconfigs')!,
  pool: findType(MC, 'machineconfigpools')!,
};

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout split at the script's `### <step>` lines. */
  steps: Map<string, string[]>;
}

export function run(file: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 45_000): Promise<Run> {
  return new Promise((done) => {
    execFile(file, args, { env, timeout: timeoutMs, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      const steps = new Map<string, string[]>();
      let current = '';
      for (const line of stdout.split('\n')) {
        const m = /^### (.+)$/.exec(line);
        if (m) steps.set((current = m[1]), []);
        else if (current && line !== '') steps.get(current)!.push(line);
      }
      done({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr, steps });
    });
  });
}

/** Table rows of kubectl output: columns are separated by two or more spaces. */
export function rows(lines: string[]): string[][] {
  return lines.map((l) => l.trim().split(/\s{2,}/));
}

export const annotations = (o: KObject) => o.metadata.annotations ?? {};

/**
 * A twin per test from `scenarioFile` (10 ms per virtual second so that kubectl sees each phase, plus
 * what `tweak` changes), stopped with its work directory after each test.
 */
export function fidelityTwins(scenarioFile: string, prefix: string) {
  let twin: Twin | undefined;
  let work: string | undefined;
  afterEach(async () => {
    await twin?.stop();
    twin = undefined;
    if (work) await rm(work, { recursive: true, force: true });
    work = undefined;
  });
  return {
    start: async (tweak: (sc: Scenario) => void = () => {}): Promise<Twin> => {
      const sc = loadScenarioFile(scenarioFile);
      sc.timing.msPerSecond = 10;
      tweak(sc);
      twin = await startTwin(sc);
      work = await mkdtemp(join(tmpdir(), prefix));
      return twin;
    },
    /** The procedure scripts' environment: kubeconfig, SSH key and port, a work directory. */
    env: (t: Twin, extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: work!,
      KUBECONFIG: t.kubeconfigPath,
      SSH_KEY: t.ssh.keyPath,
      SSH_PORT: String(t.ssh.port),
      WORKDIR: work!,
      WAIT_TIMEOUT: '40s',
      ...extra,
    }),
    workDir: () => work!,
  };
}
