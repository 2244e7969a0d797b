/// <reference lib="dom" />
/**
 * Back-track mode: from radar detections (lon, lat, altitude, time) of one balloon, where was it
 * probably launched? The detections are typed in the form or picked on the map; the server traces
 * members backwards (sim-core `backtrack`) and answers
 *
 *   POST /api/backtrack { detections: [{ lon, lat, altM, time }], members?, maxFloatHours?, wind? }
 *   → { floatAltitudeM, mostLikely: [{ lon, lat, probability, medianLaunch }],
 *       grid: { lon0, lat0, cellDeg, nx, ny, counts } | null }
 *
 * drawn as the regions holding 50 % and 90 % of the plausible launch points, and the most likely
 * cells labelled with their probability. `wind` is the wind chosen in the scenario form, as a
 * scenario's `wind` (`{ type: 'file', paths: ['wind:<id>'] }`): a back-track needs one.
 */
import { isoTime } from '@balloon-sim/sim-core/protocol';
import type * as d3 from 'd3';
import { ApiError, type Issue, postJson } from './api.js';
import { clearError, showError, showFailure } from './banner.js';
import { type CountGrid, drawDensity } from './contours.js';
import type { MapView, Pin } from './map.js';
import { checkNumber, readDateTime, readNumber, ruleOf } from './numbers.js';
import { clock, percent } from './results.js';
import { formDateTime, parseUtcDateTime } from './time.js';

export interface Detection {
  lon: number;
  lat: number;
  altM: number;
  /** ISO 8601, UTC. */
  time: string;
}

export interface BacktrackAnswer {
  floatAltitudeM: number;
  mostLikely: { lon: number; lat: number; probability: number; medianLaunch: string | null }[];
  grid: CountGrid | null;
  members?: number;
  reachedGround?: number;
  plausible?: number;
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

export class Backtrack {
  detections: Detection[] = [];
  private answer: BacktrackAnswer | null = null;
  /** What the answer on screen was asked for (see `request`), to tell when it no longer fits. */
  private answeredFor: string | null = null;
  private readonly region: d3.Selection<SVGGElement, unknown, null, undefined>;
  private readonly pinsLayer: d3.Selection<SVGGElement, unknown, null, undefined>;

  constructor(
    private readonly view: MapView,
    region: d3.Selection<SVGGElement, unknown, null, undefined>,
    private readonly options: {
      /** Default time of a new detection (e.g. three hours after the scenario's first launch). */
      defaultTime: () => string;
      /** The wind to trace back through (the form's choice). */
      wind: () => Record<string, unknown> | undefined;
    },
  ) {
    this.region = region;
    this.pinsLayer = view.pins.append('g').attr('class', 'backtrack');
    view.on('resize', () => this.drawAnswer());
    $('detection-add').addEventListener('click', () => {
      // A first detection in the Vilnius approach area, the case the tool is for; later ones
      // continue from the last.
      const last = this.detections.at(-1);
      this.add(last ? last.lon + 0.1 : 25.0, last ? last.lat + 0.05 : 54.55);
      $<HTMLUListElement>('detection-list').querySelector<HTMLInputElement>('li:last-child input')?.focus();
    });
    $('backtrack-clear').addEventListener('click', () => this.clear());
    $('backtrack-form').addEventListener('input', () => this.markStale());
    $<HTMLFormElement>('backtrack-form').addEventListener('submit', (event) => {
      event.preventDefault();
      void this.run();
    });
    this.render();
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
    if (issues.length > 0) {
      showError('The back-track cannot run: fix these fields', '', issues);
      return null;
    }
    const body = { detections: this.detections, members, maxFloatHours, wind: this.options.wind() };
    const asked = this.request();
    $('backtrack-result').textContent = 'Tracing back…';
    try {
      this.answer = await postJson<BacktrackAnswer>('api/backtrack', body);
      this.answeredFor = asked;
      clearError();
    } catch (error) {
      this.answer = null;
      $('backtrack-result').textContent = '';
      if (error instanceof ApiError && error.status === 404 && /no route/i.test(error.message))
        showError('Back-track', 'This server has no back-track endpoint (POST /api/backtrack).');
      else showFailure('Back-track', error);
    }
    this.drawAnswer();
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
    const result = $('backtrack-result');
    if (!answer) return;
    const head = document.createElement('p');
    const counted =
      answer.plausible !== undefined && answer.members !== undefined
        ? ` ${answer.members} backward members; ${answer.plausible} launch points traced down from their paths lie inside the priors (launch region and window).`
        : '';
    head.textContent = `Float altitude ${Math.round(answer.floatAltitudeM)} m.${counted} Most likely launch cells:`;
    const list = document.createElement('ol');
    list.className = 'likely-list';
    list.replaceChildren(
      ...top.map((c) => {
        const li = document.createElement('li');
        li.textContent = `${c.lon.toFixed(2)} E, ${c.lat.toFixed(2)} N — ${percent(c.probability)}, launched ≈ ${clock(c.medianLaunch)}`;
        return li;
      }),
    );
    result.replaceChildren(head, list);
  }
}
