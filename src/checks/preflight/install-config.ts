// The machine networks, from the install-config the installer left in kube-system/cluster-config-v1.
// That document also holds the pull secret: nothing of its text may reach a message. A parse error is
// reported by line number only (a parser's message quotes the offending line), only the two fields
// needed are read, and a value that is not a CIDR is named by its path, never echoed.
import { parseDocument } from 'yaml';

const SOURCE = 'ConfigMap kube-system/cluster-config-v1';
/** Characters a CIDR is written with; anything else is not shown. */
const CIDR_TEXT = /^[0-9A-Fa-f.:]+\/\d{1,3}$/;

export interface MachineNetworks {
  cidrs?: string[];
  problem?: string;
}

function lineOf(text: string, offset: number | undefined): number | undefined {
  if (offset === undefined || offset < 0) return undefined;
  return text.slice(0, offset).split('\n').length;
}

export function readMachineNetworks(text: string): MachineNetworks {
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: false });
  if (doc.errors.length) {
    const line = lineOf(text, doc.errors[0].pos?.[0]);
    return { problem: `${SOURCE}: the install-config could not be parsed${line ? ` (line ${line})` : ''}` };
  }
  const entries: [string, unknown][] = [];
  const list = doc.getIn(['networking', 'machineNetwork']);
  const items = (list as { items?: unknown[] } | undefined)?.items;
  if (list !== undefined && !Array.isArray(items))
    return { problem: `${SOURCE}: networking.machineNetwork in the install-config is not a list` };
  for (const [i] of (items ?? []).entries())
    entries.push([
      `networking.machineNetwork[${i}].cidr`,
      doc.getIn(['networking', 'machineNetwork', i, 'cidr']),
    ]);
  const legacy = doc.getIn(['networking', 'machineCIDR']);
  if (legacy !== undefined) entries.push(['networking.machineCIDR', legacy]);
  const cidrs: string[] = [];
  for (const [path, value] of entries) {
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string' || !CIDR_TEXT.test(value))
      return { problem: `${SOURCE}: ${path} in the install-config is not a CIDR` };
    cidrs.push(value);
  }
  return { cidrs };
}
