/// <reference lib="dom" />
/**
 * Back-track mode: from radar detections (lon, lat, altitude, time) of one balloon, where was it
 * probably launched? The detections are typed in the form or picked on the map, the priors set by
 * their controls (launch area, launch-time window in Vilnius local time, float-altitude band); the
 * server traces members backwards and cross-checks them forwards (sim-core `backtrack`):
 *
 *   POST /api/backtrack { detections: [{ lon, lat, altM, time }], members, maxFloatHours, wind,
 *                         region, launchWindow: { start, end }, floatAltitudes: [{ fromM, toM, weight }] }
 *   → sim-core's backtrackSummary: the priors as used, the posterior grid, the most likely cells
 *     (with distance and bearing from the first detection), the launch areas, the forward
 *     cross-check and its agreement, and the warnings.
 *
 * Drawn as the regions holding 50 % and 90 % of the posterior, the most likely cells numbered, the
 * forward check's cells (diamonds), best area (dashed circle) and a sample of its forward tracks
 * (asked for with `forwardTracks`: kept launches solid, rejected ones faint, under the detections);
 * the map then fits the answer and the detections. `wind` is the wind chosen in the scenario form, as a scenario's `wind`
 * (`{ type: 'file', paths: ['wind:<id>'] }`): a back-track needs one.
 */
import type { backtrackSummary } from '@balloon-sim/sim-core';
import { isoTime } from '@balloon-sim/sim-core/protocol';
import * as d3 from 'd3';
import { ApiError, type Issue, postJson } from './api.js';
import {
  boxOutline,
  distanceBearingText,
  FORECAST_MEMBER_COLUMNS,
  FORWARD_TRACKS_ASKED,
  fitTransform,
  forecastMemberRows,
  forwardText,
  forwardTracksText,
  launchWindowFor,
  localWithUtc,
  massBox,
  type Padding,
  type PriorControls,
  parseLocalClock,
  priorRequest,
} from './backtrack-view.js';
import { clearError, showError, showFailure } from './banner.js';
import { drawDensity } from './contours.js';
import type { MapView, Pin } from './map.js';
import { checkNumber, fieldName, readDateTime, readNumber, ruleOf } from './numbers.js';
import { clock, percent } from './results.js';
import { formDateTime, parseUtcDateTime } from './time.js';

export interface Detection {
  lon: number;
  lat: number;
  altM: number;
  /** ISO 8601, UTC. */
  time: string;
}

/** The server's answer: sim-core's summary of a back-track (JSON). */
export type BacktrackAnswer = ReturnType<typeof backtrackSummary>;

/** The zoom a fit may reach: a few cells across fill the map, no closer. */
const FIT_MAX_ZOOM = 8;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

export class Backtrack {
  detections: Detection[] = [];
  private answer: BacktrackAnswer | null = null;
  /** What the answer on screen was asked for (see `request`), to tell when it no longer fits. */
  private answeredFor: string | null = null;
  private readonly region: d3.Selection<SVGGElement, unknown, null, undefined>;
  private readonly areasLayer: d3.Selection<SVGGElement, unknown, null, undefined>;
  /** The forward check's tracks: under the areas' circles and every pin (the detections). */
  private readonly tracksLayer: d3.Selection<SVGGElement, unknown, null, undefined>;
  private readonly pinsLayer: d3.Selection<SVGGElement, unknown, null, undefined>;
  /** The zoom the last fit chose (fitAnswer), to tell whether the officer has moved the map since. */
  private fittedTo: d3.ZoomTransform | null = null;
  /** The detection first in time when the answer was asked for: its distances are from there. */
  private answeredFrom: { detection: Detection; label: string } | null = null;

