// Test harness for the controllers: a twin context without HTTP or SSH, client writes made straight
// on the store (as `client:admin`, so status stays the controllers' business), and a polling wait.
import { VirtualClock } from '../clock.ts';
import type { TwinContext } from '../context.ts';
import { Faults } from '../faults.ts';
import type { ResourceType } from '../resources.ts';
import { normalizeScenario, type ScenarioInput } from '../scenario.ts';
import { type KObject, Store } from '../store.ts';
import { Timeline } from '../timeline.ts';

export const CLIENT = 'client:admin';

export function makeContext(input: ScenarioInput, msPerSecond = 1): TwinContext {
  const scenario = normalizeScenario(input);
  const clock = new VirtualClock(msPerSecond);
  const timeline = new Timeline(clock);
  return {
    scenario,
    clock,
    timeline,
    store: new Store(clock, timeline),
    faults: new Faults(scenario.faults),
    podLogs: new Map(),
  };
}

/** A client's read-modify-write (like `oc patch`). */
export function patch(
  ctx: TwinContext,
  type: ResourceType,
  name: string,
  fn: (o: KObject) => void,
  namespace?: string,
): void {
  if (!ctx.store.mutate(type, namespace, name, CLIENT, fn))
    throw new Error(`test: ${type.plural}/${name} not found`);
}

/** Polls `cond` every few real milliseconds until it holds; fails with `what` after `timeoutMs`. */
export async function waitFor(what: string, cond: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Lets the controllers run for `seconds` virtual seconds (to show that something does NOT happen). */
export function settle(ctx: TwinContext, seconds: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ctx.clock.toMs(seconds)));
}
