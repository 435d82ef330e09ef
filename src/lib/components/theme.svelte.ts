/**
 * Light or dark: the system preference unless the person picked one (kept in localStorage,
 * which is read synchronously, so there is no flash of the wrong theme after the first paint).
 */
export type ThemeChoice = 'system' | 'light' | 'dark';
const KEY = 'kiln-theme';

class Theme {
	choice = $state<ThemeChoice>('system');
	#systemDark = $state(false);
	current = $derived<'light' | 'dark'>(this.choice === 'system' ? (this.#systemDark ? 'dark' : 'light') : this.choice);

	start(): void {
		const media = matchMedia('(prefers-color-scheme: dark)');
		this.#systemDark = media.matches;
		media.addEventListener('change', (e) => (this.#systemDark = e.matches));
		const saved = localStorage.getItem(KEY);
		if (saved === 'light' || saved === 'dark') this.choice = saved;
		$effect.root(() => {
			$effect(() => {
				document.documentElement.dataset.theme = this.current;
			});
		});
	}

	set(choice: ThemeChoice): void {
		this.choice = choice;
		if (choice === 'system') localStorage.removeItem(KEY);
		else localStorage.setItem(KEY, choice);
	}

	/** A CSS custom property's value now, for canvases that cannot read CSS variables. */
	color(variable: string): string {
		void this.current;
		return getComputedStyle(document.documentElement).getPropertyValue(variable).trim() || '#888';
	}
}

export const theme = new Theme();
