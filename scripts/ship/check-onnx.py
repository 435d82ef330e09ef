#!/usr/bin/python3
"""Validate every .onnx file in a folder with the reference ONNX checker (Debian python3-onnx).

Usage: /usr/bin/python3 scripts/ship/check-onnx.py [/tmp/kiln-onnx]
Write the files first: KILN_ONNX_DIR=/tmp/kiln-onnx npx vitest run -c scripts/ship/vitest.config.ts onnx-samples
"""
import pathlib
import sys

import onnx

folder = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/kiln-onnx")
files = sorted(folder.glob("*.onnx"))
if not files:
    sys.exit(f"no .onnx files in {folder}")
failed = 0
for path in files:
    model = onnx.load(str(path))
    try:
        onnx.checker.check_model(model, full_check=True)  # full_check also runs strict shape inference
        opsets = ", ".join(f"{o.domain or 'ai.onnx'} {o.version}" for o in model.opset_import)
        print(f"ok    {path.name:40s} ir {model.ir_version}, {opsets}, {len(model.graph.node)} nodes")
    except Exception as error:  # noqa: BLE001 - report every file, then fail
        failed += 1
        print(f"FAIL  {path.name}: {error}")
print(f"onnx {onnx.__version__}: {len(files) - failed}/{len(files)} files pass the checker")
sys.exit(1 if failed else 0)
