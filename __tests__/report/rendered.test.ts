// The summary as its readers see it on GitHub: rendered as GitHub renders a job summary
// (__tests__/helpers/render-github.ts) and read as a page — the verdict is the first thing visible,
// nothing about a failure or a warning needs a click, no text from the cluster becomes a live link or
// an image, and a 500-node run stays small. The rendered pages of a plan, a failure and a 500-node run
// are kept in fixtures/ for reviewers to open in a browser (UPDATE_FIXTURES=1 regenerates them).
import { describe, expect, it } from 'vitest';
import { renderSummary } from '../../src/report/markdown.ts';
import { verdict } from '../../src/report/verdict.ts';
import type { RunReport } from '../../src/report/model.ts';
import {
  detailsDepth,
  githubPage,
  linksAndImages,
  renderLikeGitHub,
  sanitizeLikeGitHub,
  visibleLines,
} from '../helpers/render-github.ts';
import { hostileText, payloads } from '../security/payloads.ts';
import { expectFixture } from './fixture-file.ts';
import { failedRun, report } from './sample-reports.ts';

const OWN_ARTIFACTS_LINK = 'https://github.com/acme/ops/actions/runs/42#artifacts';

/** Positions of the text `needle` in the rendered page (every occurrence). */
function positions(html: string, needle: string): number[] {
  const at: number[] = [];
  for (let i = html.indexOf(needle); i !== -1; i = html.indexOf(needle, i + 1)) at.push(i);
  return at;
}

/** Every element that tells of a failure or a warning: section headings and ❌/⚠️ items. */
function alarms(html: string): number[] {
  return [
    ...positions(html, '<h3>What happened</h3>'),
    ...positions(html, '<h3>Where the cluster stands</h3>'),
    ...positions(html, '<h3>What to do next</h3>'),
    ...positions(html, '<h3>Warnings</h3>'),
    ...positions(html, '<h3>Blocking checks that failed</h3>'),
    ...positions(html, '❌'),
    ...positions(html, '⚠️'),
    ...positions(html, '<strong>NotReady</strong>'),
  ];
}

function expectVerdictFirst(r: RunReport, html: string): void {
  expect(html.startsWith('<h2>')).toBe(true);
  expect(visibleLines(html)[0]).toBe(verdict(r).line);
}

/** A failed run with hostile text wherever the cluster writes: names, reasons, logs, messages. */
function hostileRun(): RunReport {
  const text = hostileText('/tmp/victim');
  const r = failedRun();
  r.failure!.message = `pool worker is Degraded: ${text}`;
  r.failure!.clusterState = text;
  r.warnings.push(text, ...payloads('/tmp/victim'));
  const bad = r.node('www.evil.example');
  bad.pool = 'worker';
  bad.ready = false;
  bad.condition = `Ready=False (${text})`;
  bad.notes.push(text);
  bad.mcoState = text;
  bad.addresses = ['https://evil.example/addr'];
  r.cluster.version = `4.14.12 ${text}`;
  r.checks.push(
    {
      id: 'co',
      title: 'Every ClusterOperator',
      ok: false,
      severity: 'blocking',
      detail: text,
      items: [text],
    },
    { id: 'w', title: 'Platform', ok: false, severity: 'warn', detail: text, evidence: text },
  );
  r.changes.push({ at: '2026-11-27T09:20:00Z', step: 's', object: text, field: text, from: text, to: text });
  r.hostKeys.push({
    node: 'www.evil.example',
    address: 'http://evil.example',
    port: 22,
    keyType: 'ssh-ed25519',
    fingerprint: text,
    verified: false,
  });
  return r;
}

describe('the rendering helper', () => {
  it('keeps the allowed tags and drops the rest as GitHub does', () => {
    const html = sanitizeLikeGitHub(
      '<details open><summary onclick="x()">S</summary><b style="x">b</b><script>alert(1)</script>' +
        '<a href="javascript:alert(1)">j</a><a href="https://ok.example">k</a><iframe src="x"></iframe>' +
        '<img src="https://i.example/p.png" onerror="x()"><marquee>m</marquee><!-- c --></details>',
    );
    expect(html).toBe(
      '<details open><summary>S</summary><b>b</b><a>j</a><a href="https://ok.example">k</a>' +
        '<img src="https://i.example/p.png">m</details>',
    );
  });

  it('renders GitHub-flavoured Markdown: tables, bare URLs and www. addresses become links', () => {
    const html = renderLikeGitHub(
      '| a | b |\n| --- | --- |\n| 1 | 2 |\n\nsee https://x.example and www.y.example\n',
    );
    expect(html).toContain('<table>');
    // The renderer is GitHub-like enough to catch a live link if the summary let one through.
    expect(linksAndImages(html).links).toEqual(['https://x.example', 'http://www.y.example']);
  });
});

