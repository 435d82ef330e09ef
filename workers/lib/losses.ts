import * as tf from '@tensorflow/tfjs-core';

/**
 * Mean softmax cross-entropy of logits [n, classes] against one-hot labels: the value
 * tf.losses.softmaxCrossEntropy gives with its defaults, from the same kernels in the same
 * order, so it is bit-identical. Only the gradient is shorter. tfjs builds it from the
 * reduction's gradient (a division, a reshape, a fill and a multiply) and also works out the
 * gradient for the labels, which nothing uses; here it is (softmax − labels) · dy/n directly.
 * dy/n equals the 1/n that tfjs's chain yields, so the gradient is bit-identical too.
 */
export function softmaxCrossEntropy(labels: tf.Tensor2D, logits: tf.Tensor2D): tf.Scalar {
	const n = logits.shape[0];
	// Labels are captured, not passed in: customGrad would have to return a gradient for them.
	const op = tf.customGrad((...args) => {
		const [x, save] = args as [tf.Tensor2D, tf.GradSaveFunc];
		const logSoftmax = tf.sub(x, tf.logSumExp(x, 1, true));
		save([logSoftmax]);
		const perRow = tf.sum(tf.neg(tf.mul(logSoftmax, labels)), 1);
		return {
			value: tf.div(tf.sum(perRow), n),
			gradFunc: (dy, [saved]) => tf.mul(tf.sub(tf.exp(saved), labels), tf.div(dy, n))
		};
	});
	return op(logits) as tf.Scalar;
}

/** One-hot float32 labels built on the host: one upload instead of an upload and a OneHot kernel. */
export function oneHotTensor(labels: ArrayLike<number>, classes: number): tf.Tensor2D {
	const values = new Float32Array(labels.length * classes);
	for (let i = 0; i < labels.length; i++) {
		const label = labels[i];
		// tf.oneHot leaves a row of zeros for an out-of-range index; so does this.
		if (label >= 0 && label < classes) values[i * classes + label] = 1;
	}
	return tf.tensor2d(values, [labels.length, classes]);
}
