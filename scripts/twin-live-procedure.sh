#!/usr/bin/env bash
# The limited live migration of OpenShift 4.15–4.16 (procedures.md "Variant C", the 4.16 documentation
# "Initiating the limited live migration process"), kubectl for oc, as a person or a CI job runs it
# against a twin: set the annotation, switch the type, follow the five NetworkTypeMigration*
# conditions with `kubectl wait`, then remove the annotation. The annotation and the type are two
# commands here (the documentation uses one merge patch for both): a CNO that sees the annotation
# alone reports InProgress=False/Completed, so a script must see InProgress=True before it waits
# for False. TARGET=OpenShiftSDN runs the live rollback. Prints `### <step>` before each step.
set -euo pipefail
TARGET=${TARGET:-OVNKubernetes}
WAIT=${WAIT_TIMEOUT:-120s}
NC=network.config.openshift.io/cluster
step() { echo "### $1"; }
wait_for() { kubectl wait "$NC" --for="condition=$1" --timeout="$WAIT"; }

step annotate
kubectl annotate network.config cluster network.openshift.io/network-type-migration=""
step patch
kubectl patch Network.config.openshift.io cluster --type=merge --patch "{\"spec\":{\"networkType\":\"$TARGET\"}}"
step wait-started
wait_for NetworkTypeMigrationInProgress=True
step wait-target-cni
wait_for NetworkTypeMigrationTargetCNIAvailable=True
step wait-mtu
wait_for NetworkTypeMigrationMTUReady=True
step wait-target-in-use
wait_for NetworkTypeMigrationTargetCNIInUse=True
step wait-completed
wait_for NetworkTypeMigrationInProgress=False
step conditions
kubectl get network.config cluster \
  -o jsonpath='{range .status.conditions[*]}{.type}{" "}{.status}{" "}{.reason}{"\n"}{end}'
step network-type
kubectl get network.config cluster -o jsonpath='{.status.networkType}{"\n"}'
step remove-annotation
kubectl annotate network.config cluster network.openshift.io/network-type-migration-
step mcp
kubectl get mcp
step done
