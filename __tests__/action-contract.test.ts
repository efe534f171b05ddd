// The action's public contract: action.yml and the workflows validate against the runner's own
// schemas (@actions/workflow-parser), the README's tables say what action.yml says, and the code reads
// exactly the inputs action.yml declares.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { ActionTemplate } from '@actions/workflow-parser/actions/index';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { INPUT_NAMES } from '../src/inputs/inputs.ts';
import { REPO_ROOT } from './helpers/run-action.ts';
import { actionParser, workflowParser } from './helpers/workflow-parser.ts';

const { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } = workflowParser;
const { convertActionTemplate, parseAction } = actionParser;

const read = (p: string): string => readFileSync(path.join(REPO_ROOT, p), 'utf8');

function loadAction(): ActionTemplate {
  const parsed = parseAction(
    { name: 'action.yml', content: read('action.yml') },
    new NoOperationTraceWriter(),
  );
  const errors = parsed.context.errors.getErrors().map((e) => e.message);
  expect(errors, 'action.yml schema errors').toEqual([]);
  expect(parsed.value).toBeDefined();
  const action = convertActionTemplate(parsed.context, parsed.value!);
  expect(parsed.context.errors.getErrors().map((e) => e.message)).toEqual([]);
  return action;
}

interface Row {
  name: string;
  cells: string[];
}

