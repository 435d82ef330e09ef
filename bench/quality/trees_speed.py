"""scikit-learn side of bench/quality/trees-speed.mjs: same CSV, same settings, all cores."""
import json, os, sys, time
import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier

path, n_train, repeats = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
data = np.loadtxt(path, delimiter=",", skiprows=1, dtype=np.float32)
x, y = data[:, :-1], data[:, -1].astype(np.int64)
xt, yt, xv, yv = x[:n_train], y[:n_train], x[n_train:], y[n_train:]

def timed(make):
    fits, predicts, acc = [], [], None
    for _ in range(repeats):
        model = make()
        t = time.perf_counter(); model.fit(xt, yt); fits.append(time.perf_counter() - t)
        t = time.perf_counter(); model.predict_proba(xt); predicts.append(time.perf_counter() - t)
        acc = float((model.predict(xv) == yv).mean())
    return {"fit": min(fits), "predict": min(predicts), "accuracy": acc}

out = {
    "cpus": os.cpu_count(),
    "forest": timed(lambda: RandomForestClassifier(n_estimators=100, n_jobs=-1, random_state=0)),
    "boosting": timed(lambda: HistGradientBoostingClassifier(max_iter=100, early_stopping=False, random_state=0)),
}
print(json.dumps(out))
