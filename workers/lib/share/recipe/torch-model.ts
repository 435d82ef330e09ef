import type { MlpActivation } from '$shared/mlp-options';

/**
 * PyTorch's module for each activation Kiln's MLP offers, as tfjs defines it. Typed over every
 * MlpActivation, so an activation added to Kiln without a mapping here fails to compile rather
 * than export a different network.
 */
export const TORCH_ACTIVATIONS: Record<MlpActivation, string> = {
	relu: 'nn.ReLU()',
	tanh: 'nn.Tanh()',
	sigmoid: 'nn.Sigmoid()',
	// tf.elu: alpha 1.
	elu: 'nn.ELU(alpha=1.0)',
	// Kiln's gelu is the exact erf form x·Φ(x) (mlp/forward.ts), not the tanh approximation.
	gelu: 'nn.GELU(approximate="none")'
};

/**
 * The model half of train.py: Kiln's layer stack, initialisers, batch-norm, optimisers, rate
 * schedule and losses, each written to compute what Kiln's tfjs training computes:
 * - heNormal is tfjs's truncated normal (std √(2/fan_in), redrawn beyond 2 std), glorotUniform is
 *   torch's xavier_uniform_; biases start at 0.
 * - batch-norm (Dense → BatchNorm → activation → dropout) normalises with the batch's biased
 *   variance and moves running mean / unbiased variance 10 % per step (tfjs momentum 0.9 = torch
 *   momentum 0.1, epsilon 1e-5). Over several processes the statistics are the global batch's
 *   (all-reduced, with gradients), as one machine sees it; torch 1.x's SyncBatchNorm needs CUDA.
 * - dropout is inverted (Keras and torch alike: kept units scaled by 1/(1−rate) in training).
 * - Adam with tfjs's epsilon 1e-7; AdamW is that Adam plus decoupled decay of the Dense kernels
 *   only (w ← w·(1 − rate·decay), before the step's gradient, as Kiln's mlp/step.ts does it);
 *   SGD is torch's SGD with the same momentum / Nesterov update as tf.train.momentum.
 * - the rate is set before every step from the same pure function as mlp/schedule.ts.
 */
export const MODEL_PY = String.raw`
ACTIVATIONS = {
${Object.entries(TORCH_ACTIVATIONS)
	.map(([name, module]) => `    "${name}": lambda: ${module},`)
	.join('\n')}
}


# Batch-norm statistics travel in their own process group (set by main when there are several
# processes), so they never interleave with DDP's gradient all-reduces on the default group.
SYNC = {"group": None}


class KilnBatchNorm(nn.Module):
    """tfjs batchNormalization({momentum: 0.9, epsilon: 1e-5}) as Kiln trains it, over the global batch."""

    def __init__(self, units, momentum=0.1, eps=1e-5):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(units))
        self.bias = nn.Parameter(torch.zeros(units))
        self.register_buffer("running_mean", torch.zeros(units))
        self.register_buffer("running_var", torch.ones(units))
        self.momentum, self.eps = momentum, eps

    def forward(self, x):
        if not self.training:
            return (x - self.running_mean) / torch.sqrt(self.running_var + self.eps) * self.weight + self.bias
        count = torch.tensor([float(x.shape[0])], device=x.device)
        total = x.sum(0)
        group = SYNC["group"]
        if group is not None:
            dist.all_reduce(count, group=group)
            total = dist_nn.all_reduce(total, group=group)
        mean = total / count
        centred = x - mean
        squares = (centred * centred).sum(0)
        if group is not None:
            squares = dist_nn.all_reduce(squares, group=group)
        var = squares / count
        n = count.item()
        with torch.no_grad():
            unbiased = var * (n / (n - 1)) if n > 1 else var
            self.running_mean.mul_(1 - self.momentum).add_(mean.detach() * self.momentum)
            self.running_var.mul_(1 - self.momentum).add_(unbiased.detach() * self.momentum)
        return centred / torch.sqrt(var + self.eps) * self.weight + self.bias


def he_normal_(weight):
    """tfjs heNormal: a normal of std sqrt(2 / fan_in), values beyond 2 std redrawn."""
    std = math.sqrt(2.0 / max(1, weight.shape[1]))
    nn.init.trunc_normal_(weight, 0.0, std, -2.0 * std, 2.0 * std)


def build_model(inputs, outputs, config, mlp):
    """Kiln's dense stack (workers/lib/model.ts): Dense [→ BatchNorm] → activation [→ Dropout] per hidden layer."""
    hidden = list(config["hiddenLayers"]) if config["model"] == "mlp" else []
    activation = mlp["activation"]
    dropout = mlp["dropout"]
    layers, size = [], inputs
    for i, units in enumerate(hidden):
        linear = nn.Linear(size, units)
        nn.init.zeros_(linear.bias)
        if activation in ("tanh", "sigmoid"):
            nn.init.xavier_uniform_(linear.weight)
        else:
            he_normal_(linear.weight)
        layers.append(linear)
        if mlp["batchNorm"]:
            layers.append(KilnBatchNorm(units))
        layers.append(ACTIVATIONS[activation]())
        rate = dropout[0] if len(dropout) == 1 else (dropout[i] if i < len(dropout) else 0)
        if rate > 0:
            layers.append(nn.Dropout(rate))
        size = units
    out = nn.Linear(size, outputs)
    nn.init.xavier_uniform_(out.weight)
    nn.init.zeros_(out.bias)
    layers.append(out)
    return nn.Sequential(*layers)


def make_optimizer(module, base, mlp):
    if mlp["optimizer"] == "sgd":
        return torch.optim.SGD(module.parameters(), lr=base, momentum=mlp["momentum"], nesterov=mlp["nesterov"])
    # AdamW's decay is applied by decay_kernels before each step; its moments are Adam's.
    return torch.optim.Adam(module.parameters(), lr=base, betas=(0.9, 0.999), eps=1e-7)


def decay_kernels(module, rate, mlp):
    """AdamW's decoupled weight decay on the Dense kernels only (not biases or batch-norm), as Kiln applies it."""
    if mlp["optimizer"] != "adamw" or mlp["weightDecay"] <= 0:
        return
    with torch.no_grad():
        for m in module.modules():
            if isinstance(m, nn.Linear):
                m.weight.mul_(1 - rate * mlp["weightDecay"])


def rate_at(base, mlp, epoch, batch, per_epoch, epochs):
    """workers/lib/mlp/schedule.ts learningRateAt: warm-up per step, then step decay or cosine to 0."""
    step = (epoch - 1) * per_epoch + batch
    warm = mlp["warmupEpochs"] * per_epoch
    if step < warm:
        return base * (step + 1) / warm
    if mlp["schedule"] == "step":
        return base * mlp["stepFactor"] ** ((epoch - 1 - mlp["warmupEpochs"]) // mlp["stepEvery"])
    if mlp["schedule"] == "cosine":
        total = epochs * per_epoch - warm
        progress = (step - warm) / total if total > 0 else 0
        return 0.5 * base * (1 + math.cos(math.pi * progress))
    return base


def data_loss(out, target_batch, classification, class_weights):
    """Mean cross-entropy on logits (weighted: sum(w·ce) / sum(w), as Kiln's row weights), or MSE on the standardised target."""
    if classification:
        return nn.functional.cross_entropy(out, target_batch, weight=class_weights)
    return nn.functional.mse_loss(out[:, 0], target_batch)


def l2_penalty(module, l2):
    if l2 == 0:
        return 0.0
    return l2 * sum((m.weight ** 2).sum() for m in module.modules() if isinstance(m, nn.Linear))
`;
