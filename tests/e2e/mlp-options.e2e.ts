import { expect, test } from '@playwright/test';
import { audit } from './axe';
import { createProject, loadDemo, openSection, predictIrisRow, waitForJob } from './browser';

// The MLP's training options: set from the keyboard in the Train form (labelled, with help and
// inline problems), trained as a job on iris, kept across a reload, and used by Predict.
test('MLP options: tanh, dropout, batch-norm, SGD + Nesterov, cosine with warm-up on iris; reload; predict', async ({ page }) => {
	const errors: string[] = [];
	page.on('pageerror', (e) => errors.push(e.message));
	const found: string[] = [];
	await createProject(page, 'MLP options');
	await loadDemo(page, 'iris', 150);
	await openSection(page, 'train');

	await page.getByTestId('epochs-input').fill('25');
	await page.getByTestId('learningRate-input').fill('0.05');
	// Keyboard only: each option is a labelled control in tab order.
	const activation = page.getByLabel('Activation');
	await activation.focus();
	await page.keyboard.press('ArrowDown');
	await expect(activation).toHaveValue('tanh');
	await page.keyboard.press('Tab');
	await expect(page.getByLabel('Optimiser')).toBeFocused();
	await page.getByLabel('Optimiser').selectOption('sgd');
	await page.keyboard.press('Tab');
	await expect(page.getByLabel('Learning-rate schedule')).toBeFocused();
	await page.getByLabel('Learning-rate schedule').selectOption('cosine');
	await page.keyboard.press('Tab');
	await expect(page.getByLabel('Dropout rate')).toBeFocused();
	await page.keyboard.press('End');
	await page.keyboard.type('.5');
	await expect(page.getByLabel('Dropout rate')).toHaveValue('0.5');
	await page.getByLabel('Dropout rate').fill('0.95');
	await page.getByLabel('Warm-up epochs').fill('2');
	await page.getByLabel('Batch normalisation').focus();
	await page.keyboard.press('Space');
	await expect(page.getByLabel('Batch normalisation')).toBeChecked();
	await page.getByLabel('Nesterov momentum').check();

	await page.getByTestId('train-button').click();
	await expect(page.getByLabel('Dropout rate')).toHaveAttribute('aria-invalid', 'true');
	await expect(page.getByLabel('Dropout rate')).toHaveAccessibleDescription(/0 to 0.9/);
	found.push(...(await audit(page, 'train form, MLP options with a wrong dropout rate')));
	await page.getByLabel('Dropout rate').fill('0.1');
	await expect(page.getByLabel('Dropout rate')).not.toHaveAttribute('aria-invalid', 'true');

	await page.getByTestId('train-button').click();
	await waitForJob(page);
	await page.getByTestId('open-run').first().click();
	await expect(page.getByTestId('run-report')).toContainText('tanh · dropout 0.1 · batch-norm · SGD Nesterov m 0.9 · cosine · warm-up 2');
	expect(Number(await page.getByTestId('metric-accuracy').textContent())).toBeGreaterThanOrEqual(0.85);
	found.push(...(await audit(page, 'run report of an MLP trained with options')));

	await page.reload();
	await openSection(page, 'train');
	// The form starts from the stored run's settings.
	await expect(page.getByLabel('Activation')).toHaveValue('tanh');
	await expect(page.getByLabel('Optimiser')).toHaveValue('sgd');
	await expect(page.getByLabel('Batch normalisation')).toBeChecked();
	await expect(page.getByLabel('Dropout rate')).toHaveValue('0.1');

	await openSection(page, 'predict');
	const form = await predictIrisRow(page);
	await expect(page.getByTestId('single-prediction')).toContainText('virginica');
	await form.getByLabel('sepal_length').fill('5.1');
	await form.getByLabel('sepal_width').fill('3.5');
	await form.getByLabel('petal_length').fill('1.4');
	await form.getByLabel('petal_width').fill('0.2');
	await page.getByTestId('predict-button').click();
	await expect(page.getByTestId('single-prediction')).toContainText('setosa');
	found.push(...(await audit(page, 'predict with an MLP trained with options')));

	expect(found).toEqual([]);
	expect(errors).toEqual([]);
});
