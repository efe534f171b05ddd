// Newer kubectl (1.32) sends typed requests such as SelfSubjectAccessReviews (`kubectl auth can-i`) as
// Kubernetes protobuf. The twin answers in JSON (clients accept it), but must read such bodies: this
// decodes the `k8s\0` envelope and the few string fields of a SelfSubjectAccessReview spec.
import { apiError } from './status.ts';

export const PROTOBUF_TYPE = 'application/vnd.kubernetes.protobuf';
const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

/** Length-delimited fields of one protobuf message, by field number (other wire types are skipped). */
function fields(buf: Buffer): Map<number, Buffer[]> {
  const out = new Map<number, Buffer[]>();
  let i = 0;
  const varint = (): number => {
    let v = 0;
    let shift = 0;
    for (;;) {
      if (i >= buf.length) throw apiError(400, 'truncated protobuf body');
      const b = buf[i++];
      v += (b & 0x7f) * 2 ** shift;
      if (!(b & 0x80)) return v;
      shift += 7;
    }
  };
  while (i < buf.length) {
    const key = varint();
    const field = Math.floor(key / 8);
    const wire = key & 7;
    if (wire === 0) varint();
    else if (wire === 1) i += 8;
    else if (wire === 5) i += 4;
    else if (wire === 2) {
      const len = varint();
      const list = out.get(field) ?? [];
      list.push(buf.subarray(i, i + len));
      out.set(field, list);
      i += len;
    } else throw apiError(400, `unsupported protobuf wire type ${wire}`);
  }
  return out;
}

function strings(buf: Buffer | undefined, names: Record<number, string>): Record<string, string> {
  const out: Record<string, string> = {};
  if (!buf) return out;
  for (const [n, values] of fields(buf)) if (names[n]) out[names[n]] = values[0].toString('utf8');
  return out;
}

/** The object inside a `k8s\0`-prefixed runtime.Unknown envelope (its field 2, `raw`). */
function unwrap(body: Buffer): Buffer {
  if (!body.subarray(0, 4).equals(MAGIC)) throw apiError(400, 'protobuf body without the k8s envelope');
  const raw = fields(body.subarray(4)).get(2)?.[0];
  if (!raw) throw apiError(400, 'protobuf envelope without an object');
  return raw;
}

/** A SelfSubjectAccessReview (authorization.k8s.io/v1 generated.proto field numbers) as JSON. */
export function decodeSelfSubjectAccessReview(body: Buffer): Record<string, unknown> {
  const review = fields(unwrap(body));
  const spec = fields(review.get(2)?.[0] ?? Buffer.alloc(0));
  const out: Record<string, unknown> = {};
  const resource = spec.get(1)?.[0];
  const nonResource = spec.get(2)?.[0];
  if (resource)
    out.resourceAttributes = strings(resource, {
      1: 'namespace',
      2: 'verb',
      3: 'group',
      4: 'version',
      5: 'resource',
      6: 'subresource',
      7: 'name',
    });
  if (nonResource) out.nonResourceAttributes = strings(nonResource, { 1: 'path', 2: 'verb' });
  return { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: out };
}
