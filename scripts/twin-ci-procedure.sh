#!/bin/bash
# The offline SDN → OVN-Kubernetes migration the way OpenShift's own CI and the
# network.offline_migration_sdn_to_ovnk collection drive it, with `kubectl` for `oc`: condition waits
# (`wait mcp --all --for=condition=Updating=True`, then Updated), `wait co network
# --for=condition=Progressing=True` after the type switch, the multus rollout, every node rebooted at
# once, `wait node --all --for condition=ready` retried across the API outage that follows, and the
# ClusterOperator gate as three consecutive healthy passes PAUSE seconds apart (before the first
# change and at the end). 4.5–4.7 (annotation, paused pools) or 4.8+ (spec.migration), by version.
#
#   KUBECONFIG=<twin kubeconfigPath> SSH_KEY=<twin sshKeyPath> SSH_PORT=<twin sshPort> \
#     scripts/twin-ci-procedure.sh
#
# `### <step>` lines split the transcript. PAUSE (30) is the gap between health passes, WAIT_TIMEOUT
# (2700s) the longest any wait or retry loop may take, CHECK_TIMEOUT (10s) one kubectl wait in a loop.
set -uo pipefail

: "${KUBECONFIG:?KUBECONFIG must point at the cluster}"
export KUBECONFIG
SSH_KEY=${SSH_KEY:?SSH_KEY: the private key for core@<node>}
SSH_PORT=${SSH_PORT:-22}
WAIT_TIMEOUT=${WAIT_TIMEOUT:-2700s}
CHECK_TIMEOUT=${CHECK_TIMEOUT:-10s}
PAUSE=${PAUSE:-30}
limit=${WAIT_TIMEOUT%s}

step() { echo "### $1"; }
fail() {
  echo "FAILED: $1" >&2
  exit 1
}

# Runs "$@" until it succeeds, once a second, for at most WAIT_TIMEOUT (the API may be away).
retry() {
  local deadline=$((SECONDS + limit))
  until "$@"; do
    [ "$SECONDS" -lt "$deadline" ] || fail "gave up after $WAIT_TIMEOUT: $*"
    sleep 1
  done
}

co_healthy() {
  kubectl wait co --all --for=condition=Available=True --timeout="$CHECK_TIMEOUT" > /dev/null &&
    kubectl wait co --all --for=condition=Progressing=False --timeout="$CHECK_TIMEOUT" > /dev/null &&
    kubectl wait co --all --for=condition=Degraded=False --timeout="$CHECK_TIMEOUT" > /dev/null
}

# Three consecutive healthy passes PAUSE seconds apart: one green pass may fall between two flaps.
co_gate() {
  local passes=0 unhealthy=0 deadline=$((SECONDS + limit))
  while [ "$passes" -lt 3 ]; do
    if co_healthy; then
      passes=$((passes + 1))
      echo "operators healthy: pass $passes of 3"
    else
      [ "$passes" -gt 0 ] && echo "operators not healthy after $passes pass(es): starting over"
      passes=0
      unhealthy=$((unhealthy + 1))
    fi
    [ "$SECONDS" -lt "$deadline" ] || fail "operators not healthy three times in a row within $WAIT_TIMEOUT"
    [ "$passes" -lt 3 ] && sleep "$PAUSE"
  done
  echo "operators healthy three times in a row (unhealthy checks before: $unhealthy)"
}

mcp_updated() {
  kubectl wait mcp --all --for=condition=Updated=True --timeout="$CHECK_TIMEOUT" > /dev/null &&
    kubectl wait mcp --all --for=condition=Updating=False --timeout="$CHECK_TIMEOUT" > /dev/null &&
    kubectl wait mcp --all --for=condition=Degraded=False --timeout="$CHECK_TIMEOUT" > /dev/null
}

# Pools first go Updating=True (the change has started), only then is Updated=True worth waiting for.
wait_mco() {
  kubectl wait mcp --all --for=condition=Updating=True --timeout="$WAIT_TIMEOUT" || fail "MCO never started"
  retry mcp_updated
  echo "every pool updated"
  kubectl get mcp
}

version=$(kubectl get clusterversion version -o jsonpath='{.status.desired.version}') || fail "no version"
minor=$(echo "$version" | cut -d. -f2)
echo "OpenShift $version"

step gate
co_gate

if [ "$minor" -le 7 ]; then
  step annotate
  kubectl annotate Network.operator.openshift.io cluster 'networkoperator.openshift.io/network-migration'=""
  step pause
  for pool in $(kubectl get mcp -o jsonpath='{.items[*].metadata.name}'); do
    kubectl patch mcp "$pool" --type=merge --patch '{"spec":{"paused":true}}'
  done
else
  step migration
  kubectl patch Network.operator.openshift.io cluster --type=merge \
    --patch '{"spec":{"migration":{"networkType":"OVNKubernetes"}}}'
  step wait-mco
  wait_mco
fi

step network-type
kubectl patch Network.config.openshift.io cluster --type=merge --patch '{"spec":{"networkType":"OVNKubernetes"}}'
kubectl wait co network --for=condition=Progressing=True --timeout=60s || fail "CNO never started"

step multus
kubectl -n openshift-multus rollout status daemonset/multus --timeout="$WAIT_TIMEOUT" || fail "multus"

step reboot
ips=$(kubectl get nodes -o jsonpath='{.items[*].status.addresses[?(@.type=="InternalIP")].address}')
for ip in $ips; do
  ssh -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR \
    -i "$SSH_KEY" -p "$SSH_PORT" "core@$ip" sudo shutdown -r -t 3 &
done
wait
echo "reboot sent to $(echo "$ips" | wc -w) nodes"

step wait-nodes
# The nodes are Ready until they go down: first see the reboot begin (a node NotReady, or the API gone
# because every master is down), only then wait for all of them to be Ready again.
began() {
  local out
  out=$(kubectl get nodes --no-headers 2>&1) || {
    echo "API unavailable: ${out%%$'\n'*}"
    return 0
  }
  grep -q NotReady <<< "$out"
}
retry began
retry kubectl wait node --all --for condition=ready --timeout="$CHECK_TIMEOUT"

if [ "$minor" -le 7 ]; then
  step unpause
  for pool in $(kubectl get mcp -o jsonpath='{.items[*].metadata.name}'); do
    retry kubectl patch mcp "$pool" --type=merge --patch '{"spec":{"paused":false}}'
  done
  step wait-mco
  wait_mco
fi

step verify
kubectl get network.config/cluster -o jsonpath='{.status.networkType}{"\n"}'
co_gate
kubectl get co

step done
