// The job summary is what an approver reads: no text from the cluster may put a live link or image in
// it, every value from the cluster is capped, and a megabyte-long ClusterOperator message still gives
// a summary under the 1 MiB limit.
import { describe, expect, it } from 'vitest';
import {
  escapeHtml,
  MAX_VALUE_CHARS,
  renderSummary,
  SUMMARY_LIMIT_BYTES,
} from '../../src/report/markdown.ts';
import { RunReport } from '../../src/report/model.ts';
import { hostileText, liveLinks, payloads } from './payloads.ts';

const victim = '/tmp/victim-file';

function hostileReport(text: string): RunReport {
  const r = new RunReport('https://api.example:6443');
  r.result = 'refused';
  r.failure = { message: `preflight failed: ${text}`, clusterState: text, nextSteps: [text] };
  r.warnings.push(text);
  r.checks.push({
    id: 'preflight-operators-healthy',
    title: 'Every ClusterOperator Available, not Progressing, not Degraded',
    ok: false,
    severity: 'blocking',
    detail: `1 ClusterOperator(s) not healthy`,
    items: [`network: Available=True Progressing=False Degraded=True — ${text}`],
    evidence: `machine-config-daemon log of www.evil.example:\n${text}`,
  });
  // A pod name is a DNS subdomain, so it can look like a www. address; its status reason is free text.
  r.checks.push({
    id: 'pods-healthy',
    title: 'No pod in an error state',
    ok: false,
    severity: 'blocking',
    detail: '1 pod(s) in error',
    items: [`hostile/www.evil.example on worker-0: ${text}`],
  });
  const n = r.node('www.evil.example');
  n.notes.push(text);
  n.mcoState = text;
  return r;
}

describe('the summary and cluster text', () => {
  it.each(payloads(victim).map((p) => [JSON.stringify(p).slice(0, 60), p]))(
    'no live link or image from %s',
    (_n, p) => {
      expect(liveLinks(renderSummary(hostileReport(p)))).toEqual([]);
    },
  );

  it('every payload at once: no live link, image, raw HTML or line that leaves its table cell', () => {
    const md = renderSummary(hostileReport(hostileText(victim)));
    expect(liveLinks(md)).toEqual([]);
    // Our own tags only: line breaks, code, small print and the collapsed sections.
    expect(md).not.toMatch(/<(?!br>|\/?code>|\/?sub>|\/?details>|\/?summary>)/);
    // Each table row stays one line: no cluster line break ends a cell early.
    for (const line of md.split('\n').filter((l) => l.startsWith('| ')))
      expect(line.endsWith(' |')).toBe(true);
    expect(md).not.toContain('\r');
  });

  it('shows the text, only inert: the link text and the address are still readable', () => {
    const cell = escapeHtml('[details](http://evil.example/a) www.evil.example a@b.example');
    expect(cell).toBe('&#91;details&#93;(http&#58;//evil.example/a) www&#46;evil.example a&#8203;@b.example');
  });

  it('caps every cluster value, saying how much was left out', () => {
    const long = 'x'.repeat(10_000);
    const md = renderSummary(hostileReport(long));
    expect(md).not.toContain('x'.repeat(MAX_VALUE_CHARS + 1 + 8000));
    expect(md).toContain(`… (${10_000 - MAX_VALUE_CHARS} more characters)`);
    // A check item keeps its first MAX_VALUE_CHARS characters.
    expect(md).toContain(`Degraded=True — ${'x'.repeat(1900)}`);
    // Nodes' notes and MCO state are capped too.
    const row = md.split('\n').find((l) => l.startsWith('| www&#46;evil.example'))!;
    expect(row.length).toBeLessThan(2 * (MAX_VALUE_CHARS + 100));
  });

  it('a 1.2 MB ClusterOperator message gives a summary under 1 MiB', () => {
    const huge = `${'operator is degraded because '.repeat(42_000)}`; // ≈ 1.2 MB
    expect(huge.length).toBeGreaterThan(1_200_000);
    const md = renderSummary(hostileReport(huge));
    expect(Buffer.byteLength(md)).toBeLessThan(SUMMARY_LIMIT_BYTES);
    expect(md).toContain('more characters)');
  });

  it('stays under 1 MiB even when every capped value is at its cap, in many rows', () => {
    const r = hostileReport('x');
    for (let i = 0; i < 60; i++)
      r.checks.push({
        id: `c${i}`,
        title: `check ${i}`,
        ok: false,
        severity: 'blocking',
        detail: '|'.repeat(5000),
        items: Array.from({ length: 60 }, () => '|'.repeat(5000)),
      });
    const md = renderSummary(r);
    expect(Buffer.byteLength(md)).toBeLessThan(SUMMARY_LIMIT_BYTES);
    expect(md).toMatch(
      /the summary was cut here to stay under 1 MiB; report\.md in the artifact has every row, report\.json every value in full\.\n$/,
    );
  });
});
