/// <reference lib="dom" />
/**
 * A shareable link: the scenario in the form, and the bundled scenario it started from, in the
 * URL's hash (`#s=` base64url of the JSON), so a colleague opening it gets the same form. Nothing
 * is sent anywhere: the hash never reaches the server. A link that does not read is refused with
 * a message naming what was wrong, and the page opens on its default scenario.
 */
import type { Scenario } from '@balloon-sim/sim-core';

export interface Shared {
  /** The bundled scenario the form started from (its id). */
  template: string;
  scenario: Scenario;
}

const PREFIX = '#s=';

function toBase64Url(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): string {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
}

/** The hash for a scenario: "#s=…". */
export function shareHash(shared: Shared): string {
  return PREFIX + toBase64Url(JSON.stringify({ v: 1, template: shared.template, scenario: shared.scenario }));
}

/** The scenario a hash carries; null when there is none; an Error naming the problem when it does not read. */
export function readShareHash(hash: string): Shared | null | Error {
  if (!hash.startsWith(PREFIX)) return null;
  let doc: unknown;
  try {
    doc = JSON.parse(fromBase64Url(hash.slice(PREFIX.length)));
  } catch {
    return new Error(
      `the link's scenario (#s=…, ${hash.length - PREFIX.length} characters) is not readable: it may be cut short`,
    );
  }
  const d = doc as { v?: unknown; template?: unknown; scenario?: unknown };
  if (d?.v !== 1)
    return new Error(`the link's scenario has version ${JSON.stringify(d?.v)}, this page reads version 1`);
  if (typeof d.template !== 'string')
    return new Error(
      `the link's "template" must be a bundled scenario's id, got ${JSON.stringify(d.template)}`,
    );
  const s = d.scenario as Partial<Scenario> | undefined;
  if (!s || typeof s !== 'object' || !s.launch || !s.flight || !s.wind)
    return new Error(`the link's "scenario" lacks launch, flight or wind`);
  return { template: d.template, scenario: s as Scenario };
}
