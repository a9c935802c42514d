#!/usr/bin/env bash
# GPU discovery for Flink's external resource framework (flink-external-resource-gpu).
# Called as: gpu-discovery.sh <amount> [args...]; prints the indexes of <amount> GPUs, comma-separated.
# Each TaskManager on a host takes the next free GPU: a lock file per index under ${MUNINN_GPU_LOCK_DIR:-/tmp}
# holds the PID of the TaskManager that owns it (the script's parent), so a dead TaskManager's GPU is reused.
set -euo pipefail
amount="${1:?amount}"
lock_dir="${MUNINN_GPU_LOCK_DIR:-/tmp/muninn-gpu-locks}"
mkdir -p "$lock_dir"
if [ -n "${MUNINN_GPU_INDEXES:-}" ]; then
  # The GPUs to hand out, instead of asking nvidia-smi: for hosts that hide some GPUs, and for the cluster test on
  # machines without any (which checks the plugin, this script and the operator's use of the index).
  IFS=, read -ra all <<< "$MUNINN_GPU_INDEXES"
else
  command -v nvidia-smi >/dev/null || { echo "gpu-discovery: nvidia-smi not found" >&2; exit 1; }
  mapfile -t all < <(nvidia-smi --query-gpu=index --format=csv,noheader)
fi
owner="$PPID"
taken=()
for index in "${all[@]}"; do
  [ "${#taken[@]}" -ge "$amount" ] && break
  lock="$lock_dir/gpu-$index"
  holder="$(cat "$lock" 2>/dev/null || true)"
  if [ -n "$holder" ] && [ "$holder" != "$owner" ] && ! kill -0 "$holder" 2>/dev/null; then
    rm -f "$lock"   # its TaskManager is gone
  fi
  # noclobber makes taking a lock atomic: of two TaskManagers starting at once, one gets each GPU.
  if [ "$holder" = "$owner" ] || (set -o noclobber; echo "$owner" > "$lock") 2>/dev/null; then
    taken+=("$index")
  fi
done
if [ "${#taken[@]}" -lt "$amount" ]; then
  echo "gpu-discovery: wanted $amount GPU(s), found ${#taken[@]} free of ${#all[@]}" >&2
  exit 1
fi
(IFS=,; echo "${taken[*]}")
