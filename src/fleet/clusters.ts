// The fleet's cluster list: a JSON array of names from the workflow_dispatch input, checked before any
// leg starts. Each name becomes part of an environment name (<cluster>-network-migration), an artifact
// name and a concurrency group, so only a plain name is accepted, and only one the repository lists in
// the FLEET_CLUSTERS variable: an environment named after a typo would be created on the fly without
// the reviewers that make approval mean something.

/** Letters, digits, `.`, `_` and `-`, starting with a letter or digit: safe in environment and artifact names. */
const CLUSTER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
/** More legs than this would exceed GitHub's 256 jobs per matrix (each leg is one matrix job). */
export const MAX_CLUSTERS = 256;

export class FleetInputError extends Error {}

function parseList(what: string, text: string): unknown[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new FleetInputError(`${what} is not JSON: give a list such as ["prod-east", "prod-west"]`);
  }
  if (!Array.isArray(value))
    throw new FleetInputError(
      `${what} must be a JSON list of cluster names, such as ["prod-east", "prod-west"]`,
    );
  return value;
}

function names(what: string, text: string): string[] {
  const list = parseList(what, text);
  for (const [i, name] of list.entries()) {
    if (typeof name !== 'string' || !CLUSTER_NAME.test(name))
      throw new FleetInputError(
        `${what}: entry ${i + 1} (${JSON.stringify(name).slice(0, 80)}) is not a cluster name (letters, digits, ".", "_" and "-", at most 63)`,
      );
  }
  return list as string[];
}

/**
 * The clusters to migrate, in the order given. `allowedText` is the FLEET_CLUSTERS variable: the
 * clusters that have their environments set up.
 */
export function checkClusters(clustersText: string, allowedText: string): string[] {
  if (!allowedText.trim())
    throw new FleetInputError(
      'the repository variable FLEET_CLUSTERS is not set: set it to the JSON list of clusters whose environments (<cluster>-network-plan, <cluster>-network-migration) are set up',
    );
  const allowed = new Set(names('FLEET_CLUSTERS', allowedText));
  const clusters = names('clusters', clustersText);
  if (clusters.length === 0) throw new FleetInputError('clusters is empty: name at least one cluster');
  if (clusters.length > MAX_CLUSTERS)
    throw new FleetInputError(
      `clusters lists ${clusters.length} clusters; a matrix runs at most ${MAX_CLUSTERS}`,
    );
  const seen = new Set<string>();
  for (const c of clusters) {
    if (seen.has(c)) throw new FleetInputError(`clusters names ${c} twice`);
    seen.add(c);
  }
  const unknown = clusters.filter((c) => !allowed.has(c));
  if (unknown.length)
    throw new FleetInputError(
      `not in FLEET_CLUSTERS: ${unknown.join(', ')}. Add a cluster there once its environments and secrets are set up`,
    );
  return clusters;
}

/** The matrix's max-parallel: a whole number of clusters at once, 1 to MAX_CLUSTERS (empty: not given). */
export function checkMaxParallel(text: string): void {
  if (text === '') return;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > MAX_CLUSTERS)
    throw new FleetInputError(
      `max-parallel must be a whole number of clusters from 1 to ${MAX_CLUSTERS}, not ${JSON.stringify(text).slice(0, 40)}`,
    );
}
