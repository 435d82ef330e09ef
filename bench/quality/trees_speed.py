"""scikit-learn side of bench/quality/trees-speed.mjs: same CSV, same settings; n_jobs from argv (-1 = all cores;
the caller also sets OMP_NUM_THREADS=1 for the one-thread run, which HistGradientBoosting follows)."""
import json, os, sys, time
import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier

path, n_train, repeats, jobs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
data = np.loadtxt(path, delimiter=",", skiprows=1, dtype=np.float32)
x, y = data[:, :-1], data[:, -1].astype(np.int64)
xt, yt, xv, yv = x[:n_train], y[:n_train], x[n_train:], y[n_train:]

def clock(f):
    """Wall seconds and CPU seconds summed over all threads of this process."""
    wall, cpu = time.perf_counter(), time.process_time()
    f()
    return time.perf_counter() - wall, time.process_time() - cpu

def timed(make):
    fits, predicts, acc = [], [], None
    for _ in range(repeats):
        model = make()
        fits.append(clock(lambda: model.fit(xt, yt)))
        predicts.append(clock(lambda: model.predict_proba(xt)))
        acc = float((model.predict(xv) == yv).mean())
    fit, predict = min(fits), min(predicts)
    nodes = sum(t.tree_.node_count for t in model.estimators_) if hasattr(model, "estimators_") else None
    return {"nodes": nodes, "fit": fit[0], "fitCpu": fit[1], "predict": predict[0], "predictCpu": predict[1], "accuracy": acc}

out = {
    "cpus": os.cpu_count(),
    "forest": timed(lambda: RandomForestClassifier(n_estimators=100, n_jobs=jobs, random_state=0)),
    "boosting": timed(lambda: HistGradientBoostingClassifier(max_iter=100, early_stopping=False, random_state=0)),
}
print(json.dumps(out))
