# scikit-learn's batch prediction on the rows forest-predict.mjs times (fit not timed): all cores and one.
import sys, time, os
import numpy as np
from sklearn.ensemble import RandomForestClassifier, HistGradientBoostingClassifier

path, trees, repeats = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
data = np.loadtxt(path, delimiter=',', skiprows=1, dtype=np.float32)
x, y = data[:, :-1], data[:, -1].astype(int)

def best(f):
    out = []
    for _ in range(repeats):
        w, c = time.perf_counter(), time.process_time()
        f()
        out.append((time.process_time() - c, time.perf_counter() - w))
    return min(out)

forest = RandomForestClassifier(n_estimators=trees, random_state=1, n_jobs=-1).fit(x, y)
boosting = HistGradientBoostingClassifier(max_iter=trees, early_stopping=False, random_state=1).fit(x, y)
for name, model in (('forest', forest), ('boosting', boosting)):
    model.set_params(n_jobs=-1) if name == 'forest' else None
    cpu, wall = best(lambda: model.predict_proba(x))
    if name == 'forest':
        model.set_params(n_jobs=1)
    cpu1, wall1 = best(lambda: model.predict_proba(x))
    print(f"scikit-learn {name:8} predict_proba on {os.cpu_count()} cores: {cpu:.3f} s CPU ({wall:.3f} s wall); n_jobs=1: {cpu1:.3f} s CPU ({wall1:.3f} s wall)" + (" (boosting: OpenMP threads both times)" if name == 'boosting' else ''))
