# scikit-learn's batch prediction on the rows forest-predict.mjs times. "prepare" fits and pickles
# the models (not timed); "time" loads them and times predict_proba, all cores and one thread.
import os, pickle, sys, time
import numpy as np
from sklearn.ensemble import RandomForestClassifier, HistGradientBoostingClassifier

path, trees, repeats, mode = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
data = np.loadtxt(path, delimiter=',', skiprows=1, dtype=np.float32)
x, y = data[:, :-1], data[:, -1].astype(int)
cache = f"{path}.{trees}.sklearn.pickle"
if mode == 'prepare':
    forest = RandomForestClassifier(n_estimators=trees, random_state=1, n_jobs=-1).fit(x, y)
    boosting = HistGradientBoostingClassifier(max_iter=trees, early_stopping=False, random_state=1).fit(x, y)
    with open(cache, 'wb') as f:
        pickle.dump((forest, boosting), f)
    print(f"scikit-learn models cached in {cache}")
    sys.exit(0)
with open(cache, 'rb') as f:
    forest, boosting = pickle.load(f)

def best(f):
    out = []
    for _ in range(repeats):
        w, c = time.perf_counter(), time.process_time()
        f()
        out.append((time.process_time() - c, time.perf_counter() - w))
    return min(out)

for name, model in (('forest', forest), ('boosting', boosting)):
    if name == 'forest':
        model.set_params(n_jobs=-1)
    cpu, wall = best(lambda: model.predict_proba(x))
    line = f"scikit-learn {name:8} predict_proba on {os.cpu_count()} cores: {cpu:.3f} s CPU ({wall:.3f} s wall)"
    if name == 'forest':
        model.set_params(n_jobs=1)
        cpu1, wall1 = best(lambda: model.predict_proba(x))
        line += f"; n_jobs=1: {cpu1:.3f} s CPU ({wall1:.3f} s wall)"
    print(line)
