#!/bin/bash
# The documented offline rollback to OpenShift SDN (procedures.md "Rollback to OpenShift SDN"), with
# `kubectl` in place of `oc`, for a cluster a migration left on OVN-Kubernetes:
#
#   KUBECONFIG=… SSH_KEY=… SSH_PORT=… VARIANT=B scripts/twin-doc-rollback.sh   # 4.8–4.16
#   KUBECONFIG=… SSH_KEY=… SSH_PORT=… VARIANT=A scripts/twin-doc-rollback.sh   # 4.5–4.7
#
# B (the 4.14 document "Rolling back to the OpenShift SDN network plugin"): pause master and worker;
# `spec.migration: null`, then `{networkType: OpenShiftSDN}`; wait for Network.config
# `status.migration.networkType` (patching Network.config earlier degrades the operator); set
# `spec.networkType`; optional openshiftSDNConfig {mtu, vxlanPort}; reboot every node; wait for multus;
# unpause; wait for MCO; verify; cleanup (`spec.migration: null`, `ovnKubernetesConfig: null`, delete
# openshift-ovn-kubernetes).
# A (the 4.6 document "Rolling back to the OpenShift SDN network provider"): the network-migration
# annotation; pause the pools; `spec.networkType: OpenShiftSDN`; optional openshiftSDNConfig; wait for
# multus; reboot every node; unpause; verify; remove the annotation; delete openshift-ovn-kubernetes.
#
# As in twin-doc-procedure*.sh: `### <step>` lines split the transcript, STOP_AFTER=<step> ends the
# script after that step, POOLS (default "master worker", the documents' text) lists the pools paused
# and unpaused, MTU / VXLAN_PORT (optional) add the openshiftSDNConfig patch, the ssh loop gets
# `-o UserKnownHostsFile=/dev/null -i $SSH_KEY -p $SSH_PORT`, and the documents' "wait until every pool
# is UPDATED" is done with `kubectl wait` on the rendered config that carries configure-ovs.sh
# OpenShiftSDN (a pool says Updated=True for its old config until MCO has picked the change up).
set -euo pipefail

: "${KUBECONFIG:?KUBECONFIG must point at the cluster}"
export KUBECONFIG
SSH_KEY=${SSH_KEY:?SSH_KEY: the private key for core@<node>}
SSH_PORT=${SSH_PORT:-22}
VARIANT=${VARIANT:?VARIANT: A (4.5–4.7) or B (4.8–4.16)}
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
kubectl get Network.config.openshift.io cluster -o yaml > cluster-ovn-kubernetes.yaml

if [ "$VARIANT" = A ]; then
  step annotate
  kubectl annotate Network.operator.openshift.io cluster \
    'networkoperator.openshift.io/network-migration'=""
fi

step pause
for pool in $POOLS; do
  kubectl patch MachineConfigPool "$pool" --type='merge' --patch \
    '{ "spec": { "paused": true } }'
done

if [ "$VARIANT" = B ]; then
  step clear-migration
  kubectl patch Network.operator.openshift.io cluster --type='merge' \
    --patch '{ "spec": { "migration": null } }'

  step migration
  kubectl patch Network.operator.openshift.io cluster --type='merge' \
    --patch '{ "spec": { "migration": { "networkType": "OpenShiftSDN" } } }'

  step wait-migration-status
  kubectl wait network.config/cluster --for=jsonpath='{.status.migration.networkType}'=OpenShiftSDN \
    --timeout="$WAIT_TIMEOUT"
fi

step network-type
kubectl patch Network.config.openshift.io cluster --type='merge' \
  --patch '{ "spec": { "networkType": "OpenShiftSDN" } }'

if [ -n "${MTU:-}${VXLAN_PORT:-}" ]; then
  step sdn-config
  fields=
  [ -n "${MTU:-}" ] && fields="\"mtu\":$MTU"
  [ -n "${VXLAN_PORT:-}" ] && fields="${fields:+$fields,}\"vxlanPort\":$VXLAN_PORT"
  kubectl patch Network.operator.openshift.io cluster --type=merge \
    --patch '{ "spec":{ "defaultNetwork":{ "openshiftSDNConfig":{ '"$fields"' }}}}'
fi

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
# Every master rebooting at once takes the API away until etcd has quorum again: keep asking.
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
for pool in $(kubectl get mcp -o jsonpath='{.items[*].metadata.name}'); do
  until rendered=$(kubectl get mcp "$pool" -o jsonpath='{.spec.configuration.name}') &&
    kubectl get machineconfig "$rendered" -o yaml | grep 'configure-ovs.sh OpenShiftSDN' > /dev/null; do
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

step network-status
kubectl get network.config/cluster -o jsonpath='{.status.networkType}{"\n"}'

step nodes
kubectl get nodes

step pods
kubectl get pods --all-namespaces -o wide --sort-by='{.spec.nodeName}'

step cleanup
if [ "$VARIANT" = B ]; then
  kubectl patch Network.operator.openshift.io cluster --type='merge' \
    --patch '{ "spec": { "migration": null } }'
  kubectl patch Network.operator.openshift.io cluster --type='merge' \
    --patch '{ "spec": { "defaultNetwork": { "ovnKubernetesConfig":null } } }'
else
  kubectl annotate Network.operator.openshift.io cluster \
    networkoperator.openshift.io/network-migration-
fi
kubectl delete namespace openshift-ovn-kubernetes

step done
