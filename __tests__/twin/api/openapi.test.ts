// `kubectl apply -f` and `kubectl create -f` against the twin with kubectl's default validation (no
// --validate=false), for both clients the dispatcher picks (1.27 for 4.14, 1.32 for 4.6): the twin's
// /openapi/v2 protobuf is read by kubectl, every served kind is found by group/version/kind, and a
// top-level typo is refused client side as on a real cluster.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RESOURCE_TYPES } from '../resources.ts';
import { type ApiFixture, rawRequest, startFixture } from './fixture.ts';
import { encodeOpenApiV2, openApiV2 } from './openapi.ts';

describe.each(['4.14.12', '4.6.21'])('kubectl apply/create with validation against a %s twin', (version) => {
  let f: ApiFixture;
  beforeAll(async () => {
    f = await startFixture(version);
  });
  afterAll(async () => {
    await f?.stop();
  });

  const manifest = async (name: string, text: string) => {
    const path = join(f.dir, name);
    await writeFile(path, text);
    return path;
  };

  it('creates and applies core and OpenShift kinds, and applies again unchanged', async () => {
    const cm = await manifest(
      'cm.yaml',
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: probe\n  namespace: default\ndata:\n  a: b\n',
    );
    const mcp = await manifest(
      'mcp.yaml',
      'apiVersion: machineconfiguration.openshift.io/v1\nkind: MachineConfigPool\nmetadata:\n  name: infra\nspec:\n  paused: true\n',
    );
    const created = await f.kubectl(['create', '-f', cm]);
    expect(created, created.stderr).toMatchObject({ code: 0, stdout: 'configmap/probe created\n' });
    const applied = await f.kubectl(['apply', '-f', mcp]);
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toBe('machineconfigpool.machineconfiguration.openshift.io/infra created\n');
    const again = await f.kubectl(['apply', '-f', mcp]);
    expect(again.stdout).toBe('machineconfigpool.machineconfiguration.openshift.io/infra unchanged\n');
    expect(f.ctx.timeline.counters.get('get /openapi/v2')).toBeGreaterThan(0);
  });

  it('refuses an unknown top-level field before sending anything', async () => {
    const bad = await manifest(
      'bad.yaml',
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: typo\n  namespace: default\ndatta:\n  a: b\n',
    );
    for (const verb of ['apply', 'create']) {
      const r = await f.kubectl([verb, '-f', bad]);
      expect(r.code, verb).toBe(1);
      expect(r.stderr, verb).toContain('unknown field "datta" in io.k8s.api.core.v1.ConfigMap');
      expect(r.stderr, verb).toContain('--validate=false');
    }
    expect(f.ctx.timeline.entries.some((e) => e.object.includes('typo'))).toBe(false);
  });
});

describe('the OpenAPI documents', () => {
  it('v2 lists every served kind with its group/version/kind; protobuf when asked, JSON otherwise', async () => {
    const doc = openApiV2('v1.27.0') as { definitions: Record<string, Record<string, unknown>> };
    const gvks = Object.values(doc.definitions).map((d) =>
      JSON.stringify((d['x-kubernetes-group-version-kind'] as object[])[0]),
    );
    for (const t of RESOURCE_TYPES)
      expect(gvks).toContain(JSON.stringify({ group: t.group, kind: t.kind, version: t.version }));
    const f = await startFixture();
    try {
      const json = await rawRequest(f.api, 'GET', '/openapi/v2');
      expect(json.status).toBe(200);
      expect(json.json).toMatchObject({ swagger: '2.0', info: { title: 'Kubernetes' } });
      const proto = await rawRequest(f.api, 'GET', '/openapi/v2', {
        accept: 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf',
      });
      expect(proto.headers['content-type']).toBe('application/octet-stream');
      // Field 1 (swagger) = "2.0" opens the protobuf document.
      expect(encodeOpenApiV2(doc as never).subarray(0, 5)).toEqual(
        Buffer.from([0x0a, 0x03, 0x32, 0x2e, 0x30]),
      );
      expect(proto.text.startsWith('\n\u00032.0')).toBe(true);
      const v3 = await rawRequest(f.api, 'GET', '/openapi/v3');
      expect(v3.json).toEqual({ paths: {} });
    } finally {
      await f.stop();
    }
  });
});
