/// <reference lib="dom" />
/**
 * The map's key: every symbol the map draws that the track and probability legends do not
 * already explain — airports, launch sites, zones, the border, the launch strip, the wind's box,
 * radar detections and the back-track's answer. Each swatch is drawn with the same classes as the
 * map (style.css), so the key cannot drift from what it explains.
 */

const SVG = 'http://www.w3.org/2000/svg';

/** A 26 × 16 swatch holding `inner` (SVG markup with the map's classes, centred at 13, 8). */
function swatch(inner: string): SVGSVGElement {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('width', '26');
  svg.setAttribute('height', '16');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('class', 'key-swatch');
  svg.innerHTML = inner;
  return svg;
}

const box = (cls: string) => `<path class="${cls}" d="M2,2H24V14H2Z"/>`;

export const MAP_KEY: readonly { label: string; svg: string }[] = [
  {
    label: 'airport',
    svg: '<g class="airport" transform="translate(13,8)"><circle r="4.5"/><path d="M-7,0H7M0,-7V7"/></g>',
  },
  { label: 'launch site (drag to move)', svg: '<path class="site-symbol" d="M13,1L20,13H6Z"/>' },
  { label: 'CTR (control zone)', svg: box('zone zone-ctr') },
  { label: 'approach area', svg: box('zone zone-approach') },
  { label: 'restricted area', svg: box('zone zone-restricted') },
  {
    label: 'LT–BY border',
    svg: '<path class="border-casing" d="M1,8H25"/><path class="border-line" d="M1,8H25"/>',
  },
  { label: 'Belarusian launch strip', svg: box('launch-strip') },
  { label: "wind data's area", svg: '<path class="wind-coverage" d="M2,2H24V14H2Z"/>' },
  {
    label: 'radar detection',
    svg: '<g class="detection" transform="translate(13,8)"><circle r="5"/><path d="M-8,0H8M0,-8V8"/></g>',
  },
  { label: 'back-track launch area 50 % / 90 %', svg: box('launch-region') },
  {
    label: 'most likely launch cell',
    svg: '<g class="likely" transform="translate(13,8)"><circle r="4"/></g>',
  },
  { label: 'back-track: best estimate (10 km)', svg: '<circle class="best-area" cx="13" cy="8" r="6"/>' },
  {
    label: 'forward check: launch cell kept',
    svg: '<g class="forward-cell" transform="translate(13,8)"><path d="M0,-6L6,0L0,6L-6,0Z"/></g>',
  },
  {
    label: 'forward check: track of a kept launch',
    svg: '<path class="forward-track kept" d="M2,13C9,12 15,4 24,3"/>',
  },
  {
    label: 'forward check: track of a rejected launch',
    svg: '<path class="forward-track rejected" d="M2,13C9,12 15,4 24,3"/>',
  },
  {
    label: 'forward check: best estimate (10 km)',
    svg: '<circle class="forward-area" cx="13" cy="8" r="6"/>',
  },
];

/** Fills the key's list. */
export function mapKey(list: HTMLElement): void {
  list.replaceChildren(
    ...MAP_KEY.map((k) => {
      const li = document.createElement('li');
      const text = document.createElement('span');
      text.textContent = k.label;
      li.append(swatch(k.svg), text);
      return li;
    }),
  );
}
