// The ClusterOperator gate through dist/index.js: three consecutive healthy passes
// `operators-stable-interval` apart before the first change, and a cluster whose operator flaps between
// passes refused with no change. The harness sets the interval to 30 of the twin's virtual seconds.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { smallScenario, startHarness, type Harness } from '../helpers/twin-action.ts';
import { findType } from '../twin/resources.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const LIST = 'list clusteroperators.config.openshift.io';

describe('the operator gate before the first change', () => {
  it('a stable cluster: three passes, 30 virtual seconds apart, recorded in the check', async () => {
    h = await startHarness(smallScenario());
    const run = await h.run({ mode: 'plan' });
    expect(run.code, run.stdout).toBe(0);
    expect(h.twin.timeline.counters.get(LIST)).toBe(3);
    const report = JSON.parse(readFileSync(run.outputs['report-path'], 'utf8'));
    const check = report.checks.find((c: { id: string }) => c.id === 'preflight-operators-healthy');
    expect(check).toMatchObject({
      ok: true,
      detail: expect.stringMatching(/healthy in 3 consecutive passes 0\.03s apart$/),
    });
  });

  it('an operator that turns Progressing after the first pass: refused with no change', async () => {
    h = await startHarness(smallScenario());
    const twin = h.twin;
    const running = h.run({ 'operators-stable-interval': '3s' });
    // Between the first and the second pass, dns starts progressing (as operators do after a reboot).
    while ((twin.timeline.counters.get(LIST) ?? 0) < 1) await new Promise((r) => setTimeout(r, 10));
    const cos = findType('config.openshift.io', 'clusteroperators')!;
    const dns = twin.store.get(cos, undefined, 'dns')!;
    const conditions = (dns.status as { conditions: { type: string; status: string }[] }).conditions.map(
      (c) =>
        c.type === 'Progressing' ? { ...c, status: 'True', message: 'DNS "default" is rolling out' } : c,
    );
    twin.store.update({ ...dns, status: { ...(dns.status as object), conditions } }, 'dns-operator');
    const run = await running;
    expect(run.code, run.stdout).toBe(1);
    expect(run.outputs.result).toBe('refused');
    expect(run.errors[0]).toMatch(
      /^Preflight refused.*ClusterOperator\(s\) healthy in 1 pass\(es\), then 1 not healthy at pass 2 — the operators are not stable \(3 consecutive passes 3s apart are required\).*dns: .*Progressing=True/,
    );
    expect(twin.timeline.counters.get(LIST)).toBe(2);
    expect(twin.timeline.clientWrites()).toEqual([]);
  });
});
