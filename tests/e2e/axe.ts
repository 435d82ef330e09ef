import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';

/**
 * axe-core's WCAG 2 A/AA and best-practice rules on the page as it is now; returns the serious
 * and critical findings (the bar is none), each naming the state and the elements. Only violations
 * are detailed: the passes' node lists, read by nothing here, were serialised and parsed on every
 * audit (the a11y journey: 78 against 86 CPU-s). Legacy mode runs axe.run in the page itself: the
 * default opened a blank page per audit, injected axe into it again and finished the run there (for
 * cross-origin frames, which the studio has none of); that was 1.5–2 s of an audit's 4–5 s.
 */
export async function audit(page: Page, state: string): Promise<string[]> {
	const { violations } = await new AxeBuilder({ page }).setLegacyMode(true).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).options({ resultTypes: ['violations'] }).analyze();
	return violations
		.filter((v) => v.impact === 'serious' || v.impact === 'critical')
		.map((v) => `${state}: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(' | ')}`);
}
