// The vocabulary of a preflight check, after kubeadm's preflight `Checker` (Name() and Check()): each
// check is one object with an id, a title, when it applies, and a run function that returns its
// outcome. The runner (runner.ts) records the outcomes; adding a check means adding one file and one
// line in registry.ts.
import type { KObject } from '../../cluster/types.ts';
import type { StepContext, Variant } from '../../procedure/types.ts';

export type Severity = 'blocking' | 'warn';
export type PreflightMode = 'plan' | 'migrate';

/** What a check found. `severity` overrides the check's default (e.g. "not checked" is only a warning). */
export interface Outcome {
  ok: boolean;
  /** The evidence in one sentence and, when not ok, what to do about it. */
  detail: string;
  items?: string[];
  evidence?: string;
  severity?: Severity;
}

export interface PreflightOptions {
  mode: PreflightMode;
  /**
   * Hook for checkpoint/resume: true when the migration found in progress (annotation, spec.migration,
   * status.migration) is this action's own unfinished run, which may continue.
   */
  ownRunInProgress?: boolean;
  /** Where the runner-is-a-pod check looks (tests inject these). */
  runner?: { env?: NodeJS.ProcessEnv; namespaceFile?: string };
}

/** What a node told us over SSH: its default-route interface and MTU, or why it could not. */
export interface NodeProbe {
  name: string;
  mtu?: number;
  iface?: string;
  error?: string;
  /** False when a host key of this node was accepted without ssh-known-hosts listing it. */
  hostKeyVerified?: boolean;
  /** Routes and addresses added by hand on the primary interface (`route … via …`, `address …`). */
  primaryExtras?: string[];
}

/**
 * What the checks read, fetched once and shared: a check asks for what it needs. A getter that cannot
 * read its object answers undefined (the check that needs it says so); SSH is opened only when a check
 * asks for the probes.
 */
export interface PreflightFacts {
  ctx: StepContext;
  variant: Variant;
  opts: PreflightOptions;
  /** OpenShift minor version (4.x). */
  minor: number;
  operator(): Promise<KObject | undefined>;
  config(): Promise<KObject | undefined>;
  nodes(): Promise<KObject[] | undefined>;
  pools(): Promise<KObject[] | undefined>;
  /** Machine networks from the install-config, or the reason they could not be read. */
  machineNetworks(): Promise<{ cidrs?: string[]; problem?: string }>;
  /** One SSH probe per node (sudo, default route MTU); undefined without an SSH key. Throws when SSH cannot start. */
  probes(): Promise<NodeProbe[] | undefined>;
}

/** When a check runs at all. Unset fields mean "always"; room for strategy and node access later. */
export interface Applies {
  variants?: string[];
  modes?: PreflightMode[];
  /** A condition on the run or the cluster (e.g. "only when etcd-backup is on"). */
  when?(facts: PreflightFacts): boolean | Promise<boolean>;
}

export interface PreflightCheck {
  /** Recorded as `preflight-<id>`. */
  id: string;
  title: string | ((facts: PreflightFacts) => string);
  /** Severity when the outcome does not say otherwise. */
  severity: Severity;
  applies?: Applies;
  run(facts: PreflightFacts): Promise<Outcome> | Outcome;
}
