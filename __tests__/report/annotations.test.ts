// The annotations approvers and on-call see first in the run's panel: the failure (with every blocking
// check) as one error with a title, each failed warning check as a warning titled by the check; and
// on the wire, `::error title=…::` / `::warning title=…::` as the runner reads them.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { annotate } from '../../src/runs/finish.ts';
import { coreLogger, MemoryLogger } from '../../src/util/log.ts';
import { check, failedRun, report } from './sample-reports.ts';

afterEach(() => vi.restoreAllMocks());

describe('annotations', () => {
  it('a refusal: one titled error naming every blocking check; each warning check a titled warning', () => {
    const r = report('refused', 6, 'plan');
    r.checks[3] = { ...check('nodes-ready', false), items: ['worker-1: NotReady'] };
    r.checks[5] = check('pools-updated', false);
    r.checks[7] = { ...check('platform', false, 'warn'), items: ['VSphere'] };
    r.failure = {
      message:
        'Preflight refused the migration (no change was made): [Check nodes-ready] nodes-ready is not fine',
      stand: 'untouched',
      clusterState: 'No change.',
      nextSteps: [],
    };
    const log = new MemoryLogger();
    annotate(r, log);
    expect(log.lines.filter((l) => l.level === 'error')).toEqual([
      {
        level: 'error',
        title: 'Refused: this run made no change',
        // The check the message does not name is added; the one it names is not repeated.
        msg: `${r.failure.message}\nCheck pools-updated — pools-updated is not fine`,
      },
    ]);
    expect(log.lines.filter((l) => l.level === 'warn')).toEqual([
      { level: 'warn', title: 'Check platform', msg: 'platform is not fine: VSphere' },
    ]);
  });

  it('a failure: titled by the phase; written as ::error title=…:: for the runner', () => {
    const out: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out.push(String(chunk));
      return true;
    });
    annotate(failedRun(), coreLogger);
    const errors = out.filter((l) => l.startsWith('::error'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(
      /^::error title=Migration failed during Reboot every node::1 node\(s\) did not come back from the reboot: worker-2%0ANo pod in an error state — 25 pod\(s\) in error: app-0\/web-0 on worker-0: CrashLoopBackOff; .* … and 20 more/,
    );
  });
});
