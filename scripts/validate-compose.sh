#!/usr/bin/env bash
# Validates docker-compose.yml in both modes (single node, and the cluster profile) without a
# Docker engine: `docker compose config` when the compose plugin is there, else Debian's docker-compose.
set -euo pipefail
cd "$(dirname "$0")/.."
if docker compose version >/dev/null 2>&1; then compose=(docker compose)
elif command -v docker-compose >/dev/null 2>&1; then compose=(docker-compose)
else echo "validate-compose: neither 'docker compose' nor 'docker-compose' is installed" >&2; exit 1; fi

export SAMVERKAN_ADMIN_KEY=validation-only
"${compose[@]}" config -q
"${compose[@]}" --profile cluster config -q
cluster=$("${compose[@]}" --profile cluster config --services | sort | tr '\n' ' ')
[ "$cluster" = "eventstoredb node1 node2 node3 samverkan samverkan-a samverkan-b " ] || { echo "unexpected services: $cluster" >&2; exit 1; }
# The three nodes and their two service instances belong to the cluster profile only.
for service in node1 node2 node3 samverkan-a samverkan-b; do
  "${compose[@]}" --profile cluster config | awk -v s="  $service:" '$0==s{f=1;next} /^  [a-z]/{f=0} f&&/profiles:/{p=1} END{exit p?0:1}' \
    || { echo "$service is not in the cluster profile" >&2; exit 1; }
done
# Checked appends (consistency checks) go through StreamsService.AppendRecords, which KurrentDB
# serves from 26.1 on: every server runs such an image (docs/scale-out.md, "The store").
for service in eventstoredb node1 node2 node3; do
  image=$("${compose[@]}" --profile cluster config | awk -v s="  $service:" '$0==s{f=1;next} /^  [a-z]/{f=0} f&&$1=="image:"&&!p{print $2; p=1}')
  if [[ "$image" =~ ^kurrentplatform/kurrentdb:([0-9]+)\.([0-9]+) ]] && (( BASH_REMATCH[1] > 26 || (BASH_REMATCH[1] == 26 && BASH_REMATCH[2] >= 1) )); then continue; fi
  echo "$service runs $image: it must be kurrentplatform/kurrentdb 26.1 or later (StreamsService.AppendRecords)" >&2; exit 1
done
# Without a key the stack must refuse to start rather than run open on 0.0.0.0.
if env -u SAMVERKAN_ADMIN_KEY "${compose[@]}" config -q 2>/dev/null; then echo "compose must require SAMVERKAN_ADMIN_KEY" >&2; exit 1; fi
echo "docker-compose.yml: single node and cluster profile valid (${compose[*]})"
