// startTwin(scenario): a whole simulated OpenShift cluster — object store, controllers (CNO, MCO,
// kubelet, namespaces), the HTTPS API server and one SSH server per node — plus everything a client
// needs to reach it: kubeconfig (file and text), the SSH client key, node addresses and host keys.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApiServer } from './api/server.ts';
import { makeKubeconfig } from './api/kubeconfig.ts';
import { ApiOutage } from './api/outage.ts';
import { VirtualClock } from './clock.ts';
import { ApiState, type TwinContext } from './context.ts';
import { seedCluster, startControllers, type Controllers } from './controllers/index.ts';
import { seedInventory } from './controllers/seed-inventory.ts';
import { Faults } from './faults.ts';
import { loadScenarioFile, normalizeScenario, type Scenario, type ScenarioInput } from './scenario.ts';
import { startBastion, type Bastion } from './ssh/bastion.ts';
import { startSshNodes, type SshNodeInfo } from './ssh/nodes.ts';
import { Store } from './store.ts';
import { Timeline } from './timeline.ts';

export interface Twin {
  scenario: Scenario;
  /** Kubeconfig YAML with the admin token; `kubeconfigPath` holds the same text (mode 0600). */
  kubeconfig: string;
  kubeconfigPath: string;
  /** Kubeconfig of the read-only user (writes get 403). */
  readonlyKubeconfig: string;
  apiUrl: string;
  /** The API server's CA certificate (PEM), also in the kubeconfig. */
  caPem: string;
  adminToken: string;
  readonlyToken: string;
  ssh: {
    port: number;
    /** Unencrypted OpenSSH private key authorised for `core` on every node; also at `keyPath` (0600). */
    clientPrivateKey: string;
    keyPath: string;
    encryptedClientPrivateKey: string;
    passphrase: string;
    /** known_hosts text with every node address's host key. */
    knownHosts: string;
    knownHostsPath: string;
  };
  nodes: SshNodeInfo[];
  /** The SSH jump host (scenario `bastion`), its host key in `ssh.knownHosts` too. */
  bastion?: Bastion;
  ctx: TwinContext;
  controllers: Controllers;
  /**
   * The API server's availability: `down` while the control plane lacks quorum (realism.apiOutage);
   * tests may also `suspend()` / `resume()` it by hand to simulate an outage of their own length.
   */
  api: { readonly down: boolean; outages(): number; suspend(): Promise<void>; resume(): Promise<void> };
  timeline: Timeline;
  store: Store;
  faults: Faults;
  clock: VirtualClock;
  /** Temp directory holding the kubeconfig, keys and known_hosts; removed by stop(). */
  dir: string;
  /** The facts the CLI prints, as one JSON-able object (no private key text, paths only). */
  facts(): Record<string, unknown>;
  stop(): Promise<void>;
}

export async function startTwin(scenario: Scenario | ScenarioInput | string): Promise<Twin> {
  const sc: Scenario =
    typeof scenario === 'string'
      ? loadScenarioFile(scenario)
      : 'timing' in scenario &&
          'clusterOperators' in scenario &&
          Array.isArray((scenario as Scenario).pools) &&
          (scenario as Scenario).nodes.every((n) => Array.isArray(n.addresses))
        ? (scenario as Scenario)
        : normalizeScenario(scenario as ScenarioInput);
  const clock = new VirtualClock(sc.timing.msPerSecond, sc.timing.minStateMs);
  const timeline = new Timeline(clock);
  const store = new Store(clock, timeline);
  const faults = new Faults(sc.faults);
  const ctx: TwinContext = {
    scenario: sc,
    clock,
    timeline,
    store,
    faults,
    podLogs: new Map(),
    api: new ApiState(),
  };

  seedCluster(ctx);
  seedInventory(ctx);
  const controllers = startControllers(ctx);
  const api = await startApiServer(ctx);
  const ssh = await startSshNodes(ctx, controllers);
  ctx.nodeShells = ssh;
  controllers.onNodeStateChange((node) => void ssh.refresh(node));
  const bastion = sc.bastion
    ? await startBastion(ctx, sc.bastion, ssh.clientPublicKey, () => ssh.port)
    : undefined;
  const outage = sc.realism.apiOutage ? new ApiOutage(ctx, controllers, api) : undefined;

  const dir = mkdtempSync(join(tmpdir(), 'ocp-twin-'));
  const kubeconfig = makeKubeconfig({
    url: api.url,
    caPem: api.caPem,
    token: api.adminToken,
    user: api.adminUser,
    context: 'twin',
  });
  const readonlyKubeconfig = makeKubeconfig({
    url: api.url,
    caPem: api.caPem,
    token: api.readonlyToken,
    user: api.readonlyUser,
    context: 'twin',
  });
  const kubeconfigPath = join(dir, 'kubeconfig');
  writeFileSync(kubeconfigPath, kubeconfig, { mode: 0o600 });
  const keyPath = join(dir, 'id_ed25519');
  writeFileSync(keyPath, ssh.clientPrivateKey, { mode: 0o600 });
  const knownHosts =
    [...(bastion ? [bastion.knownHostsLine] : []), ...ssh.nodes.flatMap((n) => n.knownHostsLines)].join(
      '\n',
    ) + '\n';
  const knownHostsPath = join(dir, 'known_hosts');
  writeFileSync(knownHostsPath, knownHosts, { mode: 0o600 });

  let stopped = false;
  const twin: Twin = {
    scenario: sc,
    kubeconfig,
    kubeconfigPath,
    readonlyKubeconfig,
    apiUrl: api.url,
    caPem: api.caPem,
    adminToken: api.adminToken,
    readonlyToken: api.readonlyToken,
    ssh: {
      port: ssh.port,
      clientPrivateKey: ssh.clientPrivateKey,
      keyPath,
      encryptedClientPrivateKey: ssh.encryptedClientPrivateKey,
      passphrase: ssh.clientKeyPassphrase,
      knownHosts,
      knownHostsPath,
    },
    nodes: ssh.nodes,
    ...(bastion ? { bastion } : {}),
    ctx,
    controllers,
    api: {
      get down() {
        return api.down;
      },
      outages: () => outage?.outages ?? 0,
      suspend: () => api.suspend(),
      resume: () => api.resume(),
    },
    timeline,
    store,
    faults,
    clock,
    dir,
    facts: () => ({
      scenario: sc.name,
      version: sc.version,
      apiUrl: api.url,
      kubeconfigPath,
      sshPort: ssh.port,
      sshUser: 'core',
      sshKeyPath: keyPath,
      knownHostsPath,
      msPerSecond: sc.timing.msPerSecond,
      ...(bastion
        ? {
            bastion: {
              address: bastion.address,
              port: bastion.port,
              hostKeyFingerprint: bastion.hostKeyFingerprint,
            },
          }
        : {}),
      nodes: ssh.nodes.map((n) => ({
        name: n.name,
        addresses: n.addresses,
        hostKeyFingerprint: n.hostKeyFingerprint,
      })),
    }),
    stop: async () => {
      if (stopped) return;
      stopped = true;
      outage?.stop();
      controllers.stop();
      clock.stop();
      await Promise.all([api.stop(), ssh.stop(), bastion?.stop()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return twin;
}

export { normalizeScenario, loadScenarioFile };
export type { Scenario, ScenarioInput };
