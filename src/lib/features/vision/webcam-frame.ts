/**
 * One webcam frame, centre-cropped to a square, as a PNG. Training capture and camera
 * prediction both take frames here; the worker then resizes them to the project's input size
 * exactly as it does imported and dropped files (workers/data/decode-image.ts).
 */
export function grabFrame(video: HTMLVideoElement, size: number): Promise<Blob | null> {
	if (video.videoWidth === 0) return Promise.resolve(null);
	const side = Math.min(video.videoWidth, video.videoHeight);
	const canvas = document.createElement('canvas');
	canvas.width = canvas.height = Math.max(size, 96);
	canvas.getContext('2d')?.drawImage(video, (video.videoWidth - side) / 2, (video.videoHeight - side) / 2, side, side, 0, 0, canvas.width, canvas.height);
	return new Promise((resolve) => canvas.toBlob(resolve, 'image/png'));
}

/** getUserMedia's refusals in words a person can act on. */
export function cameraProblem(error: unknown, alternative: string): string {
	const name = error instanceof DOMException || error instanceof Error ? error.name : '';
	if (name === 'NotAllowedError' || name === 'SecurityError') return `The camera was refused. Allow the camera for this site in the browser's address bar, or ${alternative}.`;
	if (name === 'NotFoundError' || name === 'OverconstrainedError') return `No camera was found. Connect one, or ${alternative}.`;
	if (name === 'NotReadableError' || name === 'AbortError') return `The camera is busy or could not start (another app may be using it). Close that app, or ${alternative}.`;
	return `The camera could not be opened (${error instanceof Error ? error.message : 'refused'}). Allow the camera for this site, or ${alternative}.`;
}

/** Open the camera, or say why not (no camera API outside a secure page). */
export async function openCamera(): Promise<MediaStream> {
	if (!navigator.mediaDevices?.getUserMedia) throw new DOMException('This page cannot use a camera (it needs https or localhost).', 'NotSupportedError');
	return navigator.mediaDevices.getUserMedia({ video: { width: 320, height: 240 }, audio: false });
}
