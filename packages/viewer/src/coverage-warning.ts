/// <reference lib="dom" />
/**
 * The "left the wind's area" warning on the map as well as above the results (header.ts writes it
 * there): on a 1280 × 720 screen the results lie below the map and the side view, so a warning that
 * the probabilities are only bounds would go unseen by an officer looking at the map. The map's copy
 * points at the wind's box drawn on it (the dashed line, header.ts drawWindCoverage).
 */

/** Shows on the map what `#unresolved-warning` says, or hides it with that warning. */
export function mirrorCoverageWarning(): void {
  const source = document.getElementById('unresolved-warning');
  const top = document.querySelector('.map-top');
  if (!source || !top) return;
  let note = document.getElementById('map-coverage-warning');
  if (!note) {
    note = document.createElement('p');
    note.id = 'map-coverage-warning';
    note.className = 'unresolved-warning map-coverage-warning';
    // The results' warning is the one a screen reader reads; this is its visible copy.
    note.setAttribute('aria-hidden', 'true');
    top.append(note);
  }
  note.hidden = source.hidden;
  note.textContent = source.hidden ? '' : `${source.textContent} (the wind's area: dashed line)`;
}
