import { expect, test } from '@playwright/test';
import { audit } from './axe';
import { learningRateGrid } from './search';
import { createProject, loadDemo, openSection, waitForJob } from './browser';

test('language: the sentiment demo is profiled as text, a TF-IDF and a neural classifier train, a typed sentence is predicted with highlighted words', async ({ page }) => {
	const errors: string[] = [];
	page.on('pageerror', (e) => errors.push(e.message));
	const found: string[] = [];
	await createProject(page, 'Reviews');
	await loadDemo(page, 'sentiment', 2983);

	// The text column is read as text: its profile, not a 2,983-level category.
	await expect(page.getByTestId('text-summary')).toContainText('vocabulary of');
	await expect(page.getByTestId('top-words')).toBeVisible();
	await expect(page.getByTestId('duplicates')).toBeVisible();
	found.push(...(await audit(page, 'data: text profile')));

	await openSection(page, 'train');
	const form = page.getByTestId('text-train-form');
	await expect(form).toBeVisible();
	// Settings are checked inline, beside the field, before anything starts.
	await page.getByTestId('text-family').selectOption('transformer');
	await page.getByTestId('text-heads').fill('5');
	await page.getByTestId('text-train-button').click();
	await expect(form.getByRole('alert')).toContainText('multiple of the number of heads');
	found.push(...(await audit(page, 'train: text form with a problem')));

	// TF-IDF + logistic regression.
	await page.getByTestId('text-family').selectOption('tfidf');
	await page.getByTestId('text-train-button').click();
	await waitForJob(page);

	// A small neural model, briefly.
	await page.getByTestId('text-family').selectOption('embedding-bag');
	await page.getByTestId('text-epochs').fill('2');
	await page.getByTestId('text-maxLength').fill('24');
	await page.getByTestId('text-patience').fill('0');
	await page.getByTestId('text-train-button').click();
	await waitForJob(page);
	await expect(page.getByTestId('train-job')).toHaveCount(2);
	found.push(...(await audit(page, 'train: two finished text runs')));

	await openSection(page, 'runs');
	await expect(page.getByText('TF-IDF + logistic (1–2-grams)').first()).toBeVisible();
	await expect(page.getByText('embedding bag 64').first()).toBeVisible();
	found.push(...(await audit(page, 'runs: text runs')));

	// Tune on texts: a 2-point grid over the learning rate on the neural run's settings, 1 epoch a
	// trial, each scored on its validation texts; the best trial opens.
	await learningRateGrid(page, 'Every trial trains a network on the texts of', 1);
	found.push(...(await audit(page, 'tune: text search done, best trial open')));

	// The first finished run (TF-IDF) is the model in use.
	await openSection(page, 'predict');
	await page.getByTestId('predict-text').fill('The food was excellent and the staff were wonderful');
	await page.getByTestId('predict-text-button').click();
	const result = page.getByTestId('text-prediction');
	await expect(result).toContainText('Prediction: positive');
	await expect(page.getByTestId('highlighted-words').locator('mark')).toHaveCount(9);
	await expect(page.getByTestId('word-weights')).toContainText('excellent');
	found.push(...(await audit(page, 'predict: text with highlighted words')));

	// A file of long, off-topic texts: longer than any review, mostly words training never met.
	const texts = Array.from({ length: 40 }, (_, i) => `"Quarterly ${i} photosynthesis chlorophyll mitochondria ribosome enzyme substrate catalysis thermodynamics entropy gradient osmosis membrane transport protein folding"`);
	await page.getByTestId('predict-text-file').setInputFiles({ name: 'biology.csv', mimeType: 'text/csv', buffer: Buffer.from(`text\n${texts.join('\n')}\n`) });
	await expect(page.getByTestId('text-batch-summary')).toContainText('40 predictions for biology.csv');
	await expect(page.getByTestId('drift-headline')).toContainText('2 of 2 measures shifted a lot');
	await expect(page.getByTestId('drift-shown')).toContainText('40 new texts against');
	found.push(...(await audit(page, 'predict: a file of texts and its drift')));

	expect(found).toEqual([]);
	expect(errors).toEqual([]);
});
