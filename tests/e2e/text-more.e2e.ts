import { expect, test, type Page } from '@playwright/test';
import { zipSync, strToU8 } from 'fflate';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { audit } from './axe';
import { createProject, loadDemo, openSection, waitForCompression, waitForJob } from './browser';

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

test('a text run gets its evaluation, shares as a link that predicts typed text, exports to ONNX with its vocabulary, and its bundle imports and predicts the same', async ({ page }, testInfo) => {
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
	// The share link carries the TF-IDF terms and the tokeniser rules; it is long, so the standalone file is offered.
	await page.getByTestId('share-title').fill('Reviews');
	await page.getByTestId('create-link').click();
	await expect(page.getByTestId('link-fit')).toHaveAttribute('data-fit', /fits|long/);
	const shareUrl = await page.getByTestId('share-url').inputValue();
	found.push(...(await audit(page, 'ship: text run')));
	// ONNX: model.onnx + text.json, run in ONNX Runtime Web against Kiln on every holdout text.
	await page.getByTestId('export-onnx').click();
	await expect(page.getByTestId('onnx-check')).toHaveAttribute('data-passed', 'true', { timeout: 120_000 });
	await expect(page.getByTestId('onnx-text-note')).toContainText('“tfidf”');
	await expect(page.getByTestId('download-onnx')).toHaveAttribute('download', /-onnx\.zip$/);
	found.push(...(await audit(page, 'ship: text run exported to ONNX')));
	// The trade-off table on the replayed holdout texts (one sparsity), then the tfjs files with text.json.
	await page.getByTestId('sparsity-80').uncheck();
	await page.getByTestId('compress-button').click();
	await waitForCompression(page);
	await expect(page.getByTestId('tradeoff-row')).toHaveCount(5);
	await expect(page.getByTestId('tradeoff-skipped')).toContainText('Pruning with fine-tuning');
	console.log((await page.getByTestId('tradeoff-table').innerText()).replace(/\t/g, ' | '));
	await page.locator('[data-testid="tradeoff-row"][data-variant="int8"]').getByTestId('pick-variant').click();
	await page.getByTestId('export-tfjs').click();
	await expect(page.getByTestId('download-tfjs')).toHaveAttribute('download', /-int8-tfjs\.zip$/);
	found.push(...(await audit(page, 'ship: text trade-off table and tfjs files')));
	await page.locator('[data-testid="tradeoff-row"][data-variant="float32"]').getByTestId('pick-variant').click();
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

	// The link predicts typed text in the share page, with the same answer, and counts unseen words.
	await page.goto(shareUrl);
	await expect(page.getByTestId('shared-title')).toHaveText('Reviews');
	await page.getByTestId('shared-text').fill('The food was excellent and the staff were wonderful qqzxv');
	await page.getByTestId('shared-predict').click();
	await expect(page.getByTestId('shared-label')).toHaveText('positive');
	await expect(page.getByTestId('shared-warning').first()).toContainText('not in the training vocabulary');
	found.push(...(await audit(page, 'share page: text link')));

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
	// Texts from class folders in a .zip: one is Windows-1252, one is binary and is listed as skipped.
	const zip = zipSync({
		'notes/good/1.txt': strToU8('a lovely bright morning'),
		'notes/good/2.txt': Uint8Array.from('caf\xe9 was great', (c) => c.charCodeAt(0)),
		'notes/bad/1.txt': strToU8('a grim wet evening'),
		'notes/bad/2.txt': new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0])
	});
	await page.getByTestId('text-zip-input').setInputFiles({ name: 'notes.zip', mimeType: 'application/zip', buffer: Buffer.from(zip) });
	await expect(page.getByTestId('text-folder-note')).toContainText('3 texts stored (bad 1, good 2); read as windows-1252 (1) besides UTF-8; 1 file(s) skipped');
	await expect(page.getByTestId('import-warnings')).toContainText('Skipped notes/bad/2.txt: a binary file');
	await expect(page.getByTestId('dataset-summary')).toContainText('3 rows · 2 columns');
	found.push(...(await audit(page, 'data: texts from class folders')));
	await page.getByTestId('conll-file').setInputFiles({ name: 'brown-300.conll', mimeType: 'text/plain', buffer: Buffer.from(brown) });
	await expect(page.getByTestId('conll-note')).toContainText('300 sentences');
	found.push(...(await audit(page, 'data: tagged corpus imported')));

	await openSection(page, 'train');
	await expect(page.getByRole('heading', { name: 'Train a token tagger' })).toBeVisible();
	await page.getByTestId('text-epochs').fill('3');
	await page.getByTestId('text-patience').fill('0');
	// 2,000 words × 100 GloVe dimensions keep the share link under the hard limit (30,000 would not be).
	await page.getByTestId('text-vocabularySize').fill('2000');
	found.push(...(await audit(page, 'train: tagger form')));
	await page.getByTestId('text-train-button').click();
	await waitForJob(page);

	await openFinishedRun(page);
	await expect(page.getByTestId('metric-accuracy')).toBeVisible();
	await expect(page.getByTestId('text-top-words')).toContainText('NOUN');
	found.push(...(await audit(page, 'run report: tagger evaluation')));

	const sentence = 'The jury said the city was happy .';
	await predictTyped(page, sentence);
	await expect(page.getByTestId('token-tags').locator('tbody tr')).toHaveCount(8);
	found.push(...(await audit(page, 'predict: tags per token')));
	const studioTags = (await page.getByTestId('token-tags-inline').textContent()) ?? '';

	// The tagger shares as a link whose page tags the same sentence token by token, as Predict did.
	await page.getByTestId('section-ship').click();
	await expect(page.getByTestId('ship-text-note')).toContainText('tags each word');
	await page.getByTestId('share-title').fill('Tags');
	await page.getByTestId('create-link').click();
	await expect(page.getByTestId('link-fit')).toHaveAttribute('data-fit', /fits|long/);
	await page.goto(await page.getByTestId('share-url').inputValue());
	await page.getByTestId('shared-text').fill(sentence);
	await page.getByTestId('shared-predict').click();
	await expect(page.getByTestId('shared-prediction').getByTestId('token-tags').locator('tbody tr')).toHaveCount(8);
	await expect(page.getByTestId('shared-prediction').getByTestId('token-tags-inline')).toHaveText(studioTags);
	found.push(...(await audit(page, 'share page: tagger link')));

	expect(found).toEqual([]);
	expect(errors).toEqual([]);
});
