import { expect, test, type Page } from '@playwright/test';
import { appendFileSync, writeFileSync } from 'node:fs';
import { audit } from './axe';
import { createProject, launchPersistent, loadDemo, newProfileDir, openSection, waitForJob } from './browser';

const upload = (page: Page, name: string, content: string | Buffer) =>
	page.getByTestId('csv-input').setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.isBuffer(content) ? content : Buffer.from(content) });

/** What IndexedDB holds: every dataset record (importing or not) and the number of chunks. */
const stored = (page: Page) =>
	page.evaluate(
		() =>
			new Promise<{ datasets: number; chunks: number }>((resolve, reject) => {
				const open = indexedDB.open('kiln');
				open.onerror = () => reject(open.error);
				open.onsuccess = () => {
					const tx = open.result.transaction(['datasets', 'chunks']);
					const datasets = tx.objectStore('datasets').count();
					const chunks = tx.objectStore('chunks').count();
					tx.oncomplete = () => {
						open.result.close();
						resolve({ datasets: datasets.result, chunks: chunks.result });
					};
				};
			})
	);

/**
 * A messy export: quoted fields with commas and a line break, "NA" and empty cells, "None" as a
 * real answer, ZIP codes with leading zeros, dates, e-mail addresses, a constant column and an id.
 */
function messyCsv(): string {
	const lines = ['id,name,email,zip,signup,plan,visits,spend,country,churned'];
	const plans = ['basic', 'pro', 'None', 'team'];
	for (let i = 1; i <= 60; i++) {
		const name = i === 3 ? '"Smith, Anna\nJr."' : `"Person ${i}"`;
		const visits = i % 9 === 0 ? 'NA' : String((i * 7) % 23);
		const spend = i % 11 === 0 ? '' : ((i * 13.7) % 200).toFixed(2);
		const churned = (i * 7) % 23 < 8 ? 'yes' : 'no';
		lines.push(`${i},${name},user${i}@example.com,0${8100 + i},2024-0${(i % 9) + 1}-1${i % 10},${plans[i % 4]},${visits},${spend},FR,${churned}`);
	}
	return lines.join('\r\n') + '\r\n';
}

