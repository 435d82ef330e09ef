/**
 * The SharedArrayBuffer a form prediction crosses between the page and the prediction lane
 * worker (workers/predict-lane.worker.ts): no message, no structured clone, no event-loop turn
 * on either side — the page writes the row's cells and flips a control word, the lane worker
 * (blocked in Atomics.wait, or still spinning after its last answer) computes and flips it back.
 * Imported by the page too, so it holds nothing but the byte layout.
 *
 * Bytes: [0, 64) control words (Int32) · [64, 64 + 4·MAX_CELLS) cell byte lengths (Uint32) ·
 * then the cells' UTF-8 (REQUEST_BYTES) · then the answer's UTF-8 JSON (ANSWER_BYTES).
 */

/** Control word indices. */
export const STATE = 0;
/** Bumped by the page per request; the lane copies it to ANSWER_SEQ with its answer, so a late answer to an abandoned request is never read as the next one's. */
export const SEQ = 1;
export const ANSWER_SEQ = 2;
export const CELL_COUNT = 3;
export const ANSWER_LENGTH = 4;

/** STATE values. The page only ever writes REQUEST and CLOSED; the lane only the answers. */
export const IDLE = 0;
export const REQUEST = 1;
/** Answer: a PredictResult as JSON. */
export const RESULT = 2;
/** Answer: this row needs the importer's full reading (or the answer did not fit); use the message lane. */
export const FALLBACK = 3;
/** Answer: `{ name, message }` of the KilnError the row raised. */
export const ERROR = 4;
/** The page is done with this lane: its worker leaves the loop. */
export const CLOSED = 5;

const CONTROL_BYTES = 64;
export const MAX_CELLS = 1024;
const REQUEST_BYTES = 64 * 1024;
const ANSWER_BYTES = 128 * 1024;
const LENGTHS_AT = CONTROL_BYTES;
const CELLS_AT = LENGTHS_AT + 4 * MAX_CELLS;
const ANSWER_AT = CELLS_AT + REQUEST_BYTES;
export const LANE_BYTES = ANSWER_AT + ANSWER_BYTES;

export interface LaneView {
	control: Int32Array;
	lengths: Uint32Array;
	cells: Uint8Array;
	answer: Uint8Array;
}

export function laneView(buffer: SharedArrayBuffer): LaneView {
	if (buffer.byteLength < LANE_BYTES) throw new RangeError(`A prediction lane needs ${LANE_BYTES} bytes; this buffer has ${buffer.byteLength}.`);
	return {
		control: new Int32Array(buffer, 0, CONTROL_BYTES / 4),
		lengths: new Uint32Array(buffer, LENGTHS_AT, MAX_CELLS),
		cells: new Uint8Array(buffer, CELLS_AT, REQUEST_BYTES),
		answer: new Uint8Array(buffer, ANSWER_AT, ANSWER_BYTES)
	};
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

// Browsers also refuse to encode into shared memory (TextEncoder.encodeInto takes no shared
// views): text is encoded into a local buffer and copied over in one go.
let requestScratch: Uint8Array | null = null;
let answerOut: Uint8Array | null = null;

/** The row's cells (in the lane's column order) into the request area; false when they do not fit (the message lane then carries the row). */
export function writeCells(view: LaneView, cells: readonly string[]): boolean {
	if (cells.length > MAX_CELLS) return false;
	requestScratch ??= new Uint8Array(REQUEST_BYTES);
	let at = 0;
	for (let i = 0; i < cells.length; i++) {
		const cell = cells[i];
		const { read, written } = encoder.encodeInto(cell, requestScratch.subarray(at));
		if (read < cell.length) return false;
		view.lengths[i] = written;
		at += written;
	}
	view.cells.set(requestScratch.subarray(0, at));
	Atomics.store(view.control, CELL_COUNT, cells.length);
	return true;
}

/** Nor do they decode from it (TextDecoder takes no shared views), and the other side may write again once the state flips: bytes are copied out first. */
function copyOut(shared: Uint8Array, length: number, scratch: { bytes: Uint8Array }): Uint8Array {
	if (scratch.bytes.length < length) scratch.bytes = new Uint8Array(Math.max(length, 2 * scratch.bytes.length));
	const local = scratch.bytes.subarray(0, length);
	local.set(shared.subarray(0, length));
	return local;
}

const cellScratch = { bytes: new Uint8Array(1024) };
const answerScratch = { bytes: new Uint8Array(1024) };

export function readCells(view: LaneView): string[] {
	const count = Math.min(Atomics.load(view.control, CELL_COUNT), MAX_CELLS);
	let total = 0;
	for (let i = 0; i < count; i++) total += view.lengths[i];
	if (total > view.cells.length) throw new RangeError('The prediction lane\'s cell lengths run past its buffer.');
	const bytes = copyOut(view.cells, total, cellScratch);
	const cells: string[] = new Array(count);
	let at = 0;
	for (let i = 0; i < count; i++) {
		const length = view.lengths[i];
		cells[i] = decoder.decode(bytes.subarray(at, at + length));
		at += length;
	}
	return cells;
}

/** The answer's text into the answer area; false when it does not fit. */
export function writeAnswer(view: LaneView, text: string): boolean {
	answerOut ??= new Uint8Array(ANSWER_BYTES);
	const { read, written } = encoder.encodeInto(text, answerOut);
	if (read < text.length) return false;
	view.answer.set(answerOut.subarray(0, written));
	Atomics.store(view.control, ANSWER_LENGTH, written);
	return true;
}

export function readAnswer(view: LaneView): string {
	const length = Math.min(Atomics.load(view.control, ANSWER_LENGTH), view.answer.length);
	return decoder.decode(copyOut(view.answer, length, answerScratch));
}
