/// <reference lib="dom" />
/**
 * Numbers typed into the page, read strictly, and every problem with them named.
 *
 * The page's number fields are text fields (`inputmode="decimal"`) checked here, not the browser's
 * `type="number"`: that input hides what was typed when it cannot parse it ("12e" reads as ""), so
 * the page could neither name the value in its banner nor tell a typo from an empty field, and its
 * `step` made the browser refuse a map-placed 54.1234 with a popup of its own and no run.
 *
 * A field's rule is written on the element, beside its label: `data-integer`, `data-min`
 * (inclusive), `data-above` (exclusive), `data-max`, and `required`; `data-path` is the scenario
 * path the field fills (the banner marks the field by it) and `data-field` names it where its label
 * alone is ambiguous ("lon" of which site).
 */
import type { Issue } from './api.js';
import { parseUtcDateTime } from './time.js';

/** Plain decimal notation: an optional sign, digits with an optional point. No exponent, no comma. */
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;

/** The number `text` writes in plain decimal notation, or undefined for anything else. */
export function parseDecimal(text: string): number | undefined {
  const trimmed = text.trim();
  return DECIMAL.test(trimmed) ? Number(trimmed) : undefined;
}

export interface NumberRule {
  /** Whole numbers only. */
  integer?: boolean;
  /** The smallest value allowed. */
  min?: number;
  /** Values must be greater than this. */
  above?: number;
  /** The largest value allowed. */
  max?: number;
  /** Empty is a problem; otherwise empty means "not given". */
  required?: boolean;
}

export type Checked = { ok: true; value: number | undefined } | { ok: false; problem: string };

/** The value typed (undefined when empty and allowed), or what is wrong with it, quoting the text. */
export function checkNumber(text: string, rule: NumberRule): Checked {
  const typed = text.trim();
  if (typed === '')
    return rule.required ? { ok: false, problem: 'must be given' } : { ok: true, value: undefined };
  const got = `got "${typed}"`;
  const value = parseDecimal(typed);
  if (value === undefined)
    return {
      ok: false,
      problem: typed.includes(',')
        ? `must be a number written with a decimal point, ${got}`
        : `must be a number, ${got}`,
    };
  if (rule.integer && !Number.isInteger(value))
    return { ok: false, problem: `must be a whole number, ${got}` };
  if (rule.min !== undefined && value < rule.min)
    return { ok: false, problem: `must be at least ${rule.min}, ${got}` };
  if (rule.above !== undefined && !(value > rule.above))
    return { ok: false, problem: `must be more than ${rule.above}, ${got}` };
  if (rule.max !== undefined && value > rule.max)
    return { ok: false, problem: `must be at most ${rule.max}, ${got}` };
  return { ok: true, value };
}

/** The rule written on a field's data attributes. */
export function ruleOf(input: HTMLInputElement): NumberRule {
  const bound = (name: string) => {
    const text = input.dataset[name];
    return text === undefined ? undefined : Number(text);
  };
  return {
    integer: input.dataset.integer !== undefined,
    min: bound('min'),
    above: bound('above'),
    max: bound('max'),
    required: input.required,
  };
}

/** The name the banner gives a field: its `data-field`, else its label's text, else its id. */
export function fieldName(input: HTMLInputElement): string {
  return input.dataset.field ?? input.labels?.[0]?.textContent?.trim() ?? input.id;
}

/**
 * A field's value under its rule (`extra` adds to it, e.g. required only when the field is used); a
 * problem is added to `issues`, and undefined returned.
 */
export function readNumber(
  input: HTMLInputElement,
  issues: Issue[],
  extra: NumberRule = {},
): number | undefined {
  const checked = checkNumber(input.value, { ...ruleOf(input), ...extra });
  if (checked.ok) return checked.value;
  issues.push({ path: input.dataset.path ?? '', field: fieldName(input), message: checked.problem });
  return undefined;
}

/** A field's value when it is valid, else undefined: for live displays, which report nothing. */
export function numberOrUndefined(input: HTMLInputElement): number | undefined {
  const checked = checkNumber(input.value, ruleOf(input));
  return checked.ok ? checked.value : undefined;
}

/**
 * A UTC date and time field (a text field, "YYYY-MM-DD HH:MM", 24-hour; see time.ts): its value as
 * "YYYY-MM-DDTHH:MM" (empty when empty), or "" with the problem added to `issues` — one typed in
 * part or in another form is refused, never read as "none".
 */
export function readDateTime(input: HTMLInputElement, issues: Issue[]): string {
  const text = input.value.trim();
  const iso = text === '' ? null : parseUtcDateTime(text);
  const problem =
    text === ''
      ? input.required
        ? 'must be given'
        : null
      : iso === null
        ? `is not a complete date and time (YYYY-MM-DD HH:MM, 24-hour UTC), got "${input.value}"`
        : null;
  if (problem) issues.push({ path: input.dataset.path ?? '', field: fieldName(input), message: problem });
  return iso ? iso.slice(0, 16) : '';
}
