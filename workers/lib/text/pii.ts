/**
 * E-mail addresses and phone numbers in free text, found by pattern. It finds what looks like
 * one (a false positive costs a masked number; a miss leaks), but it is a pattern match, not a
 * guarantee: names, street addresses and IDs are not detected.
 */
export type PiiKind = 'email' | 'phone';

export interface PiiMatch {
	kind: PiiKind;
	start: number;
	end: number;
}

// Starts only where a local part can start and parts are bounded (RFC 5321: 64 / 63), so a long run
// of letters costs linear time, not quadratic.
const EMAIL = /(?<![\p{L}\p{N}._%+-])[\p{L}\p{N}._%+-]{1,64}@[\p{L}\p{N}-]{1,63}(?:\.[\p{L}\p{N}-]{1,63}){0,8}\.\p{L}{2,24}/gu;
// Optional +country, optional (area), then 2–4 digit groups separated by space, dot or dash.
const PHONE = /(?<![\p{L}\p{N}+@._/-])(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,5}\)[ .-]?)?\d{2,5}(?:[ .-]?\d{2,5}){1,4}(?![\p{L}\p{N}@]|[.-]\d)/gu;
const DATE = /^\d{4}[.-]\d{1,2}[.-]\d{1,2}$|^\d{1,2}[.-]\d{1,2}[.-]\d{2,4}$/;
const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;
const DECIMAL = /^\d+\.\d+$/;

export const PII_LABELS: Record<PiiKind, string> = { email: '[EMAIL]', phone: '[PHONE]' };

/** Matches in text order, never overlapping (an e-mail wins over digits inside it). */
export function findPii(text: string, kinds: readonly PiiKind[] = ['email', 'phone']): PiiMatch[] {
	const found: PiiMatch[] = [];
	if (kinds.includes('email')) for (const m of text.matchAll(EMAIL)) found.push({ kind: 'email', start: m.index, end: m.index + m[0].length });
	if (kinds.includes('phone')) {
		for (const m of text.matchAll(PHONE)) {
			const s = m[0];
			const digits = s.replace(/\D/g, '').length;
			// 7–15 digits (E.164 allows 15); dates, IPv4 addresses and plain decimals are not phones.
			if (digits < 7 || digits > 15 || DATE.test(s) || IPV4.test(s) || DECIMAL.test(s)) continue;
			const start = m.index;
			const end = start + s.length;
			if (!found.some((f) => f.start < end && start < f.end)) found.push({ kind: 'phone', start, end });
		}
	}
	return found.sort((a, b) => a.start - b.start);
}

/** The text with each match replaced by its label ([EMAIL], [PHONE]), and how many of each were masked. */
export function maskPii(text: string, kinds: readonly PiiKind[] = ['email', 'phone']): { text: string; counts: Record<PiiKind, number> } {
	const counts: Record<PiiKind, number> = { email: 0, phone: 0 };
	let out = '';
	let at = 0;
	for (const m of findPii(text, kinds)) {
		out += text.slice(at, m.start) + PII_LABELS[m.kind];
		at = m.end;
		counts[m.kind]++;
	}
	return { text: out + text.slice(at), counts };
}
