#!/bin/bash
# The OpenShift 4.8–4.16 offline migration (procedures.md, variant B; the commands of the 4.14
# "Migrating to the OVN-Kubernetes network plugin" document) with `kubectl` in place of `oc`:
# spec.migration first, MCO rolls the OVN host configuration out (one reboot per node), then the
# network type switch, the multus rollout, a reboot of every node over ssh, verification and cleanup.
#
#   KUBECONFIG=<twin kubeconfigPath> SSH_KEY=<twin sshKeyPath> SSH_PORT=<twin sshPort> \
#     scripts/twin-doc-procedure-4.14.sh
#
# As in twin-doc-procedure.sh: `### <step>` lines split the transcript, STOP_AFTER=<step> ends the
# script after that step, MTU (optional) adds the ovnKubernetesConfig mtu patch, the ssh loop gets
# `-o UserKnownHostsFile=/dev/null -i $SSH_KEY -p $SSH_PORT`, and the document's "watch `oc get mcp`
# until every pool is UPDATED" is done with `kubectl wait`.
set -euo pipefail

: "${KUBECONFIG:?KUBECONFIG must point at the cluster}"
export KUBECONFIG
SSH_KEY=${SSH_KEY:?SSH_KEY: the private key for core@<node>}
SSH_PORT=${SSH_PORT:-22}
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

step gate
# Every ClusterOperator Available=True, Progressing=False, Degraded=False before the first change.
kubectl get co
kubectl wait co --all --for=condition=Available --timeout=10s
kubectl wait co --all --for=condition=Progressing=False --timeout=10s
kubectl wait co --all --for=condition=Degraded=False --timeout=10s

step clear-migration
kubectl patch Network.operator.openshift.io cluster --type='merge' \
  --patch '{ "spec": { "migration": null } }'

step migration
kubectl patch Network.operator.openshift.io cluster --type='merge' \
  --patch '{ "spec": { "migration": { "networkType": "OVNKubernetes" } } }'

if [ -n "${MTU:-}" ]; then
  step mtu
  kubectl patch Network.operator.openshift.io cluster --type=merge \
    --patch '{ "spec":{ "defaultNetwork":{ "ovnKubernetesConfig":{ "mtu":'"$MTU"' }}}}'
fi

step wait-migration-status
kubectl wait network.config/cluster --for=jsonpath='{.status.migration.networkType}'=OVNKubernetes \
  --timeout="$WAIT_TIMEOUT"

step wait-mco
for pool in $(kubectl get mcp -o jsonpath='{.items[*].metadata.name}'); do
  # MCO renders a config carrying the OVN host configuration, then rolls it out node by node.
  until rendered=$(kubectl get mcp "$pool" -o jsonpath='{.spec.configuration.name}') &&
    kubectl get machineconfig "$rendered" -o yaml | grep 'configure-ovs.sh OVNKubernetes' > /dev/null; do
    sleep 1
  done
  kubectl wait "mcp/$pool" --for=jsonpath='{.status.configuration.name}'="$rendered" \
    --timeout="$WAIT_TIMEOUT"
done
kubectl wait mcp --all --for=condition=Updated --timeout="$WAIT_TIMEOUT"
kubectl get mcp

step describe
kubectl describe node | egrep "hostname|machineconfig"

step machineconfig
config=$(kubectl get nodes -o jsonpath='{.items[0].metadata.annotations.machineconfiguration\.openshift\.io/currentConfig}')
echo "config_name=$config"
kubectl get machineconfig "$config" -o yaml | grep ExecStart

step network-type
kubectl patch Network.config.openshift.io cluster --type='merge' \
  --patch '{ "spec": { "networkType": "OVNKubernetes" } }'

step multus
kubectl -n openshift-multus rollout status daemonset/multus

step reboot
for ip in $(kubectl get nodes -o jsonpath='{.items[*].status.addresses[?(@.type=="InternalIP")].address}')
do
  echo "reboot node $ip"
  ssh -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -i "$SSH_KEY" -p "$SSH_PORT" core@$ip sudo shutdown -r -t 3
done

step wait-nodes
sleep "${REBOOT_GRACE:-1}"
# Every master rebooting at once takes the API away until etcd has quorum again (minutes on a real
# cluster): kubectl is refused meanwhile, so keep asking, as anyone waiting for the nodes does.
deadline=$((SECONDS + ${WAIT_TIMEOUT%s}))
until kubectl wait --for=condition=Ready nodes --all --timeout="$WAIT_TIMEOUT"; do
  [ "$SECONDS" -lt "$deadline" ] || exit 1
  sleep 1
done

step network-status
kubectl get network.config/cluster -o jsonpath='{.status.networkType}{"\n"}'

step nodes
kubectl get nodes

step pods
kubectl get pods --all-namespaces -o wide --sort-by='{.spec.nodeName}'

step co
kubectl wait co --all --for=condition=Available --timeout="$WAIT_TIMEOUT"
kubectl wait co --all --for=condition=Progressing=False --timeout="$WAIT_TIMEOUT"
kubectl wait co --all --for=condition=Degraded=False --timeout="$WAIT_TIMEOUT"
kubectl get co

step cleanup
kubectl patch Network.operator.openshift.io cluster --type='merge' \
  --patch '{ "spec": { "migration": null } }'
kubectl patch Network.operator.openshift.io cluster --type='merge' \
  --patch '{ "spec": { "defaultNetwork": { "openshiftSDNConfig": null } } }'
kubectl delete namespace openshift-sdn

step done
