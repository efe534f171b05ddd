// Reads every input once into the typed Settings object (see settings.ts).
import * as core from '@actions/core';
import type { Settings } from './settings.ts';

export function readSettings(): Settings {
  core.getInput('kubeconfig', { required: true });
  throw new Error('inputs: not implemented yet');
}
