import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { audit } from './axe';
import { createProject, loadDemo, openSection, waitForJob } from './browser';

async function openFinishedRun(page: Page): Promise<void> {
	await page.getByTestId('open-run').first().click();
	await expect(page.getByTestId('run-report')).toBeVisible();
	await expect(page.getByTestId('evaluation')).toHaveAttribute('data-status', 'done', { timeout: 300_000 });
}

async function predictTyped(page: Page, text: string): Promise<string> {
	await openSection(page, 'predict');
	await page.getByTestId('predict-text').fill(text);
	await page.getByTestId('predict-text-button').click();
	const result = page.getByTestId('text-prediction');
	await expect(result).toBeVisible();
	return result.innerText();
}

test('a text run gets its evaluation, exports to ONNX with its vocabulary, and its bundle imports and predicts the same', async ({ page }, testInfo) => {
	const errors: string[] = [];
	page.on('pageerror', (e) => errors.push(e.message));
	const found: string[] = [];
	await createProject(page, 'Reviews more');
	await loadDemo(page, 'sentiment', 2983);
	await openSection(page, 'train');
	await page.getByTestId('text-train-button').click();
	await waitForJob(page);

	await openFinishedRun(page);
	const evaluation = page.getByTestId('evaluation');
	await expect(evaluation).toContainText(/\d+ holdout rows, the same as the final score/);
	await expect(page.getByTestId('text-top-words')).toContainText('positive');
	await expect(page.getByTestId('text-mistakes').locator('blockquote').first()).toBeVisible();
	found.push(...(await audit(page, 'run report: text evaluation')));

	const before = await predictTyped(page, 'The food was excellent and the staff were wonderful');
	expect(before).toContain('Prediction: positive');

	await page.getByTestId('section-ship').click();
	await expect(page.getByTestId('ship-text-note')).toContainText('text classifier');
	await expect(page.getByTestId('share-title')).toHaveCount(0);
	found.push(...(await audit(page, 'ship: text run')));
	// ONNX: model.onnx + text.json, run in ONNX Runtime Web against Kiln on every holdout text.
	await page.getByTestId('export-onnx').click();
	await expect(page.getByTestId('onnx-check')).toHaveAttribute('data-passed', 'true', { timeout: 120_000 });
	await expect(page.getByTestId('onnx-text-note')).toContainText('“tfidf”');
	await expect(page.getByTestId('download-onnx')).toHaveAttribute('download', /-onnx\.zip$/);
	found.push(...(await audit(page, 'ship: text run exported to ONNX')));
	await page.getByTestId('export-bundle').click();
	await expect(page.getByTestId('bundle-ready')).toContainText('1 run, 1 model');
	const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-bundle').click()]);
	const file = testInfo.outputPath('reviews.kiln.zip');
	await download.saveAs(file);

	await page.getByRole('link', { name: 'Projects' }).click();
	await page.getByTestId('bundle-input').setInputFiles(file);
	await expect(page.getByTestId('bundle-imported')).toContainText('Reviews more');
	await page.getByTestId('open-bundle-project').click();
	await expect(page.getByTestId('dataset-summary')).toContainText('2,983 rows');
	// Same vocabulary, same weights: the same words and the same probabilities to the tenth of a percent.
	expect(await predictTyped(page, 'The food was excellent and the staff were wonderful')).toBe(before);

	expect(found).toEqual([]);
	expect(errors).toEqual([]);
});

test('a tagger trains on a CoNLL slice, is scored per tag, and tags typed text token by token', async ({ page }) => {
	const errors: string[] = [];
	page.on('pageerror', (e) => errors.push(e.message));
	const found: string[] = [];
	// The first 300 sentences of the shipped Brown sample.
	const brown = readFileSync(join(process.cwd(), 'static/datasets/brown-pos.conll'), 'utf8').split(/\n\n/).slice(0, 300).join('\n\n') + '\n';
	await createProject(page, 'Tags');
	await openSection(page, 'data');
	await page.getByTestId('conll-file').setInputFiles({ name: 'brown-300.conll', mimeType: 'text/plain', buffer: Buffer.from(brown) });
	await expect(page.getByTestId('conll-note')).toContainText('300 sentences');
	found.push(...(await audit(page, 'data: tagged corpus imported')));

	await openSection(page, 'train');
	await expect(page.getByRole('heading', { name: 'Train a token tagger' })).toBeVisible();
	await page.getByTestId('text-epochs').fill('3');
	await page.getByTestId('text-patience').fill('0');
	found.push(...(await audit(page, 'train: tagger form')));
	await page.getByTestId('text-train-button').click();
	await waitForJob(page);

	await openFinishedRun(page);
	await expect(page.getByTestId('metric-accuracy')).toBeVisible();
	await expect(page.getByTestId('text-top-words')).toContainText('NOUN');
	found.push(...(await audit(page, 'run report: tagger evaluation')));

	await predictTyped(page, 'The jury said the city was happy .');
	await expect(page.getByTestId('token-tags').locator('tbody tr')).toHaveCount(8);
	found.push(...(await audit(page, 'predict: tags per token')));

	expect(found).toEqual([]);
	expect(errors).toEqual([]);
});
