// Version strings that go with an OpenShift release: the Kubernetes it ships, the RHCOS build on its
// nodes, the Ignition spec its MachineConfigs use. Clients print these; they must be plausible.
import { minorVersion } from '../scenario.ts';

export interface ReleaseFacts {
  minor: number;
  kubeletVersion: string;
  osImage: string;
  kernelVersion: string;
  containerRuntimeVersion: string;
  ignitionVersion: string;
  /** The kube-rbac-proxy/oauth-proxy sidecar of machine-config-daemon pods. */
  mcdSidecar: string;
}

// OpenShift 4.x ships Kubernetes 1.(x+13); RHCOS is built on RHEL 8.2 (4.6) up to RHEL 9.4 (4.16).
const RHEL: Record<number, string> = {
  5: '82',
  6: '82',
  7: '83',
  8: '84',
  9: '84',
  10: '84',
  11: '86',
  12: '86',
  13: '92',
  14: '92',
  15: '92',
  16: '94',
};

export function releaseFacts(version: string): ReleaseFacts {
  const [, minor] = minorVersion(version);
  const rhel = RHEL[minor] ?? '94';
  const kubeMinor = minor + 13;
  const el = rhel.startsWith('9') ? `el9_${rhel[1]}` : `el8_${rhel[1]}`;
  return {
    minor,
    kubeletVersion: `v1.${kubeMinor}.4+c8d8ed2`,
    osImage: `Red Hat Enterprise Linux CoreOS 4${minor}.${rhel}.202402130420-0 (${rhel.startsWith('9') ? 'Plow' : 'Ootpa'})`,
    kernelVersion: `${rhel.startsWith('9') ? '5.14.0-284.52.1' : '4.18.0-305.40.1'}.${el}.x86_64`,
    containerRuntimeVersion: `cri-o://1.${kubeMinor}.4-3.rhaos4.${minor}.git${'a1b2c3d'}.${el}`,
    ignitionVersion: minor <= 5 ? '2.2.0' : minor === 6 ? '3.1.0' : '3.2.0',
    mcdSidecar: minor <= 8 ? 'oauth-proxy' : 'kube-rbac-proxy',
  };
}
