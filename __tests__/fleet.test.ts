// fleet.yml and its leg, fleet-cluster.yml, as the runner's own parser reads them (the same schemas as
// action-contract.test.ts), and the fleet action's manifest: a matrix of reusable-workflow calls, one
// per cluster, with plan → approve → migrate inside each call and one report job after all of them.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { REPO_ROOT } from './helpers/run-action.ts';
import { actionParser, workflowParser } from './helpers/workflow-parser.ts';

const { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } = workflowParser;
const { convertActionTemplate, parseAction } = actionParser;

const read = (p: string): string => readFileSync(path.join(REPO_ROOT, p), 'utf8');

interface Step {
  uses?: string;
  id?: string;
  with?: Record<string, unknown>;
  'continue-on-error'?: boolean;
}
interface Job {
  needs?: string | string[];
  if?: string;
  uses?: string;
  with?: Record<string, unknown>;
  secrets?: unknown;
  strategy?: Record<string, unknown>;
  environment?: unknown;
  concurrency?: unknown;
  outputs?: Record<string, string>;
  permissions?: unknown;
  steps?: Step[];
}
interface Workflow {
  on: Record<string, { inputs: Record<string, { type?: string; required?: boolean; options?: string[] }> }>;
  jobs: Record<string, Job>;
}

const workflow = (file: string): Workflow => parseYaml(read(`.github/workflows/${file}`)) as Workflow;
const actionStep = (job: Job | undefined, uses: string): Step | undefined =>
  job?.steps?.find((s) => s.uses === uses);

describe.each(['fleet.yml', 'fleet-cluster.yml'])('%s', (file) => {
  it('parses and converts without errors', async () => {
    const parsed = parseWorkflow(
      { name: file, content: read(`.github/workflows/${file}`) },
      new NoOperationTraceWriter(),
    );
    expect(parsed.context.errors.getErrors().map((e) => e.message)).toEqual([]);
    expect(parsed.value).toBeDefined();
    const template = await convertWorkflowTemplate(parsed.context, parsed.value!);
    expect(template.errors ?? []).toEqual([]);
    expect(template.jobs.length).toBeGreaterThanOrEqual(2);
  });
});

describe('fleet.yml', () => {
  const wf = workflow('fleet.yml');

  it('is dispatched with a JSON list of clusters, a mode and max-parallel', () => {
    const inputs = wf.on.workflow_dispatch!.inputs;
    expect(inputs.clusters).toMatchObject({ type: 'string', required: true });
    expect(inputs.mode?.options).toEqual(['plan', 'migrate']);
    expect(inputs['max-parallel']).toMatchObject({ type: 'number', required: true });
  });

  it('checks the cluster list against FLEET_CLUSTERS before any leg', () => {
    const check = actionStep(wf.jobs.clusters, './fleet');
    expect(check?.with).toEqual({
      command: 'check',
      clusters: '${{ inputs.clusters }}',
      'allowed-clusters': '${{ vars.FLEET_CLUSTERS }}',
      'max-parallel': '${{ inputs.max-parallel }}',
    });
    expect(wf.jobs.clusters?.outputs?.clusters).toBe(`\${{ steps.${check!.id}.outputs.clusters }}`);
  });

  it('runs one leg per checked cluster: a matrix of calls to fleet-cluster.yml, max-parallel, no fail-fast', () => {
    const leg = wf.jobs.leg!;
    expect(leg.needs).toBe('clusters');
    expect(leg.uses).toBe('./.github/workflows/fleet-cluster.yml');
    expect(leg.strategy).toEqual({
      'fail-fast': false,
      'max-parallel': '${{ inputs.max-parallel }}',
      matrix: { cluster: '${{ fromJSON(needs.clusters.outputs.clusters) }}' },
    });
    expect(leg.with).toMatchObject({ cluster: '${{ matrix.cluster }}', mode: '${{ inputs.mode }}' });
    expect(leg.secrets).toBe('inherit');
    // A job that calls a reusable workflow may not name an environment: each job inside the leg does.
    expect(leg.environment).toBeUndefined();
  });

  it('passes every input the leg declares, and only those', () => {
    const declared = Object.keys(workflow('fleet-cluster.yml').on.workflow_call!.inputs);
    expect(Object.keys(wf.jobs.leg!.with ?? {}).sort()).toEqual(declared.sort());
    for (const name of declared.filter((n) => n !== 'cluster'))
      expect(wf.jobs.leg!.with?.[name]).toBe(`\${{ inputs.${name} }}`);
  });

  it('ends with a report job that runs after every leg, downloads each artifact to its own directory and writes the table', () => {
    const report = wf.jobs.report!;
    expect(report.needs).toEqual(['clusters', 'leg']);
    expect(report.if).toBe("always() && needs.clusters.result == 'success'");
    // Listing the run's artifacts (direct links) needs actions: read; nothing more.
    expect(report.permissions).toEqual({ contents: 'read', actions: 'read' });
    const download = actionStep(report, 'actions/download-artifact@v5');
    expect(download?.['continue-on-error']).toBe(true);
    expect(download?.with).toEqual({
      pattern: '*-${{ github.run_id }}-*',
      path: 'fleet-reports',
      'merge-multiple': false,
    });
    expect(actionStep(report, './fleet')?.with).toEqual({
      command: 'report',
      clusters: '${{ needs.clusters.outputs.clusters }}',
      'allowed-clusters': '${{ vars.FLEET_CLUSTERS }}',
      mode: '${{ inputs.mode }}',
      'reports-path': 'fleet-reports',
    });
  });
});

