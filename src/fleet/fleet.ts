// The fleet action (fleet/action.yml, bundled to dist/fleet.js), apart from the migration action so
// that its bundle stays small:
//   command: check   checks the cluster list before any leg starts and outputs it as `clusters`;
//   command: report  reads every leg's report.json from the downloaded artifacts and writes the fleet
//                    table to the job summary.
import { listArtifacts, type ArtifactInfo } from './artifacts.ts';
import { checkClusters, checkMaxParallel, FleetInputError } from './clusters.ts';
import { readLegs } from './legs.ts';
import { actionInput, appendSummary, writeOutput } from './runner-files.ts';
import { renderFleetTable, type FleetContext } from './table.ts';

/** The fleet run's page, from the runner's own variables (never from a report). */
export function runUrl(env: NodeJS.ProcessEnv): string | undefined {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo, GITHUB_RUN_ID: id } = env;
  if (!server || !repo || !id || !/^https?:\/\/[^\s()<>[\]]+$/.test(server)) return undefined;
  if (!/^[\w.-]+\/[\w.-]+$/.test(repo) || !/^\d+$/.test(id)) return undefined;
  return `${server}/${repo}/actions/runs/${id}`;
}

function mode(text: string): FleetContext['mode'] {
  if (text === 'plan' || text === 'migrate') return text;
  throw new FleetInputError(`mode must be plan or migrate, not ${JSON.stringify(text).slice(0, 40)}`);
}

/** Direct artifact links when the token may list the run's artifacts; otherwise why not. */
async function artifactLinks(
  env: NodeJS.ProcessEnv,
): Promise<{ artifacts?: Map<string, ArtifactInfo>; artifactsNote?: string }> {
  const token = actionInput('github-token', env);
  const { GITHUB_API_URL: apiUrl, GITHUB_REPOSITORY: repository, GITHUB_RUN_ID: runId } = env;
  if (!token || !apiUrl || !repository || !runId) return {};
  try {
    return { artifacts: await listArtifacts({ apiUrl, repository, runId, token }) };
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    return { artifactsNote: `No direct artifact links (${why}); the links go to the run's artifact list.` };
  }
}

export async function runFleet(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const command = actionInput('command', env);
  const clusters = checkClusters(actionInput('clusters', env), actionInput('allowed-clusters', env));
  if (command === 'check') {
    checkMaxParallel(actionInput('max-parallel', env));
    writeOutput('clusters', JSON.stringify(clusters), env);
    return;
  }
  if (command !== 'report')
    throw new FleetInputError(`command must be check or report, not ${JSON.stringify(command).slice(0, 40)}`);
  const ctx: FleetContext = { mode: mode(actionInput('mode', env)), runUrl: runUrl(env) };
  const legs = await readLegs(
    actionInput('reports-path', env) || 'fleet-reports',
    clusters,
    env.GITHUB_RUN_ID ?? '',
  );
  appendSummary(renderFleetTable(legs, { ...ctx, ...(await artifactLinks(env)) }), env);
}
