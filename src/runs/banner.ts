// The first log lines of every run: which action version runs, in which mode, how it reaches the
// nodes and with which inputs — so that a log read later (or pasted into an issue) says what ran.
// Inputs are taken from publicSettings, which never holds a secret.
import pkg from '../../package.json' with { type: 'json' };
import type { Settings } from '../inputs/settings.ts';
import { publicSettings } from '../report/model.ts';

export const ACTION_VERSION: string = pkg.version;

export function bannerLines(settings: Settings): string[] {
  const p = publicSettings(settings);
  const strategy = typeof p.strategy === 'string' ? `, strategy ${p.strategy}` : '';
  const ssh = `SSH as ${String(p.sshUser)} on port ${String(p.sshPort)}${p.sshBastion ? ` via ${String(p.sshBastion)}` : ''}, host keys ${String(p.sshKnownHosts)}`;
  const access =
    typeof p.nodeAccess !== 'string'
      ? ssh
      : p.nodeAccess.includes('over SSH')
        ? `${p.nodeAccess}; ${ssh}`
        : p.nodeAccess;
  const inputs = Object.entries(p)
    .filter(([k, v]) => v !== undefined && !['mode', 'strategy', 'nodeAccess'].includes(k))
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(', ');
  return [
    `sdn-to-ovn action ${ACTION_VERSION}: mode ${settings.mode}${strategy}`,
    `node access: ${access}`,
    `inputs: ${inputs}`,
  ];
}