  constructor(
    private readonly view: MapView,
    region: d3.Selection<SVGGElement, unknown, null, undefined>,
    private readonly options: {
      /** Default time of a new detection (e.g. three hours after the scenario's first launch). */
      defaultTime: () => string;
      /** The wind to trace back through (the form's choice). */
      wind: () => Record<string, unknown> | undefined;
      /** A zoomed layer of its own for the best estimates' circles (the region's holds contours). */
      areasLayer: d3.Selection<SVGGElement, unknown, null, undefined>;
      /** Moves the map to a zoom transform (MapView.zoomTo). */
      zoomTo: (transform: d3.ZoomTransform) => void;
    },
  ) {
    this.region = region;
    this.areasLayer = options.areasLayer;
    const areas = options.areasLayer.node()!;
    this.tracksLayer = d3
      .select(areas.parentNode as SVGGElement)
      .insert<SVGGElement>('g', () => areas)
      .attr('class', 'forward-tracks');
    this.pinsLayer = view.pins.append('g').attr('class', 'backtrack');
    view.on('resize', () => {
      this.drawAnswer();
      // A resize refits the map's projection; a view still as the fit left it is fitted again.
      const t = this.fittedTo;
      if (t && view.transform.k === t.k && view.transform.x === t.x && view.transform.y === t.y)
        this.fitAnswer();
    });
    $('detection-add').addEventListener('click', () => {
      // A first detection in the Vilnius approach area, the case the tool is for; later ones
      // continue from the last.
      const last = this.detections.at(-1);
      this.add(last ? last.lon + 0.1 : 25.0, last ? last.lat + 0.05 : 54.55);
      $<HTMLUListElement>('detection-list').querySelector<HTMLInputElement>('li:last-child input')?.focus();
    });
    $('backtrack-clear').addEventListener('click', () => this.clear());
    $('backtrack-form').addEventListener('input', () => {
      this.showWindow();
      this.markStale();
    });
    $('backtrack-form').addEventListener('change', () => this.markStale());
    $<HTMLFormElement>('backtrack-form').addEventListener('submit', (event) => {
      event.preventDefault();
      void this.run();
    });
    this.render();
  }

  /** The detection first in time (the core measures distances and bearings from it), with its label. */
  private firstDetection(): { detection: Detection; label: string } | null {
    let best: { detection: Detection; label: string } | null = null;
    this.detections.forEach((d, i) => {
      if (!best || Date.parse(d.time) < Date.parse(best.detection.time))
        best = { detection: d, label: `D${i + 1}` };
    });
    return best;
  }

  /** The priors' controls as typed (not checked). */
  private controls(): Record<keyof PriorControls, string> {
    return {
      area: $<HTMLSelectElement>('bt-area').value,
      fromLocal: $<HTMLInputElement>('bt-from').value.trim(),
      toLocal: $<HTMLInputElement>('bt-to').value.trim(),
      floatFromKm: $<HTMLInputElement>('bt-alt-from').value.trim(),
      floatToKm: $<HTMLInputElement>('bt-alt-to').value.trim(),
    };
  }

  /** The window the controls give for the first detection, in local time and UTC, under them. */
  private showWindow(): void {
    const note = $('bt-window');
    const first = this.firstDetection();
    const c = this.controls();
    if (!first || parseLocalClock(c.fromLocal) === null || parseLocalClock(c.toLocal) === null) {
      note.textContent = first
        ? 'Type both times as 24-hour HH:MM, Vilnius local time.'
        : 'The window is the last one opening before the first detection.';
      return;
    }
    const w = launchWindowFor(first.detection.time, c.fromLocal, c.toLocal);
    const clipped = Date.parse(w.end) > Date.parse(first.detection.time);
    note.textContent = `Launches from ${localWithUtc(w.start)} to ${
      clipped
        ? `${first.label}, the first detection, ${localWithUtc(first.detection.time)}`
        : localWithUtc(w.end)
    }.`;
  }

  /** Adds a detection at a point (from the map or the Add button). */
  add(lon: number, lat: number): void {
    const last = this.detections.at(-1);
    this.detections.push({
      lon: Math.round(lon * 1e4) / 1e4,
      lat: Math.round(lat * 1e4) / 1e4,
      altM: last?.altM ?? 3000,
      time: last ? isoTime(Date.parse(last.time) / 1000 + 600) : this.options.defaultTime(),
    });
    this.render();
    this.markStale();
  }

  /**
   * The request the form would send now, as text: the fields as typed (a field being corrected
   * differs from the answer's too), members, float time and wind.
   */
  private request(): string {
    const fields = $('detection-list').querySelectorAll<HTMLInputElement>('input');
    return JSON.stringify({
      detections: [...fields].map((box) => box.value.trim()),
      members: $<HTMLInputElement>('bt-members').value.trim(),
      maxFloatHours: $<HTMLInputElement>('bt-hours').value.trim(),
      priors: this.controls(),
      wind: this.options.wind(),
    });
  }

