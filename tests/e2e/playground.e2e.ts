import { expect, test } from '@playwright/test';
import { fileURLToPath } from 'node:url';
import { audit } from './axe';
import { storeBackendSetting } from './browser';

// Kiln's own raw-rows ONNX export of an iris MLP (workers/lib/playground/e2e-fixture.spec.ts checks it).
const MODEL = fileURLToPath(new URL('./fixtures/iris-mlp.onnx', import.meta.url));
// The same network as TensorFlow.js layers files: standardised features in, logits out.
const TFJS = ['model.json', 'weights.bin'].map((name) => fileURLToPath(new URL(`./fixtures/iris-tfjs/${name}`, import.meta.url)));
const GRAPH = ['model.json', 'group1-shard1of1.bin'].map((name) => fileURLToPath(new URL(`./fixtures/iris-graph/${name}`, import.meta.url)));
const CSV = ['sepal_length,sepal_width,petal_length,petal_width', '5.1,3.5,1.4,0.2', '4.9,3,1.4,0.2', '5.5,2.3,4,1.3', '6.5,2.8,4.6,1.5', '6.3,3.3,6,2.5', '5.8,2.7,5.1,1.9'].join('\n');

test('playground: load an ONNX file, see its signature, predict from the form and a CSV, time it', async ({ page }) => {
	await page.goto('/');
	await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Playground' }).click();
	await expect(page.getByRole('heading', { level: 1, name: 'Inference playground' })).toBeVisible();
	expect(await audit(page, 'playground empty')).toEqual([]);

	// a file that is not a model is refused by name
	await page.getByTestId('playground-model-input').setInputFiles({ name: 'notes.onnx', mimeType: 'application/octet-stream', buffer: Buffer.from('not a model at all') });
	await expect(page.getByRole('alert')).toContainText('"notes.onnx" is not a readable ONNX model');

	// The shipped sample is the same ONNX file (sample.spec.ts); a model file loads the same way below.
	await page.getByTestId('playground-sample').click();
	const signature = page.getByTestId('playground-signature');
	await expect(signature.locator('tr[data-role="input"]')).toHaveText(/input\s*numeric\s*float32\s*\[N, 4\]/);
	await expect(signature.locator('tr[data-role="output"]')).toHaveText([/probabilities\s*float32\s*\[N, 3\]/, /label_index\s*int64\s*\[N\]/, /label\s*string\s*\[N\]/]);
	expect(await audit(page, 'playground loaded')).toEqual([]);

	// one field per value for a [N, 4] input; an empty field is named
	await page.getByTestId('playground-predict').click();
	await expect(page.getByRole('alert')).toContainText('field numeric[0] is empty');
	for (const [i, v] of ['5.1', '3.5', '1.4', '0.2'].entries()) await page.getByTestId(`playground-field-${i}`).fill(v);
	await page.getByTestId('playground-predict').click();
	const label = page.locator('[data-testid="playground-output"][data-output="label"]');
	await expect(label.locator('tbody tr')).toHaveText([/1\s*setosa/]);
	await expect(page.getByTestId('playground-topk')).toContainText('class 0');

	await page.getByTestId('playground-csv-input').setInputFiles({ name: 'six.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV) });
	await expect(label.locator('tbody tr')).toHaveCount(6);
	await expect(label.locator('tbody td')).toHaveText(['setosa', 'setosa', 'versicolor', 'versicolor', 'virginica', 'virginica']);

	// a CSV of the wrong width names the input and its shape
	await page.getByTestId('playground-csv-input').setInputFiles({ name: 'three.csv', mimeType: 'text/csv', buffer: Buffer.from('a,b,c\n1,2,3') });
	await expect(page.getByRole('alert')).toContainText('The CSV has 3 columns; input "numeric" expects shape [N, 4]');

	await page.getByTestId('playground-measure').click();
	await expect(page.getByTestId('playground-latency-line')).toContainText(/ONNX Runtime Web wasm: [\d.]+ ms/);
	console.log(`playground, ONNX: ${await page.getByTestId('playground-latency').innerText()}`);
	// where the browser offers WebGPU, ORT's WebGPU build (loaded on first use) is timed too
	const webgpu = await page.evaluate(async () => !!(await (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu?.requestAdapter()));
	const ortGpu = page.getByTestId('playground-latency').locator('tr[data-backend="webgpu"]');
	await expect(ortGpu).toHaveCount(webgpu ? 1 : 0);
	if (webgpu) await expect(ortGpu).toContainText(/[\d.]+ ms/);
	expect(await audit(page, 'playground predicted and timed')).toEqual([]);
	// the same state dark at 390 px: axe clean, nothing wider than the screen but the scroll boxes
	await page.emulateMedia({ colorScheme: 'dark' });
	await page.setViewportSize({ width: 390, height: 844 });
	await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
	expect(await audit(page, 'playground predicted and timed (dark, 390 px)')).toEqual([]);
	expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

	// tfjs layers files picked together run in the same worker, timed on each tfjs backend
	await page.getByTestId('playground-model-input').setInputFiles(TFJS);
	await expect(page.getByTestId('playground-model')).toContainText('model.json — TensorFlow.js layers model');
	await expect(signature.locator('tr[data-role="input"]')).toHaveText(/float32\s*\[\?, 4\]/);
	for (const [i, v] of ['-0.9', '1.0', '-1.3', '-1.3'].entries()) await page.getByTestId(`playground-field-${i}`).fill(v);
	await page.getByTestId('playground-predict').click();
	await expect(page.getByTestId('playground-prediction')).toContainText('on TensorFlow.js');
	await page.getByTestId('playground-measure').click();
	await expect(page.getByTestId('playground-latency-line')).toContainText(/TensorFlow\.js wasm: [\d.]+ ms/);
	await expect(page.getByTestId('playground-latency').locator('tr[data-backend="cpu"]')).toContainText(/ms/);
	console.log(`playground, tfjs: ${await page.getByTestId('playground-latency').innerText()}`);

	// the same network as a tfjs graph model (tensorflowjs_converter's format) runs through tfjs-converter
	await page.getByTestId('playground-model-input').setInputFiles(GRAPH);
	await expect(page.getByTestId('playground-model')).toContainText('model.json — TensorFlow.js graph model');
	await expect(signature.locator('tr[data-role="input"]')).toHaveText(/input\s*x\s*float32\s*\[\?, 4\]/);
	for (const [i, v] of ['-0.9', '1.0', '-1.3', '-1.3'].entries()) await page.getByTestId(`playground-field-${i}`).fill(v);
	await page.getByTestId('playground-predict').click();
	// logits, setosa's the largest (playground.spec checks the graph against the layers files within 1e-5)
	await expect(page.locator('[data-testid="playground-output"][data-output="Identity"] tbody tr')).toHaveText([/^1\s*7\.5\d*\s*-1\.9\d*\s*-2\.3\d*$/]);

	// with WebGPU chosen in Settings (stored here directly: the Settings page would probe every
	// backend first), an ONNX model predicts on ORT's WebGPU build, read at the next load
	if (webgpu) {
		await storeBackendSetting(page, 'webgpu');
		await page.getByTestId('playground-model-input').setInputFiles(MODEL);
		for (const [i, v] of ['5.1', '3.5', '1.4', '0.2'].entries()) await page.getByTestId(`playground-field-${i}`).fill(v);
		await page.getByTestId('playground-predict').click();
		await expect(page.getByTestId('playground-prediction')).toContainText('on ONNX Runtime Web (webgpu)');
		await expect(label.locator('tbody tr')).toHaveText([/1\s*setosa/]);
	}
});
