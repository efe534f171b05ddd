// `/openapi/v2` for the kinds the twin serves, so `kubectl apply -f` / `kubectl create -f` validate as
// they do against a real API server instead of needing `--validate=false`. kubectl asks for the v2
// document as gnostic protobuf (`application/com.github.proto-openapi.spec.v2@v1.0+protobuf`) and
// validates client side with it: a kind it finds (by `x-kubernetes-group-version-kind`) may carry only
// its top-level fields, so a typo at the top of a manifest is refused as on a real cluster. Below the
// top level every field is an open object (the twin has no full schemas). `/openapi/v3` answers its
// discovery with no group versions, so kubectl's v3 checks fall back to v2, and no path advertises the
// `fieldValidation` parameter: kubectl validates client side and never asks the server to.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { RESOURCE_TYPES, type ResourceType } from '../resources.ts';

export const OPENAPI_V2_PROTOBUF = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf';

/** Top-level fields besides apiVersion, kind and metadata; kinds not listed have spec and status. */
const TOP_LEVEL: Record<string, string[]> = {
  ConfigMap: ['data', 'binaryData', 'immutable'],
  Event: [
    'action',
    'count',
    'eventTime',
    'firstTimestamp',
    'involvedObject',
    'lastTimestamp',
    'message',
    'reason',
    'related',
    'reportingComponent',
    'reportingInstance',
    'series',
    'source',
    'type',
  ],
  MachineConfig: ['spec'],
  NetNamespace: ['netname', 'netid', 'egressIPs'],
  HostSubnet: ['host', 'hostIP', 'subnet', 'egressIPs', 'egressCIDRs'],
  EgressNetworkPolicy: ['spec'],
};

const STRING_FIELDS = new Set([
  'apiVersion',
  'kind',
  'netname',
  'host',
  'hostIP',
  'subnet',
  'message',
  'reason',
  'type',
]);

interface Schema {
  type?: string;
  description?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  'x-kubernetes-group-version-kind'?: { group: string; kind: string; version: string }[];
}

/** `io.openshift.config.v1.Network`, `io.k8s.api.core.v1.ConfigMap`: unique per group, version and kind. */
function definitionName(t: ResourceType): string {
  const group = t.group ? t.group.split('.').reverse().join('.') : 'io.k8s.api.core';
  return `${group}.${t.version}.${t.kind}`;
}

function fieldSchema(name: string): Schema {
  if (name === 'immutable') return { type: 'boolean' };
  if (name === 'count' || name === 'netid') return { type: 'integer' };
  if (name === 'egressIPs' || name === 'egressCIDRs') return { type: 'array', items: { type: 'string' } };
  if (STRING_FIELDS.has(name)) return { type: 'string' };
  return { type: 'object' };
}

/** The v2 document (as JSON) for every kind the twin serves. */
export function openApiV2(kubeVersion: string): Record<string, unknown> {
  const definitions: Record<string, Schema> = {};
  for (const t of RESOURCE_TYPES) {
    const fields = ['apiVersion', 'kind', 'metadata', ...(TOP_LEVEL[t.kind] ?? ['spec', 'status'])];
    definitions[definitionName(t)] = {
      type: 'object',
      description: `${t.kind} (the twin's schema: top-level fields only)`,
      properties: Object.fromEntries(fields.map((f) => [f, fieldSchema(f)])),
      'x-kubernetes-group-version-kind': [{ group: t.group, kind: t.kind, version: t.version }],
    };
  }
  return { swagger: '2.0', info: { title: 'Kubernetes', version: kubeVersion }, paths: {}, definitions };
}

// ---- gnostic OpenAPIv2.proto, the few messages used (field numbers from google/gnostic) ----

function varint(n: number): Buffer {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return Buffer.from(out);
}

/** One length-delimited field (strings and embedded messages). */
function field(num: number, value: Buffer | string): Buffer {
  const body = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  return Buffer.concat([varint((num << 3) | 2), varint(body.length), body]);
}

/** Schema: description = 4, type = 22 (TypeItem.value = 1), items = 23, properties = 25, vendor_extension = 31. */
function encodeSchema(s: Schema): Buffer {
  const parts: Buffer[] = [];
  if (s.description) parts.push(field(4, s.description));
  if (s.type) parts.push(field(22, field(1, s.type)));
  if (s.items) parts.push(field(23, field(1, encodeSchema(s.items)))); // ItemsItem.schema = 1
  if (s.properties) {
    // Properties.additional_properties = 1: NamedSchema { name = 1, value = 2 }
    const named = Object.entries(s.properties).map(([n, v]) =>
      field(1, Buffer.concat([field(1, n), field(2, encodeSchema(v))])),
    );
    parts.push(field(25, Buffer.concat(named)));
  }
  const gvk = s['x-kubernetes-group-version-kind'];
  if (gvk) {
    // NamedAny { name = 1, value = Any { yaml = 2 } }: kube-openapi reads extensions from their YAML.
    const yaml = gvk
      .map((g) => `- group: "${g.group}"\n  kind: ${g.kind}\n  version: ${g.version}\n`)
      .join('');
    parts.push(
      field(31, Buffer.concat([field(1, 'x-kubernetes-group-version-kind'), field(2, field(2, yaml))])),
    );
  }
  return Buffer.concat(parts);
}

/** Document: swagger = 1, info = 2 (title = 1, version = 2), paths = 8, definitions = 9. */
export function encodeOpenApiV2(doc: ReturnType<typeof openApiV2>): Buffer {
  const info = doc.info as { title: string; version: string };
  const defs = doc.definitions as Record<string, Schema>;
  const named = Object.entries(defs).map(([n, s]) =>
    field(1, Buffer.concat([field(1, n), field(2, encodeSchema(s))])),
  );
  return Buffer.concat([
    field(1, String(doc.swagger)),
    field(2, Buffer.concat([field(1, info.title), field(2, info.version)])),
    field(8, Buffer.alloc(0)),
    field(9, Buffer.concat(named)),
  ]);
}

/**
 * Answers `/openapi/v2` (protobuf when asked for, JSON otherwise) and `/openapi/v3` (discovery with no
 * group versions); false for any other path.
 */
export function serveOpenApi(
  req: IncomingMessage,
  res: ServerResponse,
  pathname: string,
  kubeVersion: string,
): boolean {
  if (pathname === '/openapi/v2') {
    const doc = openApiV2(kubeVersion);
    const proto = (req.headers.accept ?? '').includes(OPENAPI_V2_PROTOBUF);
    const body = proto ? encodeOpenApiV2(doc) : Buffer.from(JSON.stringify(doc));
    res.writeHead(200, {
      // kube-openapi's handler labels the protobuf `application/octet-stream` (Go's mime parser
      // rejects the `@` of the media type kubectl asks for).
      'Content-Type': proto ? 'application/octet-stream' : 'application/json',
      'Content-Length': body.length,
    });
    res.end(body);
    return true;
  }
  if (pathname === '/openapi/v3') {
    const body = Buffer.from(JSON.stringify({ paths: {} }));
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': body.length });
    res.end(body);
    return true;
  }
  return false;
}
