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
      li.textContent = issue.path ? `${issue.path}: ${issue.message}` : issue.message;
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

/**
 * Marks the fields an issue names (`launch.sites[1]` marks launch.sites), so a keyboard or screen
 * reader user finds the field to fix; clears the marks of the others.
 */
function markFields(issues: Issue[]): void {
  const paths = issues.map((i) => i.path.replace(/\[\d+\]/g, ''));
  for (const field of document.querySelectorAll<HTMLElement>('[data-path]')) {
    const path = field.dataset.path!;
    // An issue marks its own field, the fields under it (launch.times → start, end…) and above it.
    const bad = paths.some(
      (p) => p !== '' && (p === path || p.startsWith(`${path}.`) || path.startsWith(`${p}.`)),
    );
    if (bad) field.setAttribute('aria-invalid', 'true');
    else field.removeAttribute('aria-invalid');
  }
}

export function initBanner(): void {
  $('banner-close').addEventListener('click', clearError);
}
