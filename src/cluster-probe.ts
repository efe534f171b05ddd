// First contact with the cluster: proves the kubeconfig works and reads what every later decision
// depends on (the OpenShift version picks the procedure variant; the network type says whether there
// is anything to migrate). Failures are translated into one sentence naming the server and the cause,
// because the client's own errors are a bare "fetch failed" or an HTTP dump.
import { ApiException, CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import type { Settings } from './settings.ts';

export interface ClusterProbe {
  /** API server URL of the context in use. */
  server: string;
  context: string;
  /** OpenShift version from ClusterVersion `version` (status.desired.version). */
  version: string;
  /** `Network.config.openshift.io cluster` status.networkType, e.g. OpenShiftSDN or OVNKubernetes. */
  networkType: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Loads the kubeconfig and switches to the requested context (the current-context when none is given). */
export function loadKubeConfig(settings: Pick<Settings, 'kubeconfig' | 'context'>): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromString(settings.kubeconfig);
  if (settings.context) kc.setCurrentContext(settings.context);
  return kc;
}

/** The innermost `cause` of a fetch error, which holds the system error (ECONNREFUSED, a TLS code...). */
function rootCause(err: unknown): string {
  let e: unknown = err;
  while (isObj(e) && e.cause !== undefined && e.cause !== e) e = e.cause;
  if (e instanceof Error || isObj(e)) {
    const { code } = e as { code?: unknown };
    const codeText = typeof code === 'string' ? code : undefined;
    const message = typeof e.message === 'string' ? e.message : String(e);
    return codeText && !message.includes(codeText) ? `${codeText} ${message}` : message;
  }
  return String(e);
}

/** The `message` of a Kubernetes Status body, when the server sent one. */
function statusMessage(body: unknown): string | undefined {
  let parsed: unknown = body;
  if (typeof body === 'string') {
    try {
      parsed = JSON.parse(body);
    } catch {
      return body.slice(0, 300);
    }
  }
  return isObj(parsed) && typeof parsed.message === 'string' ? parsed.message : undefined;
}

/** Turns a client error into a sentence naming the server, the object and the cause. */
export function describeApiError(err: unknown, server: string, what: string): Error {
  if (err instanceof ApiException) {
    const code = err.code;
    // The generated client drops the body of a 401; its reason phrase is all there is.
    const msg = statusMessage(err.body) ?? (code === 401 ? 'Unauthorized' : 'no message from the server');
    if (code === 401) {
      return new Error(
        `the token was rejected (401): ${msg}. The credentials in the kubeconfig for ${server} are expired or invalid; ` +
          'log in again (oc login) and update the kubeconfig secret',
      );
    }
    if (code === 403) {
      return new Error(
        `reading ${what} was forbidden (403): ${msg}. The migration needs a cluster-admin user`,
      );
    }
    if (code === 404) {
      return new Error(`${what} was not found (404) on ${server}: ${msg}. Is this an OpenShift 4 cluster?`);
    }
    return new Error(`reading ${what} from ${server} failed (${code}): ${msg}`);
  }
  return new Error(`cannot reach the API server at ${server}: ${rootCause(err)}`);
}

function withTimeout<T>(p: Promise<T>, ms: number, server: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`cannot reach the API server at ${server}: no answer within ${ms / 1000}s`)),
      ms,
    );
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Connects with the settings' kubeconfig and context and reads the cluster version and network type.
 * Throws an Error whose message starts with "cannot reach the API server at <url>:" or
 * "the token was rejected (401):" and so on.
 */
export async function probeCluster(
  settings: Pick<Settings, 'kubeconfig' | 'context'>,
  timeoutMs = 30_000,
): Promise<ClusterProbe> {
  const kc = loadKubeConfig(settings);
  const server = kc.getCurrentCluster()?.server ?? '(no server)';
  const api = kc.makeApiClient(CustomObjectsApi);
  const get = async (plural: string, name: string): Promise<Obj> => {
    const what = `${plural}.config.openshift.io/${name}`;
    try {
      const obj: unknown = await withTimeout(
        api.getClusterCustomObject({ group: 'config.openshift.io', version: 'v1', plural, name }),
        timeoutMs,
        server,
      );
      return isObj(obj) ? obj : {};
    } catch (err) {
      throw err instanceof ApiException || !(err instanceof Error && err.message.startsWith('cannot reach'))
        ? describeApiError(err, server, what)
        : err;
    }
  };

  const cv = await get('clusterversions', 'version');
  const cvStatus = isObj(cv.status) ? cv.status : {};
  const desired = isObj(cvStatus.desired) ? cvStatus.desired : {};
  const history = Array.isArray(cvStatus.history) ? cvStatus.history.filter(isObj) : [];
  const version =
    (typeof desired.version === 'string' && desired.version) ||
    history.map((h) => h.version).find((v): v is string => typeof v === 'string') ||
    'unknown';

  const network = await get('networks', 'cluster');
  const status = isObj(network.status) ? network.status : {};
  const spec = isObj(network.spec) ? network.spec : {};
  const networkType =
    (typeof status.networkType === 'string' && status.networkType) ||
    (typeof spec.networkType === 'string' && `${spec.networkType} (spec; status not yet reported)`) ||
    'unknown';

  return { server, context: kc.getCurrentContext(), version, networkType };
}
