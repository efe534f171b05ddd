// Server-side printing: kubectl asks for `as=Table` and prints the columns the server returns. These
// mirror the real printers (kubelet types) and the OpenShift CRDs' additionalPrinterColumns.
import type { ResourceType } from '../resources.ts';
import type { KObject } from '../store.ts';

interface Column {
  name: string;
  type: string;
  format?: string;
  description?: string;
  priority?: number;
}

type Cell = string | number;
type Obj = Record<string, unknown>;

interface Printer {
  columns: Column[];
  row: (o: KObject, now: number) => Cell[];
}

export type IncludeObject = 'None' | 'Metadata' | 'Object';

/** Whether an Accept header asks for meta.k8s.io/v1 Table output (kubectl get does). */
export function wantsTable(accept: string | undefined): boolean {
  return (accept ?? '')
    .split(',')
    .some((part) => /;\s*as=Table/.test(part) && /;\s*g=meta\.k8s\.io/.test(part));
}

const col = (name: string, type = 'string', priority = 0, format?: string): Column => {
  const c: Column = { name, type, description: name, priority };
  if (format) c.format = format;
  return c;
};

const nameCol = col('Name', 'string', 0, 'name');
const ageCol = col('Age', 'string');

function get(o: unknown, path: string): unknown {
  let cur = o;
  for (const p of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Obj)[p];
  }
  return cur;
}

function conditions(o: KObject): Obj[] {
  const c = get(o, 'status.conditions');
  return Array.isArray(c) ? (c as Obj[]) : [];
}

function condition(o: KObject, type: string): Obj | undefined {
  return conditions(o).find((c) => c.type === type);
}

function condStatus(o: KObject, type: string): string {
  return String(condition(o, type)?.status ?? '');
}

function str(v: unknown, dflt = ''): string {
  return v === undefined || v === null ? dflt : String(v as string);
}

