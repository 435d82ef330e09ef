#!/usr/bin/env bash
# Beyond one machine: export the iris demo as a training recipe (Parquet shards + train.py), train it
# with PyTorch DistributedDataParallel under torchrun (2 CPU processes, gloo), import the weights
# back into Kiln and compare the holdout accuracy with Kiln's own seeded run.
# Installs Debian's python3-torch when missing, so it stays outside `npm test`.
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
GEN=(npx vitest run --config workers/lib/share/vitest.gen.config.ts scale)
KILN_SCALE_DIR="$DIR" "${GEN[@]}" -t export
# Debian's torch 1.13 on Python 3.11 cannot parse its own default "--redirects 0 --tee 0" (0 is no
# longer an iterable Flag member), so stdout is tee'd and stderr kept in log files, shown on failure.
(
	cd "$DIR"
	export OMP_NUM_THREADS=1
	"$PY" -m torch.distributed.run --nproc_per_node=2 --tee 1 --redirects 2 --log_dir "$DIR/logs" train.py --backend gloo || {
		find "$DIR/logs" -name 'stderr.log' -exec cat {} + >&2
		exit 1
	}
)
KILN_SCALE_DIR="$DIR" "${GEN[@]}" -t import