  /**
   * Marks the answer on screen stale (a note, the launch area and cells dimmed) once the
   * detections, the settings or the wind differ from what it was asked for, as the scenario's
   * results are (main.ts); unmarks it when they are back.
   */
  markStale(): void {
    const stale = this.answer !== null && this.request() !== this.answeredFor;
    $('backtrack-stale').hidden = !stale;
    $('map-wrap').classList.toggle('backtrack-stale', stale);
  }

  clear(): void {
    this.detections = [];
    this.answer = null;
    this.fittedTo = null;
    $('backtrack-result').replaceChildren();
    this.render();
    this.drawAnswer();
    this.markStale();
  }

  async run(): Promise<BacktrackAnswer | null> {
    if (this.detections.length === 0) {
      showError('Back-track', 'Add a detection first (Add detection, or Pick on the map).');
      return null;
    }
    // Every field checked from its text, every problem shown in the banner (the form has
    // novalidate: no browser popup), and nothing sent until all are right.
    const issues: Issue[] = [];
    for (const box of $('detection-list').querySelectorAll<HTMLInputElement>('input[inputmode]'))
      readNumber(box, issues);
    for (const box of $('detection-list').querySelectorAll<HTMLInputElement>('input[data-datetime]'))
      readDateTime(box, issues);
    const members = readNumber($<HTMLInputElement>('bt-members'), issues);
    const maxFloatHours = readNumber($<HTMLInputElement>('bt-hours'), issues);
    const typed = this.controls();
    for (const id of ['bt-from', 'bt-to']) {
      const box = $<HTMLInputElement>(id);
      if (parseLocalClock(box.value) === null)
        issues.push({
          path: box.dataset.path ?? '',
          field: fieldName(box),
          message: `must be a 24-hour time HH:MM, Vilnius local time, got "${box.value}"`,
        });
    }
    const floatFromKm = readNumber($<HTMLInputElement>('bt-alt-from'), issues);
    const floatToKm = readNumber($<HTMLInputElement>('bt-alt-to'), issues);
    if (floatFromKm !== undefined && floatToKm !== undefined && !(floatToKm > floatFromKm))
      issues.push({
        path: 'floatAltitudes',
        field: fieldName($<HTMLInputElement>('bt-alt-to')),
        message: `must be above the band's lower altitude (${floatFromKm} km), got "${typed.floatToKm}"`,
      });
    if (issues.length > 0) {
      showError('The back-track cannot run: fix these fields', '', issues);
      return null;
    }
    const first = this.firstDetection()!.detection;
    const priors = priorRequest(
      {
        area: typed.area === 'anywhere' ? 'anywhere' : 'by-border-strip',
        fromLocal: typed.fromLocal,
        toLocal: typed.toLocal,
        floatFromKm: floatFromKm!,
        floatToKm: floatToKm!,
      },
      first.time,
    );
    const body = {
      detections: this.detections,
      members,
      maxFloatHours,
      wind: this.options.wind(),
      ...priors,
      // A bounded sample of the forward check's tracks, to draw (FORWARD_TRACKS_ASKED: tens of kB).
      forwardTracks: FORWARD_TRACKS_ASKED,
    };
    const asked = this.request();
    const from = { detection: { ...first }, label: this.firstDetection()!.label };
    $('backtrack-result').textContent = 'Tracing back…';
    // One back-track at a time: a second, answered first, would be overwritten by the slower one.
    const button = $<HTMLButtonElement>('backtrack-run');
    button.disabled = true;
    try {
      this.answer = await postJson<BacktrackAnswer>('api/backtrack', body);
      this.answeredFor = asked;
      this.answeredFrom = from;
      clearError();
    } catch (error) {
      this.answer = null;
      $('backtrack-result').textContent = '';
      if (error instanceof ApiError && error.status === 404 && /no route/i.test(error.message))
        showError('Back-track', 'This server has no back-track endpoint (POST /api/backtrack).');
      else showFailure('Back-track', error);
    } finally {
      button.disabled = false;
    }
    this.drawAnswer();
    this.fitAnswer();
    this.markStale();
    return this.answer;
  }