/** kubectl's human durations: 45s, 12m, 5h, 3d (plus the two-unit forms it uses below a threshold). */
export function humanAge(timestamp: unknown, now: number): string {
  if (typeof timestamp !== 'string') return '<unknown>';
  const t = Date.parse(timestamp);
  if (Number.isNaN(t)) return '<unknown>';
  const s = Math.max(0, Math.floor((now - t) / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 ? `${m}m${s % 60}s` : `${m}m`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return m % 60 ? `${h}h${m % 60}m` : `${h}h`;
  if (h < 48) return `${h}h`;
  return `${Math.floor(h / 24)}d`;
}

const age = (o: KObject, now: number) => humanAge(o.metadata.creationTimestamp, now);

function podStatus(o: KObject): string {
  if (o.metadata.deletionTimestamp) return 'Terminating';
  const statuses = [
    ...((get(o, 'status.initContainerStatuses') as Obj[] | undefined) ?? []),
    ...((get(o, 'status.containerStatuses') as Obj[] | undefined) ?? []),
  ];
  for (const cs of statuses) {
    const waiting = get(cs, 'state.waiting.reason');
    if (waiting) return String(waiting as string);
  }
  for (const cs of statuses) {
    const terminated = get(cs, 'state.terminated.reason');
    if (terminated && get(o, 'status.phase') !== 'Succeeded') return String(terminated as string);
  }
  return str(get(o, 'status.reason')) || str(get(o, 'status.phase'), 'Unknown');
}

const PRINTERS: Record<string, Printer> = {
  '/pods': {
    columns: [
      nameCol,
      col('Ready'),
      col('Status'),
      col('Restarts', 'string'),
      ageCol,
      col('IP', 'string', 1),
      col('Node', 'string', 1),
      col('Nominated Node', 'string', 1),
      col('Readiness Gates', 'string', 1),
    ],
    row: (o, now) => {
      const statuses = (get(o, 'status.containerStatuses') as Obj[] | undefined) ?? [];
      const total = ((get(o, 'spec.containers') as unknown[] | undefined) ?? []).length || statuses.length;
      const ready = statuses.filter((c) => c.ready === true).length;
      const restarts = statuses.reduce((n, c) => n + Number(c.restartCount ?? 0), 0);
      return [
        o.metadata.name,
        `${ready}/${total}`,
        podStatus(o),
        String(restarts),
        age(o, now),
        str(get(o, 'status.podIP'), '<none>'),
        str(get(o, 'spec.nodeName'), '<none>'),
        '<none>',
        '<none>',
      ];
    },
  },
  '/nodes': {
    columns: [
      nameCol,
      col('Status'),
      col('Roles'),
      ageCol,
      col('Version'),
      col('Internal-IP', 'string', 1),
      col('External-IP', 'string', 1),
      col('OS-Image', 'string', 1),
      col('Kernel-Version', 'string', 1),
      col('Container-Runtime', 'string', 1),
    ],
    row: (o, now) => {
      const ready = condStatus(o, 'Ready');
      let status = ready === 'True' ? 'Ready' : ready === 'False' ? 'NotReady' : 'Unknown';
      if (get(o, 'spec.unschedulable') === true) status += ',SchedulingDisabled';
      const roles = Object.keys(o.metadata.labels ?? {})
        .filter((k) => k.startsWith('node-role.kubernetes.io/'))
        .map((k) => k.slice('node-role.kubernetes.io/'.length))
        .sort();
      const addresses = (get(o, 'status.addresses') as Obj[] | undefined) ?? [];
      const addr = (type: string) =>
        addresses
          .filter((a) => a.type === type)
          .map((a) => str(a.address))
          .join(',') || '<none>';
      return [
        o.metadata.name,
        status,
        roles.join(',') || '<none>',
        age(o, now),
        str(get(o, 'status.nodeInfo.kubeletVersion')),
        addr('InternalIP'),
        addr('ExternalIP'),
        str(get(o, 'status.nodeInfo.osImage'), '<unknown>'),
        str(get(o, 'status.nodeInfo.kernelVersion'), '<unknown>'),
        str(get(o, 'status.nodeInfo.containerRuntimeVersion'), '<unknown>'),
      ];
    },
  },
  'apps/daemonsets': {
    columns: [
      nameCol,
      col('Desired', 'integer'),
      col('Current', 'integer'),
      col('Ready', 'integer'),
      col('Up-to-date', 'integer'),
      col('Available', 'integer'),
      col('Node Selector'),
      ageCol,
      col('Containers', 'string', 1),
      col('Images', 'string', 1),
      col('Selector', 'string', 1),
    ],
    row: (o, now) => {
      const n = (p: string) => Number(get(o, `status.${p}`) ?? 0);
      const nodeSelector =
        (get(o, 'spec.template.spec.nodeSelector') as Record<string, string> | undefined) ?? {};
      const containers = (get(o, 'spec.template.spec.containers') as Obj[] | undefined) ?? [];
      const selector = (get(o, 'spec.selector.matchLabels') as Record<string, string> | undefined) ?? {};
      const kv = (m: Record<string, string>) =>
        Object.entries(m)
          .map(([k, v]) => `${k}=${v}`)
          .join(',');
      return [
        o.metadata.name,
        n('desiredNumberScheduled'),
        n('currentNumberScheduled'),
        n('numberReady'),
        n('updatedNumberScheduled'),
        n('numberAvailable'),
        kv(nodeSelector) || '<none>',
        age(o, now),
        containers.map((c) => str(c.name)).join(','),
        containers.map((c) => str(c.image)).join(','),
        kv(selector) || '<none>',
      ];
    },
  },
  'config.openshift.io/clusteroperators': {
    columns: [
      nameCol,
      col('Version'),
      col('Available'),
      col('Progressing'),
      col('Degraded'),
      col('Since'),
      col('Message'),
    ],
    row: (o, now) => {
      const versions = (get(o, 'status.versions') as Obj[] | undefined) ?? [];
      const since = [...conditions(o)]
        .map((c) => c.lastTransitionTime)
        .filter((t): t is string => typeof t === 'string')
        .sort()
        .pop();
      const message =
        str(condition(o, 'Degraded')?.status) === 'True'
          ? str(condition(o, 'Degraded')?.message)
          : str(condition(o, 'Progressing')?.status) === 'True'
            ? str(condition(o, 'Progressing')?.message)
            : '';
      return [
        o.metadata.name,
        str(versions.find((v) => v.name === 'operator')?.version),
        condStatus(o, 'Available'),
        condStatus(o, 'Progressing'),
        condStatus(o, 'Degraded'),
        since ? humanAge(since, now) : '',
        message,
      ];
    },
  },
  'machineconfiguration.openshift.io/machineconfigpools': {
    columns: [
      nameCol,
      col('Config'),
      col('Updated'),
      col('Updating'),
      col('Degraded'),
      col('MachineCount', 'integer'),
      col('ReadyMachineCount', 'integer'),
      col('UpdatedMachineCount', 'integer'),
      col('DegradedMachineCount', 'integer'),
      ageCol,
    ],
    row: (o, now) => {
      const n = (p: string) => Number(get(o, `status.${p}`) ?? 0);
      return [
        o.metadata.name,
        str(get(o, 'status.configuration.name')),
        condStatus(o, 'Updated'),
        condStatus(o, 'Updating'),
        condStatus(o, 'Degraded'),
        n('machineCount'),
        n('readyMachineCount'),
        n('updatedMachineCount'),
        n('degradedMachineCount'),
        age(o, now),
      ];
    },
  },
  '/namespaces': {
    columns: [nameCol, col('Status'), ageCol],
    row: (o, now) => [o.metadata.name, str(get(o, 'status.phase'), 'Active'), age(o, now)],
  },
};

const DEFAULT_PRINTER: Printer = {
  columns: [nameCol, ageCol],
  row: (o, now) => [o.metadata.name, age(o, now)],
};

function rowObject(o: KObject, include: IncludeObject): object | undefined {
  if (include === 'None') return undefined;
  if (include === 'Object') return o;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata };
}

/** A meta.k8s.io/v1 Table of `objects`; watch events after the first leave the column definitions out. */
export function toTable(
  type: ResourceType,
  objects: KObject[],
  opts: {
    include?: IncludeObject;
    resourceVersion?: string;
    continueToken?: string;
    columns?: boolean;
    now?: number;
  } = {},
): object {
  const printer = PRINTERS[`${type.group}/${type.plural}`] ?? DEFAULT_PRINTER;
  const now = opts.now ?? Date.now();
  const include = opts.include ?? 'Metadata';
  const metadata: Record<string, string> = {};
  if (opts.resourceVersion) metadata.resourceVersion = opts.resourceVersion;
  if (opts.continueToken) metadata.continue = opts.continueToken;
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata,
    columnDefinitions: opts.columns === false ? null : printer.columns,
    rows: objects.map((o) => {
      const row: Record<string, unknown> = { cells: printer.row(o, now) };
      const obj = rowObject(o, include);
      if (obj) row.object = obj;
      return row;
    }),
  };
}
