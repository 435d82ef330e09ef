import type { UiError } from '$lib/components/ui-error';
import { cameraProblem, openCamera } from './webcam-frame';

/**
 * The camera as training capture and camera prediction both hold it: opened on request, shown in a
 * video element, closed when the component goes (also when that happens while it was opening).
 */
export class Camera {
	stream = $state<MediaStream | null>(null);
	/** A frame has arrived: until then a grab would read an empty video, so capture buttons wait on this. */
	ready = $state(false);
	error = $state<UiError | null>(null);
	#closed = false;
	readonly #alternative: string;

	/** `alternative`: what the person can do without a camera, for the error message. */
	constructor(alternative: string) {
		this.#alternative = alternative;
	}

	async start(): Promise<void> {
		this.error = null;
		try {
			const stream = await openCamera();
			if (this.#closed) stream.getTracks().forEach((t) => t.stop());
			else this.stream = stream;
		} catch (e) {
			this.error = { name: 'ImportError', message: cameraProblem(e, this.#alternative) };
		}
	}

	/** Call from an effect: plays the stream in the video element once both exist. */
	show(video: HTMLVideoElement | undefined): void {
		if (!video || !this.stream) return;
		video.srcObject = this.stream;
		if (video.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA) this.ready = true;
		else video.addEventListener('loadeddata', () => (this.ready = this.stream !== null), { once: true });
		void video.play().catch(() => {});
	}

	stop(): void {
		this.stream?.getTracks().forEach((t) => t.stop());
		this.stream = null;
		this.ready = false;
	}

	/** The component is gone: stop, and stop a stream that is still being opened when it arrives. */
	close(): void {
		this.#closed = true;
		this.stop();
	}
}
