/**
 * Reference values computed once with Debian's python3-sklearn 1.2.1 (numpy float32
 * probabilities, like Kiln's) by the script below, pasted as constants so the specs need no Python.
 *
 *   bin:  y = [0,0,1,1,0,1,1,0,1,0], p1 = [.1,.4,.35,.8,.4,.9,.4,.2,.65,.7] (float32),
 *         P = [1−p1, p1], w = [1,2,1,1,.5,1,2,1,1,1]
 *   mc:   ym, Pm, wm as in MULTICLASS below
 *   reg:  yt = [3,−.5,2,7,0,4.5], yp = [2.5,0,2,8,.3,4], wr = [1,2,1,.5,1,1]
 *   roc_auc_score, average_precision_score, log_loss, brier_score_loss,
 *   calibration_curve(n_bins=5), roc_curve(drop_intermediate=False), precision_recall_curve,
 *   precision_recall_fscore_support, balanced_accuracy_score, confusion_matrix,
 *   mean_squared_error(squared=False), mean_absolute_error, r2_score, median_absolute_error,
 *   max_error, mean_absolute_percentage_error (on the non-zero truths).
 */
export const BINARY = {
	truth: [0, 0, 1, 1, 0, 1, 1, 0, 1, 0],
	p1: [0.1, 0.4, 0.35, 0.8, 0.4, 0.9, 0.4, 0.2, 0.65, 0.7],
	weights: [1, 2, 1, 1, 0.5, 1, 2, 1, 1, 1]
};

export const MULTICLASS = {
	truth: [0, 1, 2, 2, 1, 0, 0, 2, 1, 1, 2, 0],
	probabilities: [
		[0.7, 0.2, 0.1], [0.3, 0.4, 0.3], [0.2, 0.2, 0.6], [0.1, 0.5, 0.4], [0.6, 0.3, 0.1], [0.5, 0.25, 0.25],
		[0.3, 0.3, 0.4], [0.05, 0.15, 0.8], [0.2, 0.6, 0.2], [0.34, 0.33, 0.33], [0.3, 0.3, 0.4], [0.9, 0.05, 0.05]
	],
	weights: [1, 1, 2, 1, 1, 0.5, 1, 1, 3, 1, 1, 1]
};

export const REGRESSION = {
	truth: [3.0, -0.5, 2.0, 7.0, 0.0, 4.5],
	predicted: [2.5, 0.0, 2.0, 8.0, 0.3, 4.0],
	weights: [1, 2, 1, 0.5, 1, 1]
};

export const SKLEARN = {
	bin_auc: 0.76,
	bin_auc_w: 0.7272727272727273,
	bin_ap: 0.7892857142857144,
	bin_ap_w: 0.7596749226006192,
	bin_logloss: 0.5279527901046094,
	bin_logloss_w: 0.5609766443507712,
	bin_brier: 0.18150000116229073,
	bin_brier_w: 0.1960869571177857,
	bin_cal_true: [0.0, 0.5, 0.3333333333333333, 0.5, 1.0],
	bin_cal_pred: [0.10000000149011612, 0.2749999985098839, 0.4000000059604645, 0.6749999821186066, 0.8499999940395355],
	bin_acc: 0.7,
	bin_bacc: 0.7,
	bin_f1_macro: 0.6969696969696968,
	bin_roc_fpr: [0.0, 0.0, 0.0, 0.2, 0.2, 0.6, 0.6, 0.8, 1.0],
	bin_roc_tpr: [0.0, 0.2, 0.4, 0.4, 0.6, 0.8, 1.0, 1.0, 1.0],
	bin_pr_precision: [0.5, 0.5555555555555556, 0.625, 0.5714285714285714, 0.75, 0.6666666666666666, 1.0, 1.0, 1.0],
	bin_pr_recall: [1.0, 1.0, 1.0, 0.8, 0.6, 0.4, 0.4, 0.2, 0.0],
	mc_acc: 0.6666666666666666,
	mc_acc_w: 0.7241379310344828,
	mc_bacc: 0.6666666666666666,
	mc_bacc_w: 0.7269841269841271,
	mc_macro: [0.6722222222222222, 0.6666666666666666, 0.6626984126984127],
	mc_macro_w: [0.7185185185185187, 0.7269841269841271, 0.7174242424242424],
	mc_weighted: [0.6722222222222222, 0.6666666666666666, 0.6626984126984127],
	mc_weighted_w: [0.7409961685823755, 0.7241379310344828, 0.7276645768025078],
	/** precision[], recall[], f1[], support[] */
	mc_per_class: [[0.6, 0.6666666666666666, 0.75], [0.75, 0.5, 0.75], [0.6666666666666665, 0.5714285714285715, 0.75], [4.0, 4.0, 4.0]],
	mc_auc_macro: 0.90625,
	mc_auc_weighted: 0.90625,
	mc_auc_macro_w: 0.9365356349876475,
	mc_ap_per_class: [0.8125, 0.7470238095238095, 0.9],
	mc_logloss: 0.7221214710860587,
	mc_logloss_w: 0.6794041941269944,
	/** numpy: mean(sum((P − onehot)², axis=1)) — Brier's multi-class score; sklearn 1.2 has no multiclass Brier. */
	mc_brier: 0.420699998807659,
	mc_confusion_norm: [[0.75, 0.0, 0.25], [0.5, 0.5, 0.0], [0.0, 0.25, 0.75]],
	mc_confusion_w: [[2.5, 0.0, 1.0], [2.0, 4.0, 0.0], [0.0, 1.0, 4.0]],
	/** log_loss([1,1,0], float32 [[1,0],[0,1],[.5,.5]]): the zero probability is clipped to float32 eps. */
	clip_logloss: 5.545177484215994,
	reg_rmse: 0.5537749241945383,
	reg_mae: 0.4666666666666666,
	reg_r2: 0.9538075313807531,
	reg_medae: 0.5,
	reg_max: 1.0,
	reg_mape_nonzero: 0.2841269841269841,
	reg_r2_w: 0.9559509856153436,
	reg_rmse_w: 0.4945860740208772,
	r2_const_perfect: 1.0,
	r2_const_wrong: 0.0
};

export function binaryInput(weighted = false) {
	const p = new Float32Array(BINARY.p1.flatMap((v) => [1 - Math.fround(v), v]));
	return {
		truth: Int32Array.from(BINARY.truth),
		probabilities: p,
		classes: ['no', 'yes'],
		weights: weighted ? Float32Array.from(BINARY.weights) : undefined
	};
}

export function multiclassInput(weighted = false) {
	return {
		truth: Int32Array.from(MULTICLASS.truth),
		probabilities: Float32Array.from(MULTICLASS.probabilities.flat()),
		classes: ['a', 'b', 'c'],
		weights: weighted ? Float32Array.from(MULTICLASS.weights) : undefined
	};
}