  private render(): void {
    const list = $<HTMLUListElement>('detection-list');
    list.replaceChildren(
      ...this.detections.map((d, index) => {
        const li = document.createElement('li');
        li.className = 'detection';
        const path = `detections[${index}]`;
        /**
         * A field of the detection: a number is text read strictly (numbers.ts) within `bounds`, any
         * number of decimals; a valid value moves the pin as it is typed, a bad one is left for
         * run() to report.
         */
        const field = (label: string, key: 'lon' | 'lat' | 'altM' | 'time', bounds?: [number, number]) => {
          const wrap = document.createElement('label');
          wrap.className = 'coord';
          wrap.append(`${label} `);
          const box = document.createElement('input');
          box.required = true;
          box.dataset.path = `${path}.${key}`;
          box.dataset.field = `Detection D${index + 1} ${label}`;
          if (key === 'time') {
            // Text read as 24-hour UTC (time.ts): a datetime-local follows the browser's locale.
            box.type = 'text';
            box.dataset.datetime = '';
            box.placeholder = 'YYYY-MM-DD HH:MM';
            box.value = formDateTime(d.time);
          } else {
            box.type = 'text';
            box.inputMode = 'decimal';
            box.dataset.min = String(bounds![0]);
            box.dataset.max = String(bounds![1]);
            box.value = String(d[key]);
          }
          box.addEventListener('input', () => {
            if (key === 'time') {
              const iso = parseUtcDateTime(box.value);
              if (!iso) return;
              d.time = iso;
            } else {
              const checked = checkNumber(box.value, ruleOf(box));
              if (!checked.ok || checked.value === undefined) return;
              d[key] = checked.value;
            }
            this.drawPins();
          });
          wrap.append(box);
          return wrap;
        };
        const remove = document.createElement('button');
        remove.type = 'button';
        remove.className = 'small';
        remove.textContent = 'Remove';
        remove.setAttribute('aria-label', `Remove detection ${index + 1}`);
        remove.addEventListener('click', () => {
          this.detections.splice(index, 1);
          this.render();
          this.markStale();
          $('detection-add').focus();
        });
        li.append(
          field('lon', 'lon', [-180, 360]),
          field('lat', 'lat', [-90, 90]),
          // The server's limits (POST /api/backtrack).
          field('altitude (m)', 'altM', [-500, 30_000]),
          field('time (UTC)', 'time'),
          remove,
        );
        return li;
      }),
    );
    this.drawPins();
    this.showWindow();
  }

  private drawPins(): void {
    const data = this.detections.map((d, i) => ({ ...d, label: `D${i + 1}` }));
    this.pinsLayer
      .selectAll<SVGGElement, (typeof data)[number]>('g.detection')
      .data(data)
      .join((enter) => {
        const g = enter.append('g').attr('class', 'pin detection');
        g.append('circle').attr('r', 6);
        g.append('path').attr('d', 'M-9,0H9M0,-9V9');
        g.append('text').attr('x', 10).attr('dy', '-0.4em');
        return g;
      })
      .call((g) => g.select('text').text((d) => `${d.label} ${d.altM} m ${clock(d.time)}`));
    this.view.placePins(this.pinsLayer.selectAll<SVGGElement, Pin>('g.detection'));
  }

  private drawAnswer(): void {
    const answer = this.answer;
    drawDensity(this.region, this.view, answer?.grid ?? null, 'launch-region');
    const top = (answer?.mostLikely ?? []).slice(0, 5).map((c, i) => ({ ...c, rank: i + 1 }));
    this.pinsLayer
      .selectAll<SVGGElement, (typeof top)[number]>('g.likely')
      .data(top)
      .join((enter) => {
        const g = enter.append('g').attr('class', 'pin likely');
        g.append('circle').attr('r', 4);
        // The rank only: cells lie close together; their probabilities are in the list.
        g.append('text').attr('x', 6).attr('dy', '-0.3em');
        return g;
      })
      .call((g) => g.select('text').text((d) => String(d.rank)));
    this.view.placePins(this.pinsLayer.selectAll<SVGGElement, Pin>('g.likely'));
    this.drawForward();
    const result = $('backtrack-result');
    if (!answer) return;
    result.replaceChildren(...this.resultPanel(answer, top));
  }

