#!/bin/bash
# The source document's procedure (OpenShift 4.6, "Migrating to the OVN-Kubernetes default CNI
# network provider", /work/shared/reference/000_*.txt), step by step and word for word, with `kubectl`
# in place of `oc`. Run it against a twin (or any cluster you are willing to break):
#
#   KUBECONFIG=<twin kubeconfigPath> SSH_KEY=<twin sshKeyPath> SSH_PORT=<twin sshPort> \
#     scripts/twin-doc-procedure.sh
#
# Additions to the document's text, all marked `# twin:` below:
#   - the reboot loop's ssh gets `-o UserKnownHostsFile=/dev/null -i $SSH_KEY -p $SSH_PORT` (the twin's
#     nodes listen on a high port with their own client key);
#   - POOLS (default "master worker", the document's literal text) lists the pools paused and unpaused:
#     set POOLS="master worker infra" to pause every pool, as procedures.md A.3 says one must;
#   - MTU (optional): when set, the document's optional ovnKubernetesConfig mtu patch is applied;
#   - the document's "wait for the nodes" and "wait for MCO" prose is done with `kubectl wait`
#     (WAIT_TIMEOUT, default 600s);
#   - each step is announced on stdout with a `### <step>` line so a reader (or test) can split the
#     transcript; STOP_AFTER=<step> ends the script (exit 0) once that step is done.
# The script stops at the first failing command (set -e), as a careful operator would.
set -euo pipefail

: "${KUBECONFIG:?KUBECONFIG must point at the cluster}"
export KUBECONFIG
SSH_KEY=${SSH_KEY:?SSH_KEY: the private key for core@<node>}
SSH_PORT=${SSH_PORT:-22}
POOLS=${POOLS:-master worker}
WAIT_TIMEOUT=${WAIT_TIMEOUT:-600s}
WORKDIR=${WORKDIR:-.}
cd "$WORKDIR"

current=
step() {
  if [ -n "${STOP_AFTER:-}" ] && [ "$current" = "$STOP_AFTER" ]; then
    echo "### stopped after $current"
    exit 0
  fi
  current=$1
  echo "### $1"
}

step backup
kubectl get Network.config.openshift.io cluster -o yaml > cluster-openshift-sdn.yaml

step annotate
kubectl annotate Network.operator.openshift.io cluster \
  'networkoperator.openshift.io/network-migration'=""

step pause
for pool in $POOLS; do # twin: the document has one command per pool (master, worker)
  kubectl patch MachineConfigPool "$pool" --type='merge' --patch \
    '{ "spec": { "paused": true } }'
done

step network-type
kubectl patch Network.config.openshift.io cluster \
  --type='merge' --patch '{ "spec": { "networkType": "OVNKubernetes" } }'

if [ -n "${MTU:-}" ]; then
  step mtu
  kubectl patch Network.operator.openshift.io cluster --type=merge \
    --patch '{ "spec":{ "defaultNetwork":{ "ovnKubernetesConfig":{ "mtu":'"$MTU"' }}}}'
fi

step multus
kubectl -n openshift-multus rollout status daemonset/multus

step reboot
for ip in $(kubectl get nodes -o jsonpath='{.items[*].status.addresses[?(@.type=="InternalIP")].address}')
do
  echo "reboot node $ip"
  # twin: -o UserKnownHostsFile=/dev/null -i "$SSH_KEY" -p "$SSH_PORT" are the only additions
  ssh -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -i "$SSH_KEY" -p "$SSH_PORT" core@$ip sudo shutdown -r -t 3
done

step wait-nodes
# twin: `shutdown -r -t 3` returns before the node goes down; give the reboots a moment to begin
# before asking whether every node is Ready again.
sleep "${REBOOT_GRACE:-1}"
# Every master rebooting at once takes the API away until etcd has quorum again (minutes on a real
# cluster): kubectl is refused meanwhile, so keep asking, as anyone waiting for the nodes does.
deadline=$((SECONDS + ${WAIT_TIMEOUT%s}))
until kubectl wait --for=condition=Ready nodes --all --timeout="$WAIT_TIMEOUT"; do
  [ "$SECONDS" -lt "$deadline" ] || exit 1
  sleep 1
done

step unpause
for pool in $POOLS; do
  kubectl patch MachineConfigPool "$pool" --type='merge' --patch \
    '{ "spec": { "paused": false } }'
done

step wait-mco
kubectl wait mcp --all --for=condition=Updated --timeout="$WAIT_TIMEOUT"

step describe
kubectl describe node | egrep "hostname|machineconfig"

step machineconfig
config=$(kubectl get nodes -o jsonpath='{.items[0].metadata.annotations.machineconfiguration\.openshift\.io/currentConfig}')
echo "config_name=$config"
kubectl get machineconfig "$config" -o yaml | grep ExecStart

step network-status
kubectl get network.config/cluster -o jsonpath='{.status.networkType}{"\n"}'

step nodes
kubectl get nodes

step mco-pods
kubectl get pod -n openshift-machine-config-operator

step mcd-logs
pod=$(kubectl get pod -n openshift-machine-config-operator -o name | grep machine-config-daemon- | head -n 1)
pod=${pod#pod/}
echo "pod=$pod"
kubectl logs "$pod" -n openshift-machine-config-operator

step pods
kubectl get pods --all-namespaces -o wide --sort-by='{.spec.nodeName}'

step remove-annotation
kubectl annotate Network.operator.openshift.io cluster \
  networkoperator.openshift.io/network-migration-

step delete-sdn
kubectl delete namespace openshift-sdn

step done
