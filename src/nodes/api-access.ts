// Reaching nodes through the API, as Red Hat's Ansible collection and OpenShift CI do: `pods/exec` into
// the node's machine-config-daemon pod (privileged, the host's / at /rootfs) running
// `chroot /rootfs sh -c '<command>'` as root. The pod is found by its node's name (and found again
// when a reboot replaced it); the exec is a write (`create pods/exec`), so it passes the run's cancel
// gate, and it retries through an API outage with the same backoff as every other API call — but only
// where nothing can have run: a refused connection or a refusal answered before the stream opened.
import type { Cluster } from '../cluster/client.ts';
import { refuseIfAborted, sleep } from '../util/abort.ts';
import { API_RETRY, backoffDelay, type BackoffPolicy } from '../util/backoff.ts';
import { formatDuration } from '../util/duration.ts';
import type { Logger } from '../util/log.ts';
import type { NodeAccess, NodeExecOptions, NodeExecResult, NodeTarget } from './access.ts';
import { ExecRefused, ExecTls, ExecTransportError, execStream, type StreamResult } from './api-exec.ts';

export const MCO_NAMESPACE = 'openshift-machine-config-operator';
export const MCD_CONTAINER = 'machine-config-daemon';
const MCD_PREFIX = 'machine-config-daemon-';
/** Returns at once; systemd reboots the host 3 s later, after the exec stream has reported success. */
export const API_REBOOT_COMMAND = 'systemd-run --on-active=3 systemctl reboot';
const DEFAULT_EXEC_TIMEOUT_MS = 10 * 60_000;
// Refusals that say "not now" rather than "never": the API away, or the kubelet of a rebooting node.
const RETRY_STATUS = new Set([429, 500, 502, 503, 504]);
const RETRY_CODES = new Set(['ECONNREFUSED', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);

export class ApiAccessError extends Error {
  readonly node: string;
  constructor(message: string, node: string) {
    super(message);
    this.name = 'ApiAccessError';
    this.node = node;
  }
}

interface McdPod {
  name: string;
  phase: string;
}

export class ApiNodeAccess implements NodeAccess {
  readonly kind = 'api' as const;
  readonly rebootCommand = `chroot /rootfs ${API_REBOOT_COMMAND} (pods/exec in the node's machine-config-daemon pod)`;
  private readonly cluster: Cluster;
  private readonly log: Logger;
  private readonly retry: BackoffPolicy;
  private pods: Promise<Map<string, McdPod>> | undefined;
  /** The TLS context and session shared by the exec streams (rebuilt if the credentials change). */
  private tls: { material: Awaited<ReturnType<Cluster['streamOptions']>>['tls']; exec: ExecTls } | undefined;

  constructor(cluster: Cluster, log: Logger, retry: BackoffPolicy = API_RETRY) {
    this.cluster = cluster;
    this.log = log;
    this.retry = retry;
  }

  /** Node name → its MCD pod, from one LIST (again after `forget`). */
  async mcdPods(): Promise<Map<string, McdPod>> {
    this.pods ??= this.cluster
      .list({ apiVersion: 'v1', kind: 'Pod', namespace: MCO_NAMESPACE })
      .then((list) => {
        const by = new Map<string, McdPod>();
        for (const p of list.items) {
          const node = (p.spec as { nodeName?: string } | undefined)?.nodeName;
          if (!node || !p.metadata.name.startsWith(MCD_PREFIX)) continue;
          const phase = String((p.status as { phase?: string } | undefined)?.phase ?? 'Unknown');
          // Two pods on a node (one terminating after a reboot replaced it): the Running one.
          if (by.get(node)?.phase !== 'Running') by.set(node, { name: p.metadata.name, phase });
        }
        return by;
      });
    this.pods.catch(() => (this.pods = undefined));
    return this.pods;
  }

  private forget(): void {
    this.pods = undefined;
  }

  private async podFor(node: string): Promise<string> {
    let pod = (await this.mcdPods()).get(node);
    if (!pod || pod.phase !== 'Running') {
      this.forget(); // a reboot may have replaced it since the last look
      pod = (await this.mcdPods()).get(node);
    }
    if (!pod)
      throw new ApiAccessError(
        `no machine-config-daemon pod on ${node} in ${MCO_NAMESPACE} — the API path runs commands in it; check the machine-config-daemon DaemonSet`,
        node,
      );
    if (pod.phase !== 'Running')
      throw new ApiAccessError(
        `the machine-config-daemon pod ${pod.name} on ${node} is ${pod.phase}, not Running`,
        node,
      );
    return pod.name;
  }

  async exec(node: NodeTarget, command: string, opts: NodeExecOptions = {}): Promise<NodeExecResult> {
    return this.run(node.name, ['chroot', '/rootfs', 'sh', '-c', command], opts);
  }

  scheduleReboot(
    node: NodeTarget,
    opts: { timeoutMs: number; signal?: AbortSignal },
  ): Promise<NodeExecResult> {
    return this.run(node.name, ['chroot', '/rootfs', ...API_REBOOT_COMMAND.split(' ')], {
      ...opts,
      expectDisconnect: true,
    });
  }

  isFatal(): boolean {
    return false;
  }

  async close(): Promise<void> {
    this.forget();
  }

  private async run(node: string, argv: string[], opts: NodeExecOptions): Promise<NodeExecResult> {
    const timeoutMs = opts.timeoutMs ?? DEFAULT_EXEC_TIMEOUT_MS;
    for (let attempt = 1; ; attempt++) {
      const pod = await this.podFor(node);
      const conn = await this.cluster.streamOptions();
      // exec is a write (`create pods/exec`): the run's cancel gate refuses it once the run stops.
      refuseIfAborted(opts.signal);
      refuseIfAborted(conn.cancelGate);
      const signal = AbortSignal.any([opts.signal, conn.cancelGate].filter((s): s is AbortSignal => !!s));
      let r: StreamResult;
      try {
        r = await execStream(
          { ...conn, connect: this.execTls(conn) },
          { namespace: MCO_NAMESPACE, pod, container: MCD_CONTAINER, argv },
          { timeoutMs, signal },
        );
      } catch (err) {
        const again = this.retryable(err);
        if (!again || attempt >= this.retry.attempts) throw this.failure(node, pod, err);
        if (err instanceof ExecRefused && err.status === 404) this.forget();
        const delay = backoffDelay(this.retry, attempt + 1);
        this.log.warn(
          `exec on ${node} (pod ${pod}) failed (${again}), retrying in ${formatDuration(delay)} (attempt ${attempt + 1}/${this.retry.attempts})`,
        );
        await sleep(delay, signal);
        continue;
      }
      const address = `pod/${pod}`;
      if (r.lost === undefined) return { code: r.code, stdout: r.stdout, stderr: r.stderr, address };
      // The stream dropped after the command went out: for a reboot that is the node going down.
      if (opts.expectDisconnect) return { code: null, stdout: r.stdout, stderr: r.stderr, address };
      throw new ApiAccessError(
        `the exec stream to ${node} (pod ${pod}) was lost while the command ran (it may or may not have completed): ${r.lost}`,
        node,
      );
    }
  }

  /** The shared TLS connector for https servers (ws's own for http). */
  private execTls(conn: Awaited<ReturnType<Cluster['streamOptions']>>): ExecTls['connect'] | undefined {
    if (!conn.server.startsWith('https:')) return undefined;
    if (!this.tls || !ExecTls.sameMaterial(this.tls.material, conn.tls))
      this.tls = { material: conn.tls, exec: new ExecTls(conn.tls) };
    return this.tls.exec.connect;
  }

  /** Why a failed attempt may be retried (nothing can have run), or undefined. */
  private retryable(err: unknown): string | undefined {
    if (err instanceof ExecRefused) {
      if (RETRY_STATUS.has(err.status)) return String(err.status);
      // The pod went away (a reboot replaced it): look it up again.
      if (err.status === 404) return '404, pod replaced?';
      return undefined;
    }
    if (err instanceof ExecTransportError && RETRY_CODES.has(err.code)) return err.code;
    return undefined;
  }

  private failure(node: string, pod: string, err: unknown): Error {
    if (err instanceof ExecRefused && err.status === 403)
      return new ApiAccessError(
        `exec into ${pod} on ${node} was refused: ${err.message} — the API path needs "create pods/exec" in ${MCO_NAMESPACE}`,
        node,
      );
    if (err instanceof ExecRefused || err instanceof ExecTransportError)
      return new ApiAccessError(`exec into ${pod} on ${node} failed: ${err.message}`, node);
    return err as Error;
  }
}
