import firstNames from './first-names.json';
import type { PiiKind } from './types';

/**
 * Recognisers for personal data in text values. A column is flagged when at least 80 % of the
 * distinct values looked at (up to 1,000) match one kind — 50 % for person names, which mix
 * with titles and initials. They are hints for a person to check, not proof.
 */
const NAMES: ReadonlySet<string> = new Set(firstNames as string[]);

const EMAIL = /^[^\s@]{1,64}@[^\s@]+\.[A-Za-z]{2,}$/;
const PHONE = /^\+?[\d\s().\-/]{7,24}$/;
const DATE_LIKE = /^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const IPV6 = /^(?=.*:.*:)[0-9a-f:]{2,39}(%\w+)?$/i;
const IBAN = /^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/;
const CARD = /^\d{13,19}$/;
const NAME_WORDS = /^[\p{L}][\p{L}'.-]*(?:,?\s+[\p{L}][\p{L}'.-]*){0,5}$/u;

export function isEmail(v: string): boolean {
	return EMAIL.test(v.trim());
}

/** 7–15 digits with phone punctuation; a bare digit run is a number or code, not a phone. */
export function isPhone(v: string): boolean {
	const t = v.trim();
	if (!PHONE.test(t) || DATE_LIKE.test(t)) return false;
	const digits = t.replace(/\D/g, '').length;
	return digits >= 7 && digits <= 15 && (t.startsWith('+') || /[\s().\-/]/.test(t));
}

export function isIp(v: string): boolean {
	const t = v.trim();
	return IPV4.test(t) || (IPV6.test(t) && !/:::/.test(t));
}

/** ISO 13616: move the first four characters to the end, letters → 10…35, remainder mod 97 = 1. */
export function isIban(v: string): boolean {
	const t = v.replace(/[\s-]/g, '').toUpperCase();
	if (!IBAN.test(t)) return false;
	const moved = t.slice(4) + t.slice(0, 4);
	let rest = 0;
	for (const ch of moved) {
		const code = ch.charCodeAt(0);
		const part = code >= 65 ? String(code - 55) : ch;
		for (const d of part) rest = (rest * 10 + Number(d)) % 97;
	}
	return rest === 1;
}

/** 13–19 digits (spaces or dashes allowed) passing the Luhn check. */
export function isCardNumber(v: string): boolean {
	const t = v.replace(/[\s-]/g, '');
	if (!CARD.test(t) || /^(\d)\1+$/.test(t)) return false;
	let sum = 0;
	for (let i = 0; i < t.length; i++) {
		let d = t.charCodeAt(t.length - 1 - i) - 48;
		if (i % 2 === 1) {
			d *= 2;
			if (d > 9) d -= 9;
		}
		sum += d;
	}
	return sum % 10 === 0;
}

/** One to six words of letters, at least one of them a common first name. */
export function isPersonName(v: string): boolean {
	const t = v.trim();
	if (t.length < 3 || t.length > 80 || !NAME_WORDS.test(t)) return false;
	return t.split(/[\s,.'-]+/).some((w) => NAMES.has(w.toLowerCase()));
}

const CHECKS: [PiiKind, (v: string) => boolean, number][] = [
	['email', isEmail, 0.8],
	['iban', isIban, 0.8],
	['card', isCardNumber, 0.8],
	['ip', isIp, 0.8],
	['phone', isPhone, 0.8],
	['name', isPersonName, 0.5]
];

/** The kind of personal data most values look like, or null. */
export function detectPii(values: readonly string[]): PiiKind | null {
	const sample = values.slice(0, 1000).filter((v) => v.trim() !== '');
	if (sample.length === 0) return null;
	for (const [kind, test, share] of CHECKS) {
		let hits = 0;
		for (const v of sample) if (test(v)) hits++;
		if (hits / sample.length >= share) return kind;
	}
	return null;
}
