#!/usr/bin/env bash
# Beyond one machine: export demo runs as training recipes (Parquet shards + train.py), one per
# option combination in workers/lib/share/recipe/scale.spec-support.ts (every MLP option: the five
# activations, dropout, batch-norm, Adam/AdamW/SGD, step/cosine schedules with warm-up, early
# stopping, class weights, over-sampling, classification and regression); train each with PyTorch
# DistributedDataParallel under torchrun (2 CPU processes, gloo); import the weights back into Kiln
# and compare the holdout metric with Kiln's own seeded run. Before that, recipe-parity.py checks
# that train.py's layers, optimisers and schedule take the same steps as Kiln's from the same weights.
# Installs Debian's python3-torch when missing, so it stays outside `npm test`.
#   bash scripts/test-scale.sh            (all cases)
#   KILN_SCALE_CASE=iris-default bash scripts/test-scale.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PY=/usr/bin/python3
if ! "$PY" -c 'import torch, numpy' 2>/dev/null; then
	apt-get update
	apt-get install -y python3-torch python3-numpy
fi
"$PY" -c 'import torch; print("torch", torch.__version__)'
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
GEN=(npx vitest run --config workers/lib/share/vitest.gen.config.ts)
export OMP_NUM_THREADS=1
KILN_SCALE_DIR="$DIR/parity" "${GEN[@]}" parity
"$PY" scripts/recipe-parity.py "$DIR/parity"
KILN_SCALE_DIR="$DIR" "${GEN[@]}" scale -t export
# Debian's torch 1.13 on Python 3.11 cannot parse its own default "--redirects 0 --tee 0" (0 is no
# longer an iterable Flag member), so stdout is tee'd and stderr kept in log files, shown on failure.
# A run that hangs (a collective never answered) fails after 15 minutes instead of waiting forever.
for CASE in "$DIR"/*/; do
	[ -f "$CASE/train.py" ] || continue
	echo "== torchrun: $(basename "$CASE")"
	(
		cd "$CASE"
		timeout 900 "$PY" -m torch.distributed.run --nproc_per_node=2 --tee 1 --redirects 2 --log_dir "$CASE/logs" train.py --backend gloo || {
			find "$CASE/logs" -name 'stderr.log' -exec cat {} + >&2
			exit 1
		}
	)
done
KILN_SCALE_DIR="$DIR" "${GEN[@]}" scale -t import
