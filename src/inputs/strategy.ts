// Input `strategy`: how the migration runs. `offline` is the documented offline procedure (A or B by
// version: every node rebooted by this action, a network outage); `live` is the limited live migration
// of OpenShift 4.15–4.16 (the network and machine-config operators reboot every node twice, rolling,
// without a cluster-wide outage); `auto` (default) picks live where the cluster supports it and the
// network operator would accept it, otherwise offline (src/procedure/strategy-select.ts).
import { InputError } from './input-error.ts';

export type StrategyInput = 'offline' | 'live' | 'auto';

const CHOICES: readonly StrategyInput[] = ['offline', 'live', 'auto'];

export const STRATEGY_FORM =
  'offline (the offline procedure: the action reboots every node, the pod network is down meanwhile), live (limited live migration, OpenShift 4.15–4.16: the operators reboot every node twice, rolling, no network outage) or auto (live where the cluster supports it and no live blocker is found, otherwise offline)';

export function readStrategy(text: string): StrategyInput {
  const t = text.trim() || 'auto';
  if (!(CHOICES as readonly string[]).includes(t))
    throw new InputError('strategy', `"${t.slice(0, 32)}" is not a strategy`, STRATEGY_FORM);
  return t as StrategyInput;
}

/** The run's strategy (settings built by hand in tests may leave it out: then offline, as before it existed). */
export function strategyOf(settings: { strategy?: StrategyInput }): StrategyInput {
  return settings.strategy ?? 'offline';
}
