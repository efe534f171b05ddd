// Inputs that only a rollback (or a migrate run allowed to roll back) reads: the VXLAN port OpenShift
// SDN goes back to, and what a failed migrate run does. Validated before any cluster contact.
import { InputError } from './input-error.ts';
import { describeReservedPorts, reservedPort } from './reserved-ports.ts';
import type { OnFailure, Settings } from './settings.ts';

/** The VXLAN port OpenShift SDN uses by default; the one reserved port the VXLAN tunnel may take. */
export const DEFAULT_VXLAN_PORT = 4789;
/** OVN-Kubernetes' default Geneve port: never the VXLAN port (procedures.md, rollback). */
export const GENEVE_DEFAULT_PORT = 6081;

const VXLAN_ACCEPTED = `a UDP port from 1 to 65535 that the cluster does not already use (not ${GENEVE_DEFAULT_PORT}, the Geneve port, nor ${describeReservedPorts()} except ${DEFAULT_VXLAN_PORT}); empty restores the port recorded before the migration (default ${DEFAULT_VXLAN_PORT})`;

/** `vxlan-port`: empty → nothing (the original comes back); otherwise a port the network operator accepts. */
export function vxlanPort(text: string): Pick<Settings, 'vxlanPort'> {
  if (!text) return {};
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > 65535)
    throw new InputError('vxlan-port', `"${text}" is out of range or not an integer`, VXLAN_ACCEPTED);
  const port = Number(text);
  if (port === GENEVE_DEFAULT_PORT)
    throw new InputError('vxlan-port', `${port} is the Geneve port of OVN-Kubernetes`, VXLAN_ACCEPTED);
  const owner = port === DEFAULT_VXLAN_PORT ? undefined : reservedPort(port);
  if (owner) throw new InputError('vxlan-port', `${port} ${owner.says}`, VXLAN_ACCEPTED);
  return { vxlanPort: port };
}

const ON_FAILURE: readonly OnFailure[] = ['stop', 'rollback'];

/** `on-failure`: stop (default) or rollback. */
export function onFailure(text: string): Pick<Settings, 'onFailure'> {
  if (!text || text === 'stop') return {};
  if (!(ON_FAILURE as readonly string[]).includes(text))
    throw new InputError(
      'on-failure',
      `"${text}" is not a choice`,
      'stop (a failed migrate run stops and says how to continue or roll back) or rollback (a migrate run that fails after changing the cluster rolls it back to OpenShift SDN in the same job; never when the API is unreachable)',
    );
  return { onFailure: text as OnFailure };
}
