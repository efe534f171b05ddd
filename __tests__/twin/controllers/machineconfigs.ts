// MachineConfigs as MCO renders them. The one fact the migration turns on is the
// `ovs-configuration.service` unit: its ExecStart names the network type configure-ovs.sh sets up the
// host for. A rendered config is named after a hash of its content, so the same pool and network type
// always give the same name (as MCO's rendering does).
import { createHash } from 'node:crypto';
import type { NetworkType } from '../scenario.ts';
import type { KObject } from '../store.ts';
import { releaseFacts } from './versions.ts';

const MC_API = 'machineconfiguration.openshift.io/v1';
export const ROLE_LABEL = 'machineconfiguration.openshift.io/role';

export function baseConfigName(pool: string): string {
  return `00-${pool}`;
}

function ovsConfigurationUnit(type: NetworkType): string {
  return [
    '[Unit]',
    'Description=Configures OVS with proper host networking configuration',
    '# Removal of this file signals firstboot completion',
    'ConditionPathExists=!/etc/ignition-machine-config-encapsulated.json',
    '# This service is used to move a physical NIC into OVS and reconfigure OVS to use the host IP',
    'Requires=openvswitch.service',
    'Wants=NetworkManager-wait-online.service',
    'After=NetworkManager-wait-online.service openvswitch.service network.service',
    'Before=network-online.target kubelet.service crio.service node-valid-hostname.service',
    '',
    '[Service]',
    '# Need oneshot to delay kubelet',
    'Type=oneshot',
    `ExecStart=/usr/local/bin/configure-ovs.sh ${type}`,
    'StandardOutput=journal+console',
    'StandardError=journal+console',
    '',
    '[Install]',
    'WantedBy=network-online.target',
    '',
  ].join('\n');
}

function kubeletUnit(pool: string): string {
  return [
    '[Unit]',
    'Description=Kubernetes Kubelet',
    'Wants=rpc-statd.service network-online.target crio.service',
    'After=network-online.target crio.service',
    '',
    '[Service]',
    'Type=notify',
    'ExecStart=/usr/bin/hyperkube kubelet --config=/etc/kubernetes/kubelet.conf \\',
    '    --bootstrap-kubeconfig=/etc/kubernetes/kubeconfig --kubeconfig=/var/lib/kubelet/kubeconfig \\',
    `    --container-runtime-endpoint=/var/run/crio/crio.sock --node-labels=node-role.kubernetes.io/${pool}`,
    'Restart=always',
    'RestartSec=10',
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\n');
}

/**
 * MCO's `mtu-migration.service`, rendered only while Network.config `status.migration.mtu` is set (the
 * live migration's first rollout): it moves the host and the overlay to the routable MTU. CNO's live
 * migration controller looks for exactly this unit (`routebleMtuUnitMatch` in cluster-network-operator
 * pkg/controller/operconfig/migration.go).
 */
export interface MtuMigration {
  network?: { from?: number; to?: number };
  machine?: { from?: number; to?: number };
}

function mtuMigrationUnit(type: NetworkType, mtu: MtuMigration): string {
  return [
    '[Unit]',
    'Description=Configures interfaces and routes with temporary MTUs during MTU migration',
    'Requires=openvswitch.service ovs-configuration.service',
    'Wants=NetworkManager-wait-online.service',
    'After=NetworkManager-wait-online.service openvswitch.service network.service ovs-configuration.service',
    'Before=kubelet-dependencies.target node-valid-hostname.service',
    '',
    '[Service]',
    'Type=oneshot',
    `Environment=NETWORK_TYPE=${type} TARGET_MTU=${mtu.machine?.to ?? ''} CNI_TARGET_MTU=${mtu.network?.to ?? ''}`,
    'ExecStart=/usr/local/bin/mtu-migration.sh',
    'StandardOutput=journal+console',
    'StandardError=journal+console',
    '',
    '[Install]',
    'WantedBy=kubelet-dependencies.target',
    '',
  ].join('\n');
}

function osImageURL(version: string): string {
  const digest = createHash('sha256').update(`rhcos ${version}`).digest('hex');
  return `quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:${digest}`;
}

/** spec of the rendered config for a pool on a network type. */
function renderedSpec(
  version: string,
  pool: string,
  type: NetworkType,
  mtu?: MtuMigration,
): Record<string, unknown> {
  const facts = releaseFacts(version);
  const mtuUnit = mtu
    ? [{ name: 'mtu-migration.service', enabled: true, contents: mtuMigrationUnit(type, mtu) }]
    : [];
  return {
    config: {
      ignition: { version: facts.ignitionVersion },
      storage: {
        files: [
          {
            path: '/etc/kubernetes/kubelet.conf',
            mode: 420,
            overwrite: true,
            contents: {
              source: `data:,${encodeURIComponent(`kind: KubeletConfiguration\napiVersion: kubelet.config.k8s.io/v1beta1\nnodeStatusUpdateFrequency: 10s\n# role ${pool}\n`)}`,
            },
          },
        ],
      },
      systemd: {
        units: [
          { name: 'kubelet.service', enabled: true, contents: kubeletUnit(pool) },
          { name: 'ovs-configuration.service', enabled: true, contents: ovsConfigurationUnit(type) },
          { name: 'openvswitch.service', enabled: true },
          ...mtuUnit,
        ],
      },
    },
    extensions: [],
    fips: false,
    kernelArguments: [],
    kernelType: 'default',
    osImageURL: osImageURL(version),
  };
}

/** Name and object of the rendered MachineConfig for `pool` on `type` (with `mtu`: during an MTU migration). */
export function renderedConfig(
  version: string,
  pool: string,
  type: NetworkType,
  poolUid?: string,
  mtu?: MtuMigration,
): { name: string; object: KObject } {
  const spec = renderedSpec(version, pool, type, mtu);
  const hash = createHash('md5').update(JSON.stringify(spec)).digest('hex');
  const name = `rendered-${pool}-${hash}`;
  const object: KObject = {
    apiVersion: MC_API,
    kind: 'MachineConfig',
    metadata: {
      name,
      annotations: {
        'machineconfiguration.openshift.io/generated-by-controller-version': createHash('sha1')
          .update(version)
          .digest('hex'),
        'machineconfiguration.openshift.io/release-image-version': version,
      },
      ownerReferences: [
        {
          apiVersion: MC_API,
          kind: 'MachineConfigPool',
          name: pool,
          uid: poolUid ?? '',
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec,
  };
  return { name, object };
}

/** The base config a pool's rendered configs are made from (`00-<pool>`). */
export function baseConfig(version: string, pool: string): KObject {
  const facts = releaseFacts(version);
  return {
    apiVersion: MC_API,
    kind: 'MachineConfig',
    metadata: {
      name: baseConfigName(pool),
      labels: { [ROLE_LABEL]: pool },
      annotations: {
        'machineconfiguration.openshift.io/generated-by-controller-version': createHash('sha1')
          .update(version)
          .digest('hex'),
      },
    },
    spec: {
      config: {
        ignition: { version: facts.ignitionVersion },
        systemd: { units: [{ name: 'kubelet.service', enabled: true, contents: kubeletUnit(pool) }] },
      },
      extensions: [],
      fips: false,
      kernelArguments: [],
      kernelType: 'default',
      osImageURL: osImageURL(version),
    },
  };
}