describe('the summary as rendered on GitHub', () => {
  it('plan: the verdict first, the risk open, the long parts collapsed (fixture plan.html)', () => {
    const r = report('planned', 6, 'plan');
    const md = renderSummary(r);
    const html = renderLikeGitHub(md);
    expectVerdictFirst(r, html);
    expect(visibleLines(html)[0]).toMatch(/^✅ 16\/16 checks pass — migrate will change/);
    expect(detailsDepth(html, html.indexOf('<h3>The risk</h3>'))).toBe(0);
    for (const s of ['All 4 steps, in order', 'Passing checks (16)', 'Nodes (6), by pool'])
      expect(detailsDepth(html, html.indexOf(`<summary>${s}`)), s).toBe(1);
    expect(linksAndImages(html)).toEqual({ links: [], images: [] });
    expectFixture('plan.html', githubPage('Plan: job summary as GitHub renders it', md));
  });

  it('failure: the verdict first, nothing about the failure collapsed (fixture failure.html)', () => {
    const r = failedRun();
    const md = renderSummary(r);
    const html = renderLikeGitHub(md);
    expectVerdictFirst(r, html);
    expect(visibleLines(html)[0]).toBe(
      '❌ Migration failed during Reboot every node — worker-2 did not come back (NotReady)',
    );
    const shown = alarms(html).filter((at) => at < html.indexOf('<details'));
    expect(shown.length).toBeGreaterThan(5);
    for (const at of alarms(html).filter((a) => !html.slice(a).startsWith('<strong>NotReady')))
      expect(detailsDepth(html, at), html.slice(at, at + 80)).toBe(0);
    // The failed phase is open; the node table (with worker-2 NotReady) is the only collapsed alarm.
    expect(detailsDepth(html, html.indexOf('<h3>Phases</h3>'))).toBe(0);
    expect(linksAndImages(html)).toEqual({ links: [OWN_ARTIFACTS_LINK], images: [] });
    expectFixture('failure.html', githubPage('Failure: job summary as GitHub renders it', md));
  });

  it('500 nodes: under 200 KB, the node table collapsed (fixture 500-nodes.html)', () => {
    const r = report('migrated', 500);
    const md = renderSummary(r);
    const bytes = Buffer.byteLength(md);
    const html = renderLikeGitHub(md);
    console.info(`500-node summary: ${bytes} bytes of Markdown, ${Buffer.byteLength(html)} bytes rendered`);
    expect(bytes).toBeLessThan(200 * 1024);
    expectVerdictFirst(r, html);
    expect(detailsDepth(html, html.indexOf('<summary>Nodes (500), by pool'))).toBe(1);
    expect(detailsDepth(html, html.indexOf('<td>worker-10</td>'))).toBe(1);
    expect(visibleLines(html).filter((l) => /^(master|worker)-\d+$/.test(l))).toHaveLength(500);
    expectFixture(
      '500-nodes.html',
      githubPage(
        `500-node migration: job summary as GitHub renders it (${(bytes / 1024).toFixed(1)} KiB of Markdown)`,
        md,
      ),
    );
  });

  it('a hostile cluster: its text is shown, but no link or image comes from it', () => {
    const r = hostileRun();
    const html = renderLikeGitHub(renderSummary(r));
    expectVerdictFirst(r, html);
    // The hostile text reached the page as text (else this proves nothing)…
    const text = visibleLines(html).join('\n');
    expect(text).toContain('[details](http://evil.example/a) ![status](https://evil.example/ok.png)');
    expect(text).toContain('www.evil.example');
    expect(text).toContain('<https://evil.example/b>');
    // …and the only live link is the summary's own.
    expect(linksAndImages(html)).toEqual({ links: [OWN_ARTIFACTS_LINK], images: [] });
    expect(html).not.toMatch(/<(script|style|iframe)\b|\son\w+=/i);
    for (const at of alarms(html).filter((a) => !html.slice(a).startsWith('<strong>NotReady')))
      expect(detailsDepth(html, at), html.slice(at, at + 80)).toBe(0);
  });
});