  /**
   * The forward cross-check on the map: the cells its kept launches fall in (diamonds, no label:
   * they lie on or beside the back-track's) and its best estimate's area (a dashed circle), beside
   * the back-track's own best estimate (a solid circle).
   */
  private drawForward(): void {
    const forward = this.answer?.forward ?? null;
    const cells = (forward?.mostLikely ?? []).slice(0, 5);
    this.pinsLayer
      .selectAll<SVGGElement, (typeof cells)[number]>('g.forward-cell')
      .data(cells)
      .join((enter) => {
        const g = enter.append('g').attr('class', 'pin forward-cell');
        g.append('path').attr('d', 'M0,-6L6,0L0,6L-6,0Z');
        return g;
      });
    this.view.placePins(this.pinsLayer.selectAll<SVGGElement, Pin>('g.forward-cell'));
    // The forward tracks, rejected ones first so that the kept ones lie over them.
    const tracks = [...(forward?.tracks?.tracks ?? [])].sort((a, b) => Number(a.kept) - Number(b.kept));
    this.tracksLayer
      .selectAll<SVGPathElement, (typeof tracks)[number]>('path')
      .data(tracks)
      .join('path')
      .attr('class', (t) => `forward-track ${t.kept ? 'kept' : 'rejected'}`)
      .attr(
        'd',
        (t) =>
          this.view.path({
            type: 'LineString',
            coordinates: t.lon.map((lon, i) => [lon, t.lat[i]]),
          }) ?? '',
      );
    // The best estimates' areas: the back-track's (solid) and the forward check's (dashed).
    const circles = [
      { area: this.answer?.areas[0], className: 'best-area' },
      { area: forward?.areas[0], className: 'forward-area' },
    ].flatMap(({ area, className }) =>
      area
        ? [
            {
              className,
              shape: d3
                .geoCircle()
                .center([area.lon, area.lat])
                // km to degrees of arc on the mean sphere (6371 km).
                .radius(((area.radiusKm / 6371) * 180) / Math.PI)(),
            },
          ]
        : [],
    );
    this.areasLayer
      .selectAll('path')
      .data(circles)
      .join('path')
      .attr('class', (d) => d.className)
      .attr('d', (d) => this.view.path(d.shape) ?? '');
  }