describe('fleet-cluster.yml (one leg)', () => {
  const wf = workflow('fleet-cluster.yml');
  const { plan, migrate } = wf.jobs;

  it('plans in the cluster’s plan environment and names its artifact as the report job looks for it', () => {
    expect(plan?.environment).toBe('${{ inputs.cluster }}-network-plan');
    expect(actionStep(plan, './')?.with).toMatchObject({
      mode: 'plan',
      kubeconfig: '${{ secrets.KUBECONFIG }}',
      'artifact-name': 'plan-${{ inputs.cluster }}-${{ github.run_id }}-${{ github.run_attempt }}',
    });
    expect(plan?.outputs).toMatchObject({
      result: '${{ steps.plan.outputs.result }}',
      'cluster-id': '${{ steps.plan.outputs.cluster-id }}',
      'known-hosts': '${{ steps.plan.outputs.known-hosts }}',
    });
  });

  it('migrates only a planned cluster, after approval in its migration environment, never cancelling a running one', () => {
    expect(migrate?.needs).toBe('plan');
    expect(migrate?.if).toBe("inputs.mode == 'migrate' && needs.plan.outputs.result == 'planned'");
    expect(migrate?.environment).toBe('${{ inputs.cluster }}-network-migration');
    // The same group as migrate.yml, so a fleet leg and a single run never overlap on one cluster.
    expect(migrate?.concurrency).toEqual({
      group: 'network-migration-${{ inputs.cluster }}',
      'cancel-in-progress': false,
    });
    expect(migrate?.concurrency).toEqual(workflow('migrate.yml').jobs.migrate?.concurrency);
  });

  it('hands its own plan’s cluster ID and host keys to its own migrate job', () => {
    expect(actionStep(migrate, './')?.with).toMatchObject({
      mode: 'migrate',
      kubeconfig: '${{ secrets.KUBECONFIG }}',
      'ssh-private-key': '${{ secrets.SSH_PRIVATE_KEY }}',
      'expected-cluster-id': "${{ needs.plan.outputs['cluster-id'] }}",
      'ssh-known-hosts': "${{ needs.plan.outputs['known-hosts'] }}",
      'artifact-name': 'migrate-${{ inputs.cluster }}-${{ github.run_id }}-${{ github.run_attempt }}',
    });
  });

  it('passes the fleet’s settings through to both jobs', () => {
    for (const job of [plan, migrate])
      expect(actionStep(job, './')?.with).toMatchObject({
        mtu: '${{ inputs.mtu }}',
        'geneve-port': '${{ inputs.geneve-port }}',
      });
    expect(actionStep(migrate, './')?.with?.['max-parallel-reboots']).toBe(
      '${{ inputs.max-parallel-reboots }}',
    );
  });
});

describe('fleet/action.yml', () => {
  const load = () => {
    const parsed = parseAction(
      { name: 'fleet/action.yml', content: read('fleet/action.yml') },
      new NoOperationTraceWriter(),
    );
    expect(parsed.context.errors.getErrors().map((e) => e.message)).toEqual([]);
    return convertActionTemplate(parsed.context, parsed.value!);
  };

  it("validates against the runner's action schema and runs the fleet bundle on node24", () => {
    const action = load();
    // The runner resolves main relative to the action's folder.
    expect(action.runs).toMatchObject({ using: 'node24', main: '../dist/fleet.js' });
    expect(path.resolve(REPO_ROOT, 'fleet', '../dist/fleet.js')).toBe(
      path.join(REPO_ROOT, 'dist', 'fleet.js'),
    );
  });

  it('declares the inputs the workflow passes, each described, optional ones with a default', () => {
    const action = load();
    const ids = action.inputs?.map((i) => i.id).sort();
    expect(ids).toEqual([
      'allowed-clusters',
      'clusters',
      'command',
      'github-token',
      'max-parallel',
      'mode',
      'reports-path',
    ]);
    for (const input of action.inputs ?? []) {
      expect(input.description, input.id).toBeTruthy();
      if (!input.required) expect(input.default, input.id).toBeDefined();
    }
    const fleet = workflow('fleet.yml');
    for (const job of Object.values(fleet.jobs))
      for (const step of job.steps ?? [])
        if (step.uses === './fleet')
          for (const key of Object.keys(step.with ?? {})) expect(ids).toContain(key);
  });
});
