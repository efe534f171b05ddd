// Changes CNO must refuse: a network type switch without the migration trigger of the running
// release. co/network turns Degraded and nothing else in the cluster moves.
import { afterEach, describe, expect, it } from 'vitest';
import type { TwinContext } from '../context.ts';
import { MC_ANNOTATION } from './builders.ts';
import { condition, get, podsInError, status } from './checks.ts';
import { INVALID_CONFIG_REASON, MIGRATION_ANNOTATION } from './cno.ts';
import { type Controllers, startControllers } from './controllers.ts';
import { makeContext, patch, settle, waitFor } from './harness.ts';
import { seedCluster } from './seed.ts';
import { T } from './types.ts';

let controllers: Controllers | undefined;
afterEach(() => controllers?.stop());

function start(version: string): TwinContext {
  const ctx = makeContext({
    version,
    nodes: [{ name: 'master-0' }, { name: 'worker-0' }, { name: 'worker-1' }],
  });
  seedCluster(ctx);
  controllers = startControllers(ctx);
  return ctx;
}

function snapshotNodes(ctx: TwinContext): string {
  return JSON.stringify(
    ctx.store
      .list(T.node)
      .map((n) => [n.metadata.annotations, n.spec, (n.status as { nodeInfo: unknown }).nodeInfo]),
  );
}

function networkDegraded(ctx: TwinContext) {
  return condition(get(ctx, T.clusterOperator, 'network'), 'Degraded');
}

/** Nothing but co/network and Network.operator status changed since `from` (timeline index). */
function onlyDegradedWritten(ctx: TwinContext, from: number): void {
  const controllerWrites = ctx.timeline.entries.slice(from).filter((e) => !e.actor.startsWith('client:'));
  const objects = new Set(controllerWrites.map((e) => e.object));
  expect([...objects].sort()).toEqual([
    'ClusterOperator.config.openshift.io/network',
    'Network.operator.openshift.io/cluster',
  ]);
}

function switchType(ctx: TwinContext): void {
  patch(
    ctx,
    T.networkConfig,
    'cluster',
    (o) => ((o.spec as { networkType: string }).networkType = 'OVNKubernetes'),
  );
}

function assertUntouched(ctx: TwinContext, nodesBefore: string): void {
  expect(status(get(ctx, T.networkConfig, 'cluster')).networkType).toBe('OpenShiftSDN');
  expect(get(ctx, T.daemonSet, 'multus', 'openshift-multus').metadata.generation).toBe(1);
  expect(ctx.store.get(T.namespace, undefined, 'openshift-ovn-kubernetes')).toBeUndefined();
  expect(get(ctx, T.daemonSet, 'sdn', 'openshift-sdn')).toBeDefined();
  expect(podsInError(ctx)).toEqual([]);
  expect(snapshotNodes(ctx)).toBe(nodesBefore);
  for (const n of ctx.scenario.nodes) expect(controllers!.rebootCount(n.name)).toBe(0);
}

describe('CNO refuses a network type change without the migration trigger', () => {
  it('4.6 without the annotation: Degraded, nothing else; the annotation then lets it through', async () => {
    const ctx = start('4.6.21');
    const nodesBefore = snapshotNodes(ctx);
    const from = ctx.timeline.entries.length;
    switchType(ctx);
    await waitFor('co/network Degraded', () => networkDegraded(ctx)?.status === 'True');
    const degraded = networkDegraded(ctx)!;
    expect(degraded.reason).toBe(INVALID_CONFIG_REASON);
    expect(degraded.message).toBe(
      "Not applying unsafe configuration change: invalid configuration: [cannot change default network type]. Use 'oc edit network.operator.openshift.io cluster' to undo the change.",
    );
    expect(condition(get(ctx, T.networkOperator, 'cluster'), 'Degraded')?.status).toBe('True');
    await settle(ctx, 30);
    assertUntouched(ctx, nodesBefore);
    onlyDegradedWritten(ctx, from);

    patch(ctx, T.networkOperator, 'cluster', (o) => {
      o.metadata.annotations = { ...o.metadata.annotations, [MIGRATION_ANNOTATION]: '' };
    });
    await waitFor(
      'honoured',
      () => status(get(ctx, T.networkConfig, 'cluster')).networkType === 'OVNKubernetes',
    );
    await waitFor('Degraded cleared', () => networkDegraded(ctx)?.status === 'False');
  });

  it('4.6: reverting the request clears Degraded', async () => {
    const ctx = start('4.6.21');
    switchType(ctx);
    await waitFor('co/network Degraded', () => networkDegraded(ctx)?.status === 'True');
    patch(
      ctx,
      T.networkConfig,
      'cluster',
      (o) => ((o.spec as { networkType: string }).networkType = 'OpenShiftSDN'),
    );
    await waitFor('Degraded cleared', () => networkDegraded(ctx)?.status === 'False');
    expect(status(get(ctx, T.networkConfig, 'cluster')).networkType).toBe('OpenShiftSDN');
  });

  it('4.14 with the 4.6 steps (annotation, paused pools): Degraded and no node touched', async () => {
    const ctx = start('4.14.12');
    const nodesBefore = snapshotNodes(ctx);
    patch(ctx, T.networkOperator, 'cluster', (o) => {
      o.metadata.annotations = { ...o.metadata.annotations, [MIGRATION_ANNOTATION]: '' };
    });
    for (const p of ['master', 'worker'])
      patch(ctx, T.pool, p, (o) => ((o.spec as { paused: boolean }).paused = true));
    await settle(ctx, 10);
    const from = ctx.timeline.entries.length;
    switchType(ctx);
    await waitFor('co/network Degraded', () => networkDegraded(ctx)?.status === 'True');
    expect(networkDegraded(ctx)?.reason).toBe(INVALID_CONFIG_REASON);
    for (const p of ['master', 'worker'])
      patch(ctx, T.pool, p, (o) => ((o.spec as { paused: boolean }).paused = false));
    await settle(ctx, 60);
    assertUntouched(ctx, nodesBefore);
    expect(status(get(ctx, T.networkConfig, 'cluster')).migration).toBeUndefined();
    expect(
      ctx.timeline.entries.slice(from).filter((e) => e.actor === 'mco' && e.object.startsWith('Node/')),
    ).toEqual([]);
    for (const n of ctx.store.list(T.node))
      expect(n.metadata.annotations![MC_ANNOTATION.desired]).toBe(
        n.metadata.annotations![MC_ANNOTATION.current],
      );
  });

  it('4.14: a switch to a type other than spec.migration is refused', async () => {
    const ctx = start('4.14.12');
    patch(ctx, T.networkOperator, 'cluster', (o) => {
      (o.spec as { migration: unknown }).migration = { networkType: 'OpenShiftSDN' };
    });
    switchType(ctx);
    await waitFor('co/network Degraded', () => networkDegraded(ctx)?.status === 'True');
    expect(status(get(ctx, T.networkConfig, 'cluster')).networkType).toBe('OpenShiftSDN');
  });
});