  /** The result panel: the answer's figures, its priors, the cells with distance and bearing, the check. */
  private resultPanel(
    answer: BacktrackAnswer,
    top: (BacktrackAnswer['mostLikely'][number] & { rank: number })[],
  ) {
    const p = (text: string, className?: string) => {
      const el = document.createElement('p');
      el.textContent = text;
      if (className) el.className = className;
      return el;
    };
    const out: HTMLElement[] = [];
    // Warnings first: an empty or rough answer must not read as a firm one.
    if (answer.warnings.length > 0) {
      const list = document.createElement('ul');
      list.className = 'warnings backtrack-warnings';
      list.replaceChildren(
        ...answer.warnings.map((w) => {
          const li = document.createElement('li');
          li.textContent = w;
          return li;
        }),
      );
      out.push(list);
    }
    out.push(
      p(
        `Float altitude ${Math.round(answer.floatAltitudeM)} m. ${answer.members} backward members; ${answer.plausible} launch points traced down from their paths lie inside the priors.`,
      ),
    );
    const pr = answer.priors;
    const bands = pr.floatAltitudes
      ? pr.floatAltitudes
          .map((b) => `${b.fromM / 1000}–${b.toM / 1000} km${b.weight !== 1 ? ` ×${b.weight}` : ''}`)
          .join(', ')
      : pr.floatAltitudeM !== null
        ? `${pr.floatAltitudeM} m`
        : 'any';
    out.push(
      p(
        `Priors used: launch area ${pr.region ? `${pr.region.name} (${pr.region.id})` : "anywhere in the wind's area"}; launches from ${localWithUtc(pr.launchWindow.start)} to ${localWithUtc(pr.launchWindow.end)}; float altitude ${bands}.`,
        'backtrack-priors',
      ),
    );
    const first = this.answeredFrom;
    const best = answer.areas[0];
    if (best && first)
      out.push(
        p(
          `Best estimate (solid circle): within ${best.radiusKm} km of ${best.lon.toFixed(2)} E, ${best.lat.toFixed(2)} N (${percent(best.probability)} of the answer), ${distanceBearingText(best.distanceKm, best.bearingDeg)} from ${first.label}; launched ≈ ${clock(best.medianLaunch)}.`,
          'backtrack-best',
        ),
      );
    if (top.length > 0 && first) {
      out.push(
        p(
          `Most likely launch cells, with the distance (geodesic, WGS 84) and initial bearing from ${first.label}, the first detection in time (${clock(first.detection.time)}):`,
        ),
      );
      const list = document.createElement('ol');
      list.className = 'likely-list';
      list.replaceChildren(
        ...top.map((c) => {
          const li = document.createElement('li');
          li.textContent = `${c.lon.toFixed(2)} E, ${c.lat.toFixed(2)} N — ${percent(c.probability)} — ${distanceBearingText(c.distanceKm, c.bearingDeg)} — launched ≈ ${clock(c.medianLaunch)}`;
          return li;
        }),
      );
      out.push(list);
    }
    // A wind of several forecast members: each member's own best cell and share, and whether they
    // agree (the figures above are their weight mixture), so that a patrol is not sent to one place
    // when the weather says two.
    const members = forecastMemberRows(answer);
    if (answer.forecast && members.length > 0) {
      out.push(p(answer.forecast.sentence, 'backtrack-members-sentence'));
      const table = document.createElement('table');
      table.className = 'backtrack-members';
      const caption = document.createElement('caption');
      caption.textContent = `Forecast members (${members.length}), each back-tracked on its own; the cells above are their weight mixture`;
      const head = document.createElement('tr');
      for (const title of FORECAST_MEMBER_COLUMNS) {
        const th = document.createElement('th');
        th.scope = 'col';
        th.textContent = title;
        head.append(th);
      }
      const thead = document.createElement('thead');
      thead.append(head);
      const body = document.createElement('tbody');
      for (const row of members) {
        const tr = document.createElement('tr');
        const th = document.createElement('th');
        th.scope = 'row';
        th.textContent = row[0];
        tr.append(th);
        for (const text of row.slice(1)) {
          const td = document.createElement('td');
          td.textContent = text;
          tr.append(td);
        }
        body.append(tr);
      }
      table.append(caption, thead, body);
      out.push(table);
    }
    out.push(p(forwardText(answer), 'backtrack-forward'));
    const drawn = forwardTracksText(answer.forward?.tracks);
    if (drawn) out.push(p(drawn, 'backtrack-forward-tracks'));
    return out;
  }

  /**
   * Fits the map to the answer: the cells holding 90 % of the posterior, the forward check's cells
   * and the detections, through the map's own d3 zoom (so zooming on from there works as ever).
   */
  private fitAnswer(): void {
    const answer = this.answer;
    if (!answer) return;
    const lonLat: [number, number][] = this.detections.map((d) => [d.lon, d.lat]);
    const box = answer.grid ? massBox(answer.grid, 0.9) : null;
    const forwardCells = (answer.forward?.mostLikely ?? []).slice(0, 5);
    // An empty answer leaves the view as it is: nothing to fit but the detections.
    if (!box && forwardCells.length === 0) return;
    if (box) lonLat.push(...boxOutline(box));
    for (const c of forwardCells) lonLat.push([c.lon, c.lat]);
    const points = lonLat
      .map((p) => this.view.projection(p))
      .filter((p): p is [number, number] => p !== null);
    this.fittedTo = fitTransform(points, this.view.width, this.view.height, {
      pad: overMap(),
      maxK: FIT_MAX_ZOOM,
    });
    this.options.zoomTo(this.fittedTo);
  }
}

/**
 * The room the map's overlays take at its edges (CSS pixels): the run caption and warnings over its
 * top, the legends down its right, the zoom buttons at its left, the scale bar at its bottom; a
 * margin of 24 px more keeps markers off their edges.
 */
function overMap(): Padding {
  const map = $('map-wrap').getBoundingClientRect();
  const margin = 24;
  let top = 0;
  for (const el of document.querySelectorAll<HTMLElement>('.map-top > *'))
    if (!el.hidden && el.offsetParent !== null)
      top = Math.max(top, el.getBoundingClientRect().bottom - map.top);
  const legends = document.querySelector<HTMLElement>('.map-legends')?.getBoundingClientRect();
  const right = legends && legends.width > 0 ? map.right - legends.left : 0;
  return { top: top + margin, right: right + margin, bottom: 40 + margin, left: 48 + margin };
}
