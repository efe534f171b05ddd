// The job summary: everything from the cluster or the user is HTML-escaped, and the text stays under
// the summary's 1 MiB limit however large the cluster.
import { describe, expect, it } from 'vitest';
import { escapeHtml, renderSummary, SUMMARY_LIMIT_BYTES } from '../../src/report/markdown.ts';
import { RunReport } from '../../src/report/model.ts';

describe('job summary', () => {
  it('escapes HTML and table pipes in cluster-provided text', () => {
    const r = new RunReport('https://api.example:6443');
    r.result = 'failed';
    r.failure = {
      message: 'pod <script>alert(1)</script> | bad',
      clusterState: 'x & y',
      nextSteps: ['run "again"'],
    };
    r.node('<img src=x onerror=alert(1)>').notes.push('a|b');
    const md = renderSummary(r);
    expect(md).not.toContain('<script>');
    expect(md).not.toContain('<img');
    expect(md).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &#124; bad');
    expect(md).toContain('x &amp; y');
    expect(md).toContain('a&#124;b');
    expect(escapeHtml('a\nb')).toBe('a<br>b');
  });

  it('stays under 1 MiB for 5,000 nodes and 60,000 pods in error', () => {
    const r = new RunReport('https://api.example:6443');
    r.result = 'failed';
    for (let i = 0; i < 5000; i++) {
      const n = r.node(`worker-${i}-${'x'.repeat(40)}`);
      n.addresses = [`10.0.${i >> 8}.${i & 255}`];
      n.notes.push('rebooted again: pods were in error '.repeat(3));
    }
    r.checks.push({
      id: 'pods-healthy',
      title: 'No pod in an error state',
      ok: false,
      severity: 'blocking',
      detail: '60000 pods in error',
      items: Array.from(
        { length: 60000 },
        (_, i) => `ns-${i}/pod-${i} on worker-${i % 5000}: CrashLoopBackOff`,
      ),
    });
    const md = renderSummary(r);
    expect(Buffer.byteLength(md)).toBeLessThan(SUMMARY_LIMIT_BYTES);
    expect(md).toContain('more nodes in report.json');
    expect(md).toContain('more (see report.json)');
  });
});
