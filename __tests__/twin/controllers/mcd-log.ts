// machine-config-daemon log lines, in the klog format the real daemon writes. The migration procedure
// tells the operator to read these when a node stays NotReady, so the twin keeps them per pod.
import type { TwinContext } from '../context.ts';

const MCD_NAMESPACE = 'openshift-machine-config-operator';

function klogStamp(): string {
  const d = new Date();
  const p2 = (n: number) => String(n).padStart(2, '0');
  const micros = String(d.getUTCMilliseconds() * 1000).padStart(6, '0');
  return `${p2(d.getUTCMonth() + 1)}${p2(d.getUTCDate())} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}.${micros}`;
}

/** One klog line: `I0226 10:15:32.123456    2345 daemon.go:123] message`. */
export function klog(level: 'I' | 'W' | 'E', source: string, message: string): string {
  return `${level}${klogStamp()}    2345 ${source}] ${message}`;
}

export function appendPodLog(ctx: TwinContext, namespace: string, pod: string, lines: string[]): void {
  const key = `${namespace}/${pod}`;
  const log = ctx.podLogs.get(key);
  if (log) log.push(...lines);
  else ctx.podLogs.set(key, [...lines]);
}

export function appendMcdLog(ctx: TwinContext, pod: string, lines: string[]): void {
  appendPodLog(ctx, MCD_NAMESPACE, pod, lines);
}

export const mcdLines = {
  startup(version: string, config: string): string[] {
    return [
      klog(
        'I',
        'start.go:108',
        `Version: v${version}-202402130420.p0.g5f8c1ab.assembly.stream-dirty (5f8c1ab0e8e2b0f6d5c0f5a1b2c3d4e5f6a7b8c9)`,
      ),
      klog('I', 'start.go:121', 'Calling chroot("/rootfs")'),
      klog('I', 'daemon.go:445', 'Starting MachineConfigDaemon'),
      klog('I', 'daemon.go:452', 'Enabling Kubelet Healthz Monitor'),
      klog('I', 'daemon.go:1171', `Validating against current config ${config}`),
      klog('I', 'daemon.go:1179', 'Validated on-disk state'),
    ];
  },
  completed(config: string): string[] {
    return [
      klog(
        'I',
        'update.go:2090',
        `Update completed for config ${config} and node has been successfully uncordoned`,
      ),
      klog('I', 'daemon.go:1205', `In desired config ${config}`),
    ];
  },
  inDesired(config: string): string[] {
    return [klog('I', 'daemon.go:1205', `In desired config ${config}`)];
  },
  updating(from: string, to: string, node: string): string[] {
    return [
      klog('I', 'update.go:1061', `Checking Reconcilable for config ${from} to ${to}`),
      klog(
        'I',
        'update.go:1098',
        `Starting update from ${from} to ${to}: &{osUpdate:false kargs:false fips:false passwd:false files:false units:true kernelType:false extensions:false}`,
      ),
      klog('I', 'update.go:2072', `Node ${node} has been successfully cordoned`),
      klog('I', 'drain.go:150', 'Draining node'),
      klog('I', 'drain.go:88', 'drain complete'),
      klog('I', 'update.go:1574', 'Writing systemd unit "ovs-configuration.service"'),
    ];
  },
  rebooting(to: string): string[] {
    return [
      klog('I', 'update.go:2105', `initiating reboot: Node will reboot into config ${to}`),
      klog('I', 'daemon.go:603', 'Shutting down MachineConfigDaemon'),
    ];
  },
  degraded(node: string, reason: string): string[] {
    return [
      klog('E', 'writer.go:135', `Marking Degraded due to: ${reason}`),
      klog('W', 'daemon.go:650', `Node ${node} is Degraded`),
    ];
  },
};
