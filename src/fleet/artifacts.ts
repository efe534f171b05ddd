// The run's artifacts by name (id and size), from the REST API, so each row of the fleet table links
// straight to its leg's artifact. download-artifact keeps no ID and the report cannot hold its own
// artifact's ID (it is written before the upload). Any failure here only costs the direct links: the
// table then points at the run's artifact list.

export interface ArtifactInfo {
  id: number;
  sizeBytes: number;
}

export interface ArtifactQuery {
  /** GITHUB_API_URL, e.g. https://api.github.com */
  apiUrl: string;
  repository: string;
  runId: string;
  token: string;
}

/** 100 per page; 10 pages cover a 256-cluster fleet's plan and migrate artifacts across attempts. */
const PER_PAGE = 100;
const MAX_PAGES = 10;
const TIMEOUT_MS = 15_000;

function parsePage(body: unknown): { total: number; count: number; items: [string, ArtifactInfo][] } {
  const b = body as { total_count?: unknown; artifacts?: unknown };
  if (typeof b?.total_count !== 'number' || !Array.isArray(b.artifacts))
    throw new Error('unexpected response');
  const items: [string, ArtifactInfo][] = [];
  for (const a of b.artifacts as Record<string, unknown>[]) {
    if (typeof a?.name !== 'string' || !Number.isSafeInteger(a.id) || a.expired === true) continue;
    const size = Number.isSafeInteger(a.size_in_bytes) ? (a.size_in_bytes as number) : 0;
    items.push([a.name, { id: a.id as number, sizeBytes: size }]);
  }
  return { total: b.total_count, count: b.artifacts.length, items };
}

/** The run's artifacts by name; throws a message without the token on any failure. */
export async function listArtifacts(
  q: ArtifactQuery,
  fetchImpl: typeof fetch = fetch,
): Promise<Map<string, ArtifactInfo>> {
  const found = new Map<string, ArtifactInfo>();
  for (let page = 1; page <= MAX_PAGES; page++) {
    const url = `${q.apiUrl}/repos/${q.repository}/actions/runs/${q.runId}/artifacts?per_page=${PER_PAGE}&page=${page}`;
    const res = await fetchImpl(url, {
      headers: {
        accept: 'application/vnd.github+json',
        authorization: `Bearer ${q.token}`,
        'x-github-api-version': '2022-11-28',
      },
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    if (!res.ok) throw new Error(`listing the run's artifacts: HTTP ${res.status}`);
    const { total, count, items } = parsePage(await res.json());
    // The newest artifact wins a name; artifacts of a run are unique by name anyway.
    for (const [name, info] of items) if (!found.has(name)) found.set(name, info);
    if (count < PER_PAGE || page * PER_PAGE >= total) break;
  }
  return found;
}
