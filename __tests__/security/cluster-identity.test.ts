// Attack (issue 11, "The approved plan is the cluster that is migrated"): the plan job and the migrate
// job read their kubeconfig from different places, so the approver approves a plan of one cluster and
// the migration runs against another. The plan shows the cluster ID beside the API URL and sets the
// cluster-id output; with that ID as expected-cluster-id the migration refuses another cluster after
// connecting, before a single write.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterIdentity, ClusterIdentityError } from '../../src/checks/cluster-identity.ts';
import { typeOfObject } from '../twin/resources.ts';
import { smallScenario, startHarness, type Harness } from '../helpers/twin-action.ts';

const idOf = (h: Harness): string =>
  String(
    (
      h.twin.store.get(typeOfObject('config.openshift.io/v1', 'ClusterVersion'), undefined, 'version')
        ?.spec as {
        clusterID: string;
      }
    ).clusterID,
  );

describe('the approved cluster is the migrated cluster', () => {
  let approved: Harness;
  let other: Harness;
  beforeAll(async () => {
    [approved, other] = await Promise.all([startHarness(smallScenario()), startHarness(smallScenario())]);
  });
  afterAll(async () => {
    await Promise.all([approved?.stop(), other?.stop()]);
  });

  it('the plan sets cluster-id and shows it with the API URL', async () => {
    const run = await approved.run({ mode: 'plan' });
    expect(run.outputs.result).toBe('planned');
    const id = idOf(approved);
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(run.outputs['cluster-id']).toBe(id);
    // The URL is shown as text, not a live link (":" before "//" is a character reference).
    expect(run.summary).toContain(
      `| ${approved.twin.apiUrl.replace('://', '&#58;//')} | <code>${id}</code> |`,
    );
  });

  it("migrate with another cluster's kubeconfig is refused before any change", async () => {
    const plan = await approved.run({ mode: 'plan' });
    // The migrate job got the other cluster's credentials (and, to get this far, its host keys).
    const run = await other.run({ mode: 'migrate', 'expected-cluster-id': plan.outputs['cluster-id']! });
    expect(run.code).toBe(1);
    expect(run.outputs.result).toBe('refused');
    expect(run.errors[0]).toMatch(
      new RegExp(
        `^this is cluster ${idOf(other)}, not the approved cluster ${idOf(approved)} \\(expected-cluster-id\\)`,
      ),
    );
    expect(other.twin.timeline.clientWrites()).toEqual([]);
    expect(approved.twin.timeline.clientWrites()).toEqual([]);
    // Nothing was done on SSH either: the check comes right after connecting.
    expect(run.stdout).not.toContain('Preflight checks');
  });

  it('migrate with the approved cluster ID goes ahead', async () => {
    const run = await approved.run({ mode: 'migrate', 'expected-cluster-id': idOf(approved).toUpperCase() });
    expect(run.outputs.result).toBe('migrated');
    expect(run.outputs['cluster-id']).toBe(idOf(approved));
  });
});

describe('clusterIdentity', () => {
  const cv = (clusterID: unknown) => ({
    apiVersion: 'config.openshift.io/v1',
    kind: 'ClusterVersion',
    metadata: { name: 'version' },
    spec: { clusterID },
  });
  const ID = '0f8b4c52-2d1e-4e7a-9c1b-7a3d5e6f8091';

  it('returns the ID in lower case, and undefined for anything that is not a UUID (never echoed)', () => {
    expect(clusterIdentity(cv(ID.toUpperCase()), undefined)).toBe(ID);
    expect(clusterIdentity(cv('::warning::forged\n'), undefined)).toBeUndefined();
    expect(clusterIdentity(undefined, undefined)).toBeUndefined();
  });

  it('refuses a missing or different ID when one is expected', () => {
    expect(() => clusterIdentity(cv('not-a-uuid'), ID)).toThrow(ClusterIdentityError);
    expect(() => clusterIdentity(cv('not-a-uuid'), ID)).toThrow(/has no spec\.clusterID in UUID form/);
    expect(() => clusterIdentity(cv('11111111-2222-4333-8444-555555555555'), ID)).toThrow(
      /^this is cluster 11111111-2222-4333-8444-555555555555, not the approved cluster 0f8b4c52/,
    );
  });
});