/** Rows of the first table under `## <heading>` in README.md: first cell is `` `name` ``. */
function readmeTable(heading: string): Row[] {
  const lines = read('README.md').split('\n');
  const start = lines.indexOf(`## ${heading}`);
  expect(start, `README has a "## ${heading}" section`).toBeGreaterThanOrEqual(0);
  const rows: Row[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.startsWith('## ')) break;
    if (!line.startsWith('|') || /^\|\s*-/.test(line)) continue;
    const cells = line
      .slice(1, -1)
      .split(/(?<!\\)\|/)
      .map((c) => c.trim());
    const name = /^`([^`]+)`$/.exec(cells[0] ?? '')?.[1];
    if (name) rows.push({ name, cells: cells.slice(1) });
  }
  return rows;
}

/** A README default cell: empty, or one code span. */
const unquote = (cell: string): string => /^`(.*)`$/.exec(cell)?.[1] ?? cell;

const workflowFiles = readdirSync(path.join(REPO_ROOT, '.github', 'workflows')).filter((f) =>
  /\.ya?ml$/.test(f),
);

describe('action.yml', () => {
  it("validates against the runner's action schema", () => {
    loadAction();
  });

  it('runs dist/index.js on node24 for both main and post', () => {
    const action = loadAction();
    expect(action.runs).toMatchObject({ using: 'node24', main: 'dist/index.js', post: 'dist/index.js' });
    expect(action.name).toBeTruthy();
    expect(action.description).toBeTruthy();
    expect(action.branding?.icon).toBeTruthy();
    expect(action.branding?.color).toBeTruthy();
  });

  it('describes every input and output, and gives every optional input a default', () => {
    const action = loadAction();
    for (const input of action.inputs ?? []) {
      expect(input.description, `input ${input.id}`).toBeTruthy();
      if (!input.required) expect(input.default, `default of optional input ${input.id}`).toBeDefined();
    }
    for (const output of action.outputs ?? []) expect(output.description, `output ${output.id}`).toBeTruthy();
    // Optional: empty means the file in KUBECONFIG left by a login step (kubeconfig-input.ts).
    expect(action.inputs?.find((i) => i.id === 'kubeconfig')?.required).toBe(false);
  });

  it('declares exactly the inputs and outputs the brief lists', () => {
    const action = loadAction();
    expect(action.inputs?.map((i) => i.id).sort()).toEqual([...INPUT_NAMES].sort());
    expect(action.outputs?.map((o) => o.id).sort()).toEqual(
      [
        'artifact-id',
        'backup-path',
        'cluster-id',
        'known-hosts',
        'network-type',
        'report-path',
        'result',
      ].sort(),
    );
  });

  it('has no expression in a default (the run-action helper and the README show them literally)', () => {
    const action = loadAction();
    for (const input of action.inputs ?? [])
      expect(String(input.default?.toString() ?? '')).not.toContain('${{');
  });
});

describe('README tables', () => {
  const manifest = (): { inputs: Record<string, { default?: unknown; required?: boolean }> } =>
    parseYaml(read('action.yml')) as { inputs: Record<string, { default?: unknown; required?: boolean }> };

  it('lists every input with the same required flag and default, and nothing else', () => {
    const rows = readmeTable('Inputs');
    expect(rows.map((r) => r.name)).toEqual(loadAction().inputs?.map((i) => i.id));
    for (const row of rows) {
      const spec = manifest().inputs[row.name]!;
      const [required, defaultCell, description] = row.cells;
      expect(required, `README "Required" of ${row.name}`).toBe(spec.required ? 'yes' : 'no');
      expect(unquote(defaultCell ?? ''), `README default of ${row.name}`).toBe(String(spec.default ?? ''));
      expect(description, `README description of ${row.name}`).toBeTruthy();
    }
  });

  it('lists every output, and nothing else', () => {
    const rows = readmeTable('Outputs');
    expect(rows.map((r) => r.name)).toEqual(loadAction().outputs?.map((o) => o.id));
    for (const row of rows) expect(row.cells[0], `README description of ${row.name}`).toBeTruthy();
  });
});

describe('inputs read by the code', () => {
  it('every name src/inputs.ts passes to getInput/getBooleanInput/input() is declared', () => {
    const declared = new Set(loadAction().inputs?.map((i) => i.id));
    const source = read('src/inputs/inputs.ts');
    const used = [
      ...source.matchAll(/\b(?:getInput|getBooleanInput|getMultilineInput|input)\(\s*'([^']+)'/g),
    ].map((m) => m[1]!);
    expect(used.length).toBeGreaterThan(10);
    for (const name of used) expect(declared, `input "${name}" read by src/inputs/inputs.ts`).toContain(name);
    for (const name of INPUT_NAMES) expect(declared).toContain(name);
  });

  it('no other module in src/ calls core.getInput', () => {
    const offenders: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of readdirSync(path.join(REPO_ROOT, dir), { withFileTypes: true })) {
        const rel = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(rel);
        else if (rel.endsWith('.ts') && rel !== path.join('src', 'inputs', 'inputs.ts')) {
          if (/\bget(?:Boolean|Multiline)?Input\(/.test(read(rel))) offenders.push(rel);
        }
      }
    };
    walk('src');
    expect(offenders).toEqual([]);
  });
});

describe('workflows', () => {
  it('finds every workflow', () => {
    expect(workflowFiles.sort()).toEqual([
      'check-dist.yml',
      'ci.yml',
      'fleet-cluster.yml',
      'fleet.yml',
      'migrate.yml',
    ]);
  });

  it.each(workflowFiles)('%s parses and converts without errors', async (file) => {
    const content = read(path.join('.github', 'workflows', file));
    const parsed = parseWorkflow({ name: file, content }, new NoOperationTraceWriter());
    expect(parsed.context.errors.getErrors().map((e) => e.message)).toEqual([]);
    expect(parsed.value).toBeDefined();
    const template = await convertWorkflowTemplate(parsed.context, parsed.value!);
    expect(template.errors ?? []).toEqual([]);
  });

  interface Workflow {
    'run-name'?: string;
    on: { workflow_dispatch: { inputs: Record<string, { type?: string; options?: string[] }> } };
    env?: Record<string, string>;
    jobs: Record<
      string,
      Record<string, unknown> & {
        outputs?: Record<string, string>;
        steps: { uses?: string; with?: Record<string, string> }[];
      }
    >;
  }
  const migrateWorkflow = () => parseYaml(read('.github/workflows/migrate.yml')) as Workflow;
  const actionStep = (job: Workflow['jobs'][string] | undefined) => job!.steps.find((s) => s.uses === './');

  it('migrate.yml: plan, then an approved, non-cancelling migrate job per cluster', () => {
    const wf = migrateWorkflow();
    expect(wf.on.workflow_dispatch.inputs.mode?.options).toEqual([
      'plan',
      'migrate',
      'plan-rollback',
      'rollback',
    ]);
    expect(Object.keys(wf.on.workflow_dispatch.inputs)).toEqual(
      expect.arrayContaining(['cluster', 'mtu', 'geneve-port']),
    );
    const { plan, migrate } = wf.jobs;
    expect(plan).toBeDefined();
    expect(migrate).toBeDefined();
    expect(migrate!.needs).toBe('plan');
    expect(migrate!.environment).toBe('${{ inputs.cluster }}-network-migration');
    expect(migrate!.concurrency).toEqual({
      group: 'network-migration-${{ inputs.cluster }}',
      'cancel-in-progress': false,
    });
    // The plan job plans what the second job does (plan or plan-rollback); the second job runs the
    // chosen mode (migrate or rollback) behind the same approval.
    expect(actionStep(plan)?.with?.mode).toBe('${{ env.MIGRATION_PLAN_MODE }}');
    expect(wf.env?.MIGRATION_PLAN_MODE).toBe(
      "${{ (inputs.mode == 'rollback' || inputs.mode == 'plan-rollback') && 'plan-rollback' || 'plan' }}",
    );
    expect(actionStep(migrate)?.with?.mode).toBe('${{ inputs.mode }}');
    expect(migrate!.if).toBe(
      "(inputs.mode == 'migrate' || inputs.mode == 'rollback') && needs.plan.outputs.result == 'planned'",
    );
  });

  it('migrate.yml: the cluster comes from a fixed list and the run name shows it with the mode', () => {
    const wf = migrateWorkflow();
    const cluster = wf.on.workflow_dispatch.inputs.cluster!;
    expect(['choice', 'environment']).toContain(cluster.type);
    if (cluster.type === 'choice') expect(cluster.options?.length).toBeGreaterThan(0);
    expect(wf['run-name']).toContain('${{ inputs.cluster }}');
    expect(wf['run-name']).toContain('${{ inputs.mode }}');
  });

  it('migrate.yml: both jobs read the same credentials and the same plan-changing inputs', () => {
    const wf = migrateWorkflow();
    const plan = actionStep(wf.jobs.plan)!.with!;
    const migrate = actionStep(wf.jobs.migrate)!.with!;
    for (const key of ['kubeconfig', 'ssh-private-key', 'ssh-passphrase']) {
      expect(plan[key], `plan ${key}`).toMatch(/\$\{\{ secrets\b/);
      expect(migrate[key], `migrate ${key}`).toBe(plan[key]);
    }
    // Every input that changes the plan: one place (the workflow env), the same value in both jobs.
    for (const key of [
      'mtu',
      'geneve-port',
      'max-parallel-reboots',
      'ssh-user',
      'vxlan-port',
      'on-failure',
    ]) {
      const ref = /^\$\{\{ env\.([A-Z_]+) \}\}$/.exec(plan[key] ?? '')?.[1];
      expect(ref, `plan ${key} comes from the workflow env`).toBeDefined();
      expect(wf.env?.[ref!], `workflow env ${ref}`).toBeDefined();
      expect(migrate[key], `migrate ${key}`).toBe(plan[key]);
    }
    for (const input of Object.keys(wf.on.workflow_dispatch.inputs).filter(
      (i) => !['cluster', 'mode'].includes(i),
    ))
      expect(Object.values(wf.env ?? {}), `input ${input} passed through the workflow env`).toContain(
        `\${{ inputs.${input} }}`,
      );
  });

  it("migrate.yml: the migration trusts the plan's cluster ID and host keys", () => {
    const wf = migrateWorkflow();
    expect(wf.jobs.plan!.outputs).toMatchObject({
      'cluster-id': '${{ steps.plan.outputs.cluster-id }}',
      'known-hosts': '${{ steps.plan.outputs.known-hosts }}',
    });
    expect(actionStep(wf.jobs.migrate)?.with).toMatchObject({
      'expected-cluster-id': '${{ needs.plan.outputs.cluster-id }}',
      'ssh-known-hosts': '${{ needs.plan.outputs.known-hosts }}',
    });
    expect(actionStep(wf.jobs.migrate)?.with?.['ssh-host-key-policy']).toBeUndefined();
  });

  it.each(workflowFiles)('%s passes only declared inputs to this action', (file) => {
    const declared = new Set(loadAction().inputs?.map((i) => i.id));
    const wf = parseYaml(read(path.join('.github', 'workflows', file))) as {
      jobs: Record<string, { steps?: { uses?: string; with?: Record<string, unknown> }[] }>;
    };
    for (const job of Object.values(wf.jobs)) {
      for (const step of job.steps ?? []) {
        if (step.uses !== './') continue;
        for (const key of Object.keys(step.with ?? {}))
          expect(declared, `${file}: with.${key}`).toContain(key);
      }
    }
  });
});
