import { dedupe, type Finding } from './secretScanner';

/**
 * Personal data in model output: email addresses, phone numbers and payment card numbers (only
 * those that pass the Luhn check, so order numbers and timestamps stay).
 */
const EMAIL =
  /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})*\.[A-Za-z]{2,24}(?![A-Za-z0-9-])/g;
// International (+CC …) or grouped national numbers, 9 to 15 digits in all.
const PHONE = /(?<![\w+.-])(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,4}\)[ .-]?)?\d{2,4}(?:[ .-]\d{2,4}){1,4}(?![\w.-]*\d)/g;
const CARD = /(?<!\d)\d(?:[ -]?\d){12,18}(?!\d)/g;

export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

export function findPii(text: string): Finding[] {
  const found: Finding[] = [];
  for (const m of text.matchAll(EMAIL)) found.push({ kind: 'email', start: m.index, end: m.index + m[0].length });
  for (const m of text.matchAll(CARD)) {
    const digits = m[0].replace(/\D/g, '');
    if (digits.length >= 13 && digits.length <= 19 && luhnValid(digits))
      found.push({ kind: 'card_number', start: m.index, end: m.index + m[0].length });
  }
  for (const m of text.matchAll(PHONE)) {
    const digits = m[0].replace(/\D/g, '');
    if (digits.length < 9 || digits.length > 15) continue;
    // Dates and versions are grouped digits too; a phone number has no 4-digit year first.
    if (/^\d{4}[-.]\d{2}[-.]\d{2}$/.test(m[0])) continue;
    found.push({ kind: 'phone', start: m.index, end: m.index + m[0].length });
  }
  // Cards first when they overlap a "phone": dedupe keeps the earlier, longer match.
  return dedupe(found);
}
