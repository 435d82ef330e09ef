#!/usr/bin/env python3
"""Step parity of the generated train.py with Kiln's own MLP training (run by scripts/test-scale.sh).

For each folder written by workers/lib/share/recipe/parity.gen.ts (a recipe plus parity.json: Kiln's
starting weights, batches, per-step losses and the weights after those steps), load that recipe's
train.py as a module, build its model, start it from Kiln's weights, take the same steps with its
optimiser, rate schedule, AdamW decay, loss and L2 penalty, and compare losses and final weights
(batch-norm moving statistics included). Exits 1 when any case differs by more than the tolerance.
"""
import importlib.util
import json
import os
import sys

import torch

TOLERANCE = 1e-4


def layer_values(names, values):
    """tfjs weights grouped by layer, in layer order: {suffix: flat values} per layer."""
    layers, order = {}, []
    for name, v in zip(names, values):
        layer, suffix = name.rsplit("/", 1)
        if layer not in layers:
            layers[layer] = {}
            order.append(layer)
        layers[layer][suffix] = v
    return [layers[layer] for layer in order]


def torch_layers(mod, model):
    return [m for m in model if isinstance(m, (torch.nn.Linear, mod.KilnBatchNorm))]


def load(mod, model, names, values):
    with torch.no_grad():
        for m, w in zip(torch_layers(mod, model), layer_values(names, values), strict=True):
            if isinstance(m, torch.nn.Linear):
                m.weight.copy_(torch.tensor(w["kernel"]).reshape(m.in_features, m.out_features).t())
                m.bias.copy_(torch.tensor(w["bias"]))
            else:
                m.weight.copy_(torch.tensor(w["gamma"]))
                m.bias.copy_(torch.tensor(w["beta"]))
                m.running_mean.copy_(torch.tensor(w["moving_mean"]))
                m.running_var.copy_(torch.tensor(w["moving_variance"]))


def largest_difference(mod, model, names, values, adam):
    """Largest absolute difference over the weights, and over the ones left out of it. A Dense
    bias in front of batch-norm has a zero gradient in exact arithmetic (normalising removes it),
    so Adam and AdamW turn its float noise into full-size steps, differently on either side; the
    running mean follows that bias. With those optimisers both are reported apart, not compared
    (SGD's cases compare them too). The losses compare what training computes either way."""
    worst = apart = 0.0
    mods, groups = torch_layers(mod, model), layer_values(names, values)
    for i, (m, w) in enumerate(zip(mods, groups, strict=True)):
        noisy = adam and i + 1 < len(mods) and isinstance(mods[i + 1], mod.KilnBatchNorm)
        if isinstance(m, torch.nn.Linear):
            pairs = [(m.weight.t().reshape(-1), w["kernel"], False), (m.bias, w["bias"], noisy)]
        else:
            pairs = [(m.weight, w["gamma"], False), (m.bias, w["beta"], False), (m.running_mean, w["moving_mean"], adam), (m.running_var, w["moving_variance"], False)]
        for mine, theirs, left_out in pairs:
            gap = (mine.detach().double() - torch.tensor(theirs, dtype=torch.float64)).abs().max().item()
            if left_out:
                apart = max(apart, gap)
            else:
                worst = max(worst, gap)
    return worst, apart


def check(folder):
    spec = importlib.util.spec_from_file_location("kiln_recipe_train", os.path.join(folder, "train.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    with open(os.path.join(folder, "recipe.json"), encoding="utf-8") as f:
        recipe = json.load(f)
    with open(os.path.join(folder, "parity.json"), encoding="utf-8") as f:
        p = json.load(f)
    config, training = recipe["config"], recipe["training"]
    mlp = training["mlp"]
    classification = recipe["preprocessing"]["target"]["task"] == "classification"
    model = mod.build_model(p["inputSize"], p["outputs"], config, mlp)
    load(mod, model, p["names"], p["init"])
    optimizer = mod.make_optimizer(model, config["learningRate"], mlp)
    weights = training["classWeights"]
    class_weights = torch.tensor(weights, dtype=torch.float32) if weights else None
    loss_gap = 0.0
    for s, b in enumerate(p["batches"]):
        rate = mod.rate_at(config["learningRate"], mlp, s // p["perEpoch"] + 1, s % p["perEpoch"], p["perEpoch"], p["epochs"])
        for group in optimizer.param_groups:
            group["lr"] = rate
        mod.decay_kernels(model, rate, mlp)
        xb = torch.tensor(b["x"], dtype=torch.float32).reshape(-1, p["inputSize"])
        yb = torch.tensor(b["y"], dtype=torch.int64 if classification else torch.float32)
        loss = mod.data_loss(model(xb), yb, classification, class_weights)
        optimizer.zero_grad()
        (loss + mod.l2_penalty(model, config["l2"])).backward()
        optimizer.step()
        loss_gap = max(loss_gap, abs(loss.item() - p["losses"][s]))
    adam = mlp["optimizer"] != "sgd"
    moved = largest_difference(mod, model, p["names"], p["init"], adam)[0]
    gap, apart = largest_difference(mod, model, p["names"], p["final"], adam)
    return loss_gap, gap, moved, apart


def main():
    root = sys.argv[1]
    failed = False
    for name in sorted(os.listdir(root)):
        folder = os.path.join(root, name)
        if not os.path.isfile(os.path.join(folder, "parity.json")):
            continue
        loss_gap, gap, moved, apart = check(folder)
        ok = loss_gap <= TOLERANCE and gap <= TOLERANCE
        failed |= not ok
        print("%s %s: largest loss difference %.2e, largest weight difference %.2e after the steps (weights moved up to %.3f)%s" % ("ok  " if ok else "FAIL", name, loss_gap, gap, moved, "; pre-batch-norm bias and running mean, not compared: %.2e" % apart if apart else ""), flush=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
