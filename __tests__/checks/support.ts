// A StepContext against a running twin, for checks that read the cluster and the nodes: the real
// Cluster client, a real NodeShell and NodeWatch (opened on first use, like orchestrate does) and a
// MemoryLogger.
import { Cluster } from '../../src/cluster/client.ts';
import { NodeWatch } from '../../src/nodes/node-watch.ts';
import { NodeShell } from '../../src/nodes/ssh.ts';
import type { NodeTools, StepContext } from '../../src/procedure/types.ts';
import { RunReport } from '../../src/report/model.ts';
import type { Settings } from '../../src/inputs/settings.ts';
import { MemoryLogger } from '../../src/util/log.ts';
import type { Twin } from '../twin/index.ts';
import { ApiNodeAccess } from '../../src/nodes/api-access.ts';
import { nodeAccessOf } from '../../src/inputs/node-access.ts';

export interface TestContext {
  ctx: StepContext;
  log: MemoryLogger;
  close(): Promise<void>;
}

export function settingsFor(twin: Twin, over: Partial<Settings> = {}): Settings {
  return {
    kubeconfig: twin.kubeconfig,
    mode: 'migrate',
    ssh: {
      privateKey: twin.ssh.clientPrivateKey,
      user: 'core',
      port: twin.ssh.port,
      knownHosts: twin.ssh.knownHosts,
    },
    waitTimeoutMs: 60_000,
    // The operator gate's 30 s between passes, in the twin's virtual seconds.
    operatorsStableIntervalMs: 30 * twin.scenario.timing.msPerSecond,
    rebootTimeoutMs: 60_000,
    maxParallelReboots: 0,
    cleanup: true,
    etcdBackup: true,
    artifactName: 'test',
    ...over,
  };
}

export function contextFor(twin: Twin, over: Partial<Settings> = {}): TestContext {
  const settings = settingsFor(twin, over);
  const log = new MemoryLogger();
  const cluster = Cluster.fromKubeconfig(settings.kubeconfig, undefined, log, {
    retry: { attempts: 2, initialMs: 10, maxMs: 20 },
  });
  const report = new RunReport(cluster.server);
  report.cluster.version = twin.scenario.version;
  const abort = new AbortController();
  let tools: Promise<NodeTools> | undefined;
  const nodes = () =>
    (tools ??= (async () => {
      const watchNodes = () => NodeWatch.start(cluster, log, abort.signal);
      // As the run's session does: the API path when node-access (or auto without a key) says so.
      if (nodeAccessOf(settings).kind === 'api')
        return {
          access: new ApiNodeAccess(cluster.withCancelGate(abort.signal), log),
          watch: await watchNodes(),
        };
      if (!settings.ssh.privateKey) throw new Error('no ssh-private-key');
      const shell = new NodeShell({ ...settings.ssh, privateKey: settings.ssh.privateKey }, log);
      return { access: shell, watch: await watchNodes() };
    })());
  const ctx: StepContext = {
    cluster,
    settings,
    log,
    report,
    saveProgress: async () => {},
    target: 'OVNKubernetes',
    memory: {},
    nodes,
    backupDir: twin.dir,
    signal: abort.signal,
  };
  return {
    ctx,
    log,
    close: async () => {
      abort.abort();
      const t = await tools?.catch(() => undefined);
      t?.watch.stop();
      await t?.access.close();
    },
  };
}
