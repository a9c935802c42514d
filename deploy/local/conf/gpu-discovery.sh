#!/usr/bin/env bash
# GPU discovery for Flink's external resource framework (flink-external-resource-gpu).
# Called as: gpu-discovery.sh <amount> [args...]; prints the indexes of <amount> GPUs, comma-separated.
# Each TaskManager on a host takes the next free GPU: a lock file per index under ${MUNINN_GPU_LOCK_DIR:-/tmp}
# holds the PID of the TaskManager that owns it (the script's parent), so a dead TaskManager's GPU is reused.
set -euo pipefail
amount="${1:?amount}"
lock_dir="${MUNINN_GPU_LOCK_DIR:-/tmp/muninn-gpu-locks}"
mkdir -p "$lock_dir"
command -v nvidia-smi >/dev/null || { echo "gpu-discovery: nvidia-smi not found" >&2; exit 1; }
mapfile -t all < <(nvidia-smi --query-gpu=index --format=csv,noheader)
owner="$PPID"
taken=()
for index in "${all[@]}"; do
  [ "${#taken[@]}" -ge "$amount" ] && break
  lock="$lock_dir/gpu-$index"
  if [ -f "$lock" ] && kill -0 "$(cat "$lock")" 2>/dev/null && [ "$(cat "$lock")" != "$owner" ]; then
    continue
  fi
  echo "$owner" > "$lock"
  taken+=("$index")
done
if [ "${#taken[@]}" -lt "$amount" ]; then
  echo "gpu-discovery: wanted $amount GPU(s), found ${#taken[@]} free of ${#all[@]}" >&2
  exit 1
fi
(IFS=,; echo "${taken[*]}")
