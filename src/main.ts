// run(): inputs -> cluster session -> procedure -> report. Every error ends in core.setFailed with a
// message that names the input or object at fault.
import * as core from '@actions/core';
import { probeCluster } from './cluster-probe.ts';
import { readSettings } from './inputs.ts';

export async function run(): Promise<void> {
  try {
    const settings = readSettings();
    core.info(`mode: ${settings.mode}`);
    const cluster = await probeCluster(settings);
    core.info(`cluster: ${cluster.server} (context ${cluster.context}), OpenShift ${cluster.version}`);
    core.info(`network type: ${cluster.networkType}`);
  } catch (err) {
    core.setFailed(err instanceof Error ? err.message : String(err));
  }
}
