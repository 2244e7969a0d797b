/// <reference lib="dom" />
/**
 * The error banner: every failure the duty officer must know of (a refused scenario, a run that
 * failed, a lost connection, a missing endpoint) is shown here, not only in the console. Issues
 * with a JSON path are also marked on the form field carrying that path (`data-path`).
 */
import { ApiError, type Issue } from './api.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

export function showError(title: string, message: string, issues: Issue[] = []): void {
  const banner = $('banner');
  $('banner-title').textContent = title;
  // A refused scenario's message repeats its issues: then the list alone says it.
  $('banner-message').textContent = issues.length > 0 ? '' : message;
  const list = $('banner-issues');
  list.replaceChildren(
    ...issues.map((issue) => {
      const li = document.createElement('li');
      const where = issue.field ?? issue.path;
      li.textContent = where ? `${where}: ${issue.message}` : issue.message;
      return li;
    }),
  );
  markFields(issues);
  banner.hidden = false;
}

/** Shows any thrown value: the server's message for an ApiError, the text of anything else. */
export function showFailure(title: string, error: unknown): void {
  if (error instanceof ApiError) showError(title, error.message, error.issues);
  else showError(title, error instanceof Error ? error.message : String(error));
}

export function clearError(): void {
  $('banner').hidden = true;
  markFields([]);
}

/** True when one path lies inside the other (or they are equal): `launch.times` and `launch.times.end`. */
const nested = (outer: string, inner: string) =>
  inner === outer || inner.startsWith(`${outer}.`) || inner.startsWith(`${outer}[`);

/**
 * Marks the fields an issue names, so a keyboard or screen reader user finds the field to fix;
 * clears the marks of the others. An issue marks its own field, the fields under it (launch.times →
 * start, end…) and above it (launch.sites[1].lon → the site list). Indices are compared where the
 * field has them (a site's lon field is `launch.sites[1].lon`), ignored where it has none.
 */
function markFields(issues: Issue[]): void {
  const paths = issues.map((i) => i.path).filter((p) => p !== '');
  for (const field of document.querySelectorAll<HTMLElement>('[data-path]')) {
    const path = field.dataset.path!;
    const bad = paths.some((p) => {
      const q = /\[\d+\]/.test(path) ? p : p.replace(/\[\d+\]/g, '');
      return nested(q, path) || nested(path, q);
    });
    if (bad) field.setAttribute('aria-invalid', 'true');
    else field.removeAttribute('aria-invalid');
  }
}

export function initBanner(): void {
  $('banner-close').addEventListener('click', clearError);
}
