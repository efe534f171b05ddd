// Getting the report to the people who read it: report.json and report.md on disk, the artifact
// (backup + reports), the job summary and the outputs. None of this may fail the job or lose a file:
// an upload failure is a warning and the outputs point at the files kept under RUNNER_TEMP.
import * as core from '@actions/core';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { renderMarkdown, renderSummary } from './markdown.ts';
import type { RunReport } from './model.ts';
import { coreLogger } from '../util/log.ts';

export async function writeReportFiles(
  report: RunReport,
  dir: string,
): Promise<{ json: string; md: string }> {
  await mkdir(dir, { recursive: true });
  const json = join(dir, 'report.json');
  const md = join(dir, 'report.md');
  await writeFile(json, JSON.stringify(report, null, 2) + '\n');
  await writeFile(md, renderMarkdown(report));
  return { json, md };
}

/** Uploads the files as one artifact; failures become a warning and are recorded in the report. */
export async function uploadArtifact(
  report: RunReport,
  name: string,
  files: string[],
  rootDir: string,
  retentionDays: number | undefined,
): Promise<number | undefined> {
  report.artifact.name = name;
  try {
    // Loaded only when needed: the artifact client (and Azure's storage SDK under it) is a third of the
    // bundle, and every run before this point starts faster without it.
    const { DefaultArtifactClient } = await import('@actions/artifact');
    const client = new DefaultArtifactClient();
    const res = await client.uploadArtifact(name, files, rootDir, retentionDays ? { retentionDays } : {});
    report.artifact.id = res.id;
    report.artifact.size = res.size;
    coreLogger.info(
      `Uploaded artifact ${name} (id ${res.id}, ${res.size ?? '?'} bytes): ${files.map((f) => f.slice(rootDir.length + 1)).join(', ')}`,
    );
    return res.id;
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    report.artifact.error = msg;
    core.warning(
      `Could not upload artifact ${name}: ${msg}. The files are kept on the runner under ${rootDir} (see the report-path and backup-path outputs).`,
    );
    return undefined;
  }
}

/** Writes the job summary; never throws (a summary problem must not change the run's result). */
export async function writeSummary(report: RunReport): Promise<void> {
  try {
    if (!process.env.GITHUB_STEP_SUMMARY) return;
    await core.summary.addRaw(renderSummary(report), true).write();
  } catch (err) {
    core.warning(`Could not write the job summary: ${err instanceof Error ? err.message : String(err)}`);
  }
}

export function commonRoot(files: string[]): string {
  if (!files.length) return process.cwd();
  let root = dirname(files[0]);
  for (const f of files) while (!f.startsWith(root + '/')) root = dirname(root);
  return root;
}