test('a messy CSV and a Latin-1 file: options, preview, profile and warnings', async ({ page }) => {
	const found: string[] = [];
	await createProject(page, 'Messy data');
	await upload(page, 'customers.csv', messyCsv());
	const options = page.getByTestId('import-options');
	await expect(page.getByTestId('import-detected')).toContainText('Read as CSV, utf-8, comma-separated, first row is the header. 60 rows');
	const preview = page.getByTestId('import-preview');
	// Leading zeros stay text, the quoted line break stays in its cell, "None" is a value.
	await expect(preview.locator('tbody tr').first()).toContainText('08101');
	await expect(preview).toContainText('Smith, Anna');
	await expect(page.getByTestId('import-type-zip')).toContainText('Identifier (detected)');
	await expect(page.getByTestId('import-type-signup')).toContainText('Date/time (detected)');
	await expect(page.getByTestId('import-missing')).toHaveValue('NA, N/A, null, NULL, NaN, nan, ?, -');
	await expect(preview.locator('tbody tr').nth(1)).toContainText('None');
	found.push(...(await audit(page, 'data, import preview')));
	// "None" can be made a missing value, and a type overridden, before anything is stored.
	await page.getByTestId('import-missing').fill('NA, None');
	await page.getByTestId('import-missing').press('Tab');
	await expect(preview.locator('tbody tr').nth(1)).not.toContainText('None');
	await page.getByTestId('import-missing').fill('NA, N/A, null, NULL, NaN, nan, ?, -');
	await page.getByTestId('import-missing').press('Tab');
	await expect(preview.locator('tbody tr').nth(1)).toContainText('None');
	await page.getByTestId('import-type-visits').selectOption('numeric');
	await expect(page.getByTestId('import-type-visits')).toHaveValue('numeric');
	await page.getByTestId('import-button').click();
	await expect(options).toBeHidden();

	await expect(page.getByTestId('dataset-summary')).toContainText('60 rows · 10 columns');
	await expect(page.getByTestId('target-select')).toHaveValue('churned');
	await expect(page.getByTestId('task-select')).toHaveValue('classification');
	const warnings = page.getByTestId('profile-warnings');
	await expect(warnings.locator('[data-kind="pii"]').filter({ hasText: 'personal data (email)' })).toHaveCount(1);
	await expect(warnings.locator('[data-kind="constant"]').filter({ hasText: 'Column "country"' })).toHaveCount(1);
	await expect(warnings.locator('[data-kind="id-like"]').filter({ hasText: 'Column "id" ' })).toHaveCount(1);
	const zip = page.locator('[data-testid="column-card"][data-column="zip"]');
	await expect(zip).toContainText('Identifier');
	const spend = page.locator('[data-testid="column-card"][data-column="spend"]');
	await expect(spend).toContainText('Missing5 (8.3%)');
	await expect(spend.getByRole('img', { name: /Histogram of spend/ })).toBeVisible();
	await expect(page.locator('[data-testid="column-card"][data-column="plan"]')).toContainText('None');
	await expect(page.getByTestId('target-balance')).toContainText('no');
	await expect(page.getByTestId('correlation')).toContainText('visits');
	await expect(page.getByTestId('data-table').getByRole('row').nth(1)).toContainText('2024-02-11');
	await expect(page.getByRole('combobox', { name: 'Type of zip' })).toHaveValue('identifier');
	// A cell cut short shows all of its text, from the keyboard too.
	const whole = page.getByRole('dialog', { name: 'Whole cell value' });
	await page.getByTestId('data-table').getByRole('button', { name: 'Show all of email, row 10' }).focus();
	await page.keyboard.press('Enter');
	await expect(whole).toContainText('user10@example.com');
	await whole.getByRole('button', { name: 'Close' }).click();
	await expect(whole).toBeHidden();
	found.push(...(await audit(page, 'data, profile')));

	// A column's type changes after import too: "plan" read as yes/no keeps none of its values,
	// and the page says how many became missing.
	await page.getByRole('combobox', { name: 'Type of plan' }).selectOption('boolean');
	await expect(page.getByRole('status').filter({ hasText: '60 values of “plan” did not fit the new type and became missing.' })).toBeVisible();
	await expect(page.locator('[data-testid="column-card"][data-column="plan"]')).toContainText(/Missing60 \(100/);
	await expect(page.getByRole('combobox', { name: 'Type of plan' })).toHaveValue('boolean');
	found.push(...(await audit(page, 'data, column type changed')));

	// Windows-1252 bytes (é = 0xE9, ü = 0xFC) are detected, not shown as mojibake.
	const latin1 = Buffer.concat([Buffer.from('city;population;note\n'), Buffer.from([0x5a, 0xfc, 0x72, 0x69, 0x63, 0x68]), Buffer.from(';421878;caf'), Buffer.from([0xe9]), Buffer.from('\nGen'), Buffer.from([0xe8]), Buffer.from('ve;203856;lac\nBern;134591;\n')]);
	await upload(page, 'villes.csv', latin1);
	await expect(page.getByTestId('import-detected')).toContainText('windows-1252, semicolon-separated');
	await expect(page.getByTestId('import-preview')).toContainText('Zürich');
	await page.getByTestId('import-button').click();
	await expect(page.getByTestId('dataset-summary')).toContainText('3 rows · 3 columns');
	await expect(page.getByTestId('data-table')).toContainText('Genève');
	await expect(page.getByTestId('data-table')).toContainText('café');
	await expect(page.getByTestId('dataset-list')).toContainText('customers.csv');
	expect(found).toEqual([]);
});

test('a three-step pipeline survives a reload, trains with 5-fold CV, and prediction replays it', async () => {
	const profile = newProfileDir();
	let context = await launchPersistent(profile);
	let page = await context.newPage();
	const found: string[] = [];
	await createProject(page, 'Titanic');
	await loadDemo(page, 'titanic', 1309);
	await expect(page.getByTestId('target-select')).toHaveValue('survived');
	await expect(page.getByTestId('profile-warnings').locator('[data-kind="pii"]').filter({ hasText: '"name"' })).toHaveCount(1);

	await openSection(page, 'prepare');
	await expect(page.getByTestId('pipeline-summary')).toContainText('1,000 sample rows');
	// A new pipeline leaves the flagged names out, as a first model does.
	await expect(page.getByTestId('encoding-name')).toHaveValue('none');
	await expect(page.getByTestId('encodings-left-out')).toContainText('name (personal data)');
	const addStep = async (kind: string, fill: () => Promise<void>) => {
		await page.getByTestId('step-kind').selectOption(kind);
		await page.getByTestId('add-step').click();
		await fill();
		await page.getByTestId('step-apply').click();
		await expect(page.getByTestId('step-form')).toBeHidden();
		// The preview's counts and warnings land above the next form and move its Apply button;
		// under load a click during that move hit nothing (one clean-clone run), so wait for them.
		await expect(page.getByTestId('pipeline-steps').locator('li[data-status="pending"]')).toHaveCount(0);
	};
	await addStep('drop', () => page.getByTestId('step-form').getByRole('checkbox', { name: 'name' }).check());
	await addStep('impute', async () => {
		await page.getByTestId('step-form').getByRole('checkbox', { name: 'age' }).check();
		await page.getByTestId('step-strategy').selectOption('median');
		await page.getByTestId('step-form').getByRole('checkbox', { name: /marking the rows/ }).check();
	});
	await addStep('derive', async () => {
		await page.getByTestId('step-name').fill('is_child');
		await page.getByTestId('step-expression').fill('age < 12');
	});
	const steps = page.getByTestId('pipeline-steps').locator('li');
	await expect(steps).toHaveCount(3);
	await expect(steps.nth(2)).toContainText('New column "is_child" = age < 12');
	await expect(steps.nth(2).getByTestId('step-counts')).toContainText('1,000 rows × 6 columns');
	// A broken expression is pointed at, and undo takes it back.
	await page.getByRole('button', { name: 'Edit step 3' }).click();
	await page.getByTestId('step-expression').fill('age <');
	await page.getByTestId('step-apply').click();
	await expect(steps.nth(2)).toHaveAttribute('data-status', 'error');
	await page.getByTestId('undo').click();
	await expect(steps.nth(2)).toHaveAttribute('data-status', 'ok');
	await page.getByTestId('redo').click();
	await expect(steps.nth(2)).toHaveAttribute('data-status', 'error');
	await page.getByTestId('undo').click();
	// "Encode every column" reads the columns of the latest preview: wait for it after the undo.
	await expect(steps.nth(2)).toHaveAttribute('data-status', 'ok');
	await page.getByTestId('use-every-column').click();
	await expect(page.getByTestId('encoding-is_child')).toHaveValue('standard');
	await expect(page.getByTestId('encoding-age_missing')).toHaveValue('standard');
	await expect(page.getByTestId('encodings')).not.toContainText('name');
	found.push(...(await audit(page, 'prepare, three steps')));
	await page.getByTestId('save-pipeline').click();
	await expect(page.getByTestId('pipeline-status')).toContainText('Saved as version 1');

	// Closed and reopened: the saved version comes back with its steps.
	const url = page.url();
	await context.close();
	context = await launchPersistent(profile);
	page = await context.newPage();
	await page.goto(url);
	await expect(page.getByTestId('pipeline-version')).toHaveValue(/pipeline-/);
	await expect(page.getByTestId('pipeline-steps').locator('li')).toHaveCount(3);

	await openSection(page, 'train');
	await expect(page.getByTestId('pipeline-select')).toContainText('Pipeline “Cleaning” version 1');
	await page.getByTestId('split-select').selectOption('stratified-kfold');
	await page.getByTestId('folds-input').fill('5');
	await page.getByTestId('epochs-input').fill('15');
	await page.getByTestId('balance-select').selectOption('class-weights');
	found.push(...(await audit(page, 'train, k-fold and balance')));
	await page.getByTestId('train-button').click();
	await waitForJob(page);
	await expect(page.getByTestId('train-job').first()).toContainText('Cross-validation over 5 folds');
	await page.getByTestId('open-run').first().click();
	const report = page.getByTestId('run-data');
	await expect(report).toContainText('stratified 5-fold cross-validation');
	await expect(report).toContainText('pipeline “Cleaning” version 1');
	await expect(page.getByTestId('cv-summary')).toContainText(/accuracy, mean ± std\s*0\.\d{3} ± 0\.\d{3}/);
	await expect(page.getByTestId('cv-folds').locator('tbody tr')).toHaveCount(5);
	await expect(page.getByTestId('balance-counts')).toContainText('yes');
	await expect(page.getByTestId('leakage-result')).toBeVisible();
	expect(Number(await page.getByTestId('metric-accuracy').textContent())).toBeGreaterThan(0.7);
	found.push(...(await audit(page, 'runs, cross-validated report')));

	// A file of new passengers (no name column needed: the pipeline dropped it), age missing in one.
	await openSection(page, 'predict');
	await page.getByTestId('predict-input').setInputFiles({
		name: 'passengers.csv',
		mimeType: 'text/csv',
		buffer: Buffer.from('passenger_class,sex,age,ticket\n1st,female,29,A1\n3rd,male,,B2\n3rd,male,4,C3\n')
	});
	await expect(page.getByTestId('batch-summary')).toContainText('3 predictions for passengers.csv');
	const table = page.getByTestId('batch-table');
	await expect(table.locator('thead')).toContainText('predicted_survived');
	await expect(table.locator('tbody tr').first().getByRole('cell', { name: /^(yes|no)$/ })).toHaveCount(1);
	await expect(table.locator('tbody tr').nth(1)).toContainText('B2');
	found.push(...(await audit(page, 'predict, through the pipeline')));
	expect(found).toEqual([]);
	await context.close();
});

// A file too big for the free quota: the worker's pre-check (navigator.storage.estimate) is covered by
// workers/data/store-import.spec.ts, and a write failing on a real full disk by bad-input.e2e.ts.
// Chromium's CDP quota override is not seen by estimate() in the worker, and whether a 20 MB
// write beyond it fails varied from run to run, so no e2e here depends on it.
test('a cancelled import and a closed tab leave nothing half-stored', async ({ page }) => {
	await createProject(page, 'Cancel import');
	// Big enough that the import is still running when Cancel is pressed after its first stored
	// chunk, on a fast machine too: 700,000 rows were all stored before the click landed on a VM
	// whose importer runs at ~30 MB/s. Written to disk and picked by path (no 100 MB buffer over CDP).
	const path = test.info().outputPath('huge.csv');
	writeFileSync(path, 'id,a,b,c,group,y\n');
	for (let block = 0; block < 40; block++) {
		const rows: string[] = [];
		for (let i = block * 100_000; i < (block + 1) * 100_000; i++) rows.push(`${i},${i % 1000},${(i * 7) % 333},${(i % 97) / 10},g${i % 5},${i % 2}\n`);
		appendFileSync(path, rows.join(''));
	}
	await page.getByTestId('csv-input').setInputFiles(path);
	await expect(page.getByTestId('import-detected')).toContainText('About');
	await page.getByTestId('import-button').click();
	await expect(page.getByTestId('cancel-import')).toBeVisible();
	await expect(async () => expect((await stored(page)).chunks).toBeGreaterThan(0)).toPass({ timeout: 300_000 });
	await page.getByTestId('cancel-import').click();
	await expect(page.getByTestId('import-cancelled')).toContainText('nothing was stored');
	await expect(async () => expect(await stored(page)).toEqual({ datasets: 0, chunks: 0 })).toPass();
	await expect(page.getByTestId('dataset-summary')).toHaveCount(0);

	// A tab closed mid-import leaves a record marked importing and some chunks: the next visit removes them.
	const projectId = new URL(page.url()).searchParams.get('id')!;
	await page.evaluate(
		(projectId) =>
			new Promise<void>((resolve, reject) => {
				const open = indexedDB.open('kiln');
				open.onsuccess = () => {
					const tx = open.result.transaction(['datasets', 'chunks'], 'readwrite');
					tx.objectStore('datasets').put({ id: 'dataset-cut', projectId, name: 'cut', fileName: 'cut.csv', source: 'upload', status: 'importing', rowCount: 0, columns: [{ name: 'a', kind: 'numeric' }], profile: [], chunkRows: 65536, chunkCount: 0, bytes: 0, createdAt: Date.now() });
					tx.objectStore('chunks').put({ datasetId: 'dataset-cut', index: 0, rowCount: 1, columns: [new Float64Array([1]).buffer] });
					tx.oncomplete = () => (open.result.close(), resolve());
					tx.onerror = () => reject(tx.error);
				};
			}),
		projectId
	);
	expect(await stored(page)).toEqual({ datasets: 1, chunks: 1 });
	await page.reload();
	await expect(page.getByRole('heading', { name: 'Add data' })).toBeVisible();
	await expect(async () => expect(await stored(page)).toEqual({ datasets: 0, chunks: 0 })).toPass();
});
