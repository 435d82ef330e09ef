"""scikit-learn side of bench/quality/run.mjs: the same encoded train/test arrays, per dataset and seed."""
import json, os, sys, time, warnings
import numpy as np
import sklearn
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor, RandomForestClassifier, RandomForestRegressor
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.neural_network import MLPClassifier, MLPRegressor

warnings.filterwarnings("ignore")
manifest = json.load(open(sys.argv[1]))

def models(task, seed):
    if task == "classification":
        return {
            "linear": LogisticRegression(max_iter=1000),
            "forest": RandomForestClassifier(n_estimators=100, random_state=seed, n_jobs=-1),
            "boosting": HistGradientBoostingClassifier(random_state=seed),
            "mlp": MLPClassifier(max_iter=1000, random_state=seed),
        }
    return {
        "linear": LinearRegression(),
        "forest": RandomForestRegressor(n_estimators=100, random_state=seed, n_jobs=-1),
        "boosting": HistGradientBoostingRegressor(random_state=seed),
        "mlp": MLPRegressor(max_iter=2000, random_state=seed),
    }

results, seconds = {}, {}
for entry in manifest:
    base, d, task = entry["base"], entry["d"], entry["task"]
    ytype = np.int32 if task == "classification" else np.float32
    xt = np.fromfile(base + "-xtrain.f32", dtype=np.float32).reshape(entry["nTrain"], d)
    xv = np.fromfile(base + "-xtest.f32", dtype=np.float32).reshape(entry["nTest"], d)
    yt = np.fromfile(base + "-ytrain." + ("i32" if task == "classification" else "f32"), dtype=ytype)
    yv = np.fromfile(base + "-ytest." + ("i32" if task == "classification" else "f32"), dtype=ytype)
    for name, model in models(task, entry["seed"]).items():
        started = time.perf_counter()
        model.fit(xt, yt)
        score = model.score(xv, yv)  # accuracy or R²
        seconds[name] = seconds.get(name, 0) + time.perf_counter() - started
        results.setdefault(entry["dataset"], {}).setdefault(name, []).append(float(score))
print(json.dumps({"results": results, "seconds": seconds, "version": sklearn.__version__, "cpus": os.cpu_count()}))
