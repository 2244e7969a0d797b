/// <reference lib="dom" />
/**
 * The scenario form. A bundled scenario is the template: its values fill the form, and whatever the
 * form does not show (solver method and step, other perturbations, zones, ground elevation) is
 * kept from it. `read()` builds the document the server runs (the shape of
 * packages/sim-core/scenario.schema.json). Which member is which the server says when it accepts
 * the run (sim-core's member layout).
 */
import type { Scenario } from '@balloon-sim/sim-core';
import { launchTimeCount } from '@balloon-sim/sim-core/protocol';
import type { Issue, WindListItem } from './api.js';
import { numberOrUndefined, readDateTime, readNumber } from './numbers.js';
import type { SiteStore } from './sites.js';
import { formDateTime, localClock, parseUtcDateTime, vilniusOffset } from './time.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const input = (id: string) => $<HTMLInputElement>(id);

/** "2025-10-24T17:00:00Z" → "2025-10-24 17:00" (the field's value, UTC by the legend's word). */
const toLocalInput = formDateTime;
/** The other way, from readDateTime's "2025-10-24T17:00". */
const fromLocalInput = (value: string) => (value ? `${value}:00Z` : '');

/** A number field's value when valid, else undefined (for live displays; `read` reports problems). */
const numberOf = (id: string) => numberOrUndefined(input(id));

function setNumber(id: string, value: number | undefined, scale = 1): void {
  input(id).value = value === undefined ? '' : String(Math.round((value / scale) * 1000) / 1000);
}

export class ScenarioForm {
  private template: Scenario | null = null;
  private winds: WindListItem[] = [];

  constructor(private readonly sites: SiteStore) {
    const update = () => this.updateCount();
    for (const id of ['t-start', 't-end', 't-every', 'e-members', 'area-use', 'area-points'])
      input(id).addEventListener('input', update);
    sites.onChange(update);
  }

  setWinds(winds: WindListItem[]): void {
    this.winds = winds;
    const select = $<HTMLSelectElement>('wind');
    select.replaceChildren(
      ...winds.map((w) => {
        const option = document.createElement('option');
        option.value = w.id;
        option.textContent = w.id;
        return option;
      }),
    );
  }

  /** Where the run is computed: the server's CPU (the default and the reference) or this browser's GPU. */
  get computeOn(): 'server' | 'gpu' {
    const gpu = input('compute-gpu');
    return gpu.checked && !gpu.disabled ? 'gpu' : 'server';
  }

  /**
   * The GPU choice, offered when the browser gave an adapter (named beside it), otherwise disabled
   * with the reason shown; the server stays chosen until someone picks the GPU.
   */
  setGpu(gpu: { ok: true; name: string } | { ok: false; reason: string }): void {
    const choice = input('compute-gpu');
    choice.disabled = !gpu.ok;
    if (!gpu.ok) input('compute-server').checked = true;
    $('compute-gpu-note').textContent = gpu.ok
      ? `GPU found: ${gpu.name}. The server's run stays the reference.`
      : `Not available: ${gpu.reason}.`;
  }

  /** The wind chosen in the form (its id), for the wind layer. */
  get windId(): string {
    return $<HTMLSelectElement>('wind').value;
  }

  /** The chosen wind as a scenario's `wind` (for the back-track request). */
  get windSource(): Record<string, unknown> | undefined {
    return this.winds.find((w) => w.id === this.windId)?.source;
  }

  /** Fills the form from a bundled scenario (`id` picks its wind in the list). */
  load(doc: Scenario, id: string): void {
    this.template = doc;
    const wind = this.winds.find((w) => w.scenarios.includes(id));
    if (wind) $<HTMLSelectElement>('wind').value = wind.id;
    const launch = doc.launch;
    this.sites.set((launch.sites ?? []).map((s) => ({ id: s.id, name: s.name, lon: s.lon, lat: s.lat })));
    input('area-use').checked = Boolean(launch.area?.bundled);
    setNumber('area-points', launch.area?.points ?? 40);
    input('t-start').value = toLocalInput(launch.times.start);
    input('t-end').value = launch.times.end ? toLocalInput(launch.times.end) : '';
    setNumber('t-every', launch.times.everySec, 60);
    const f = doc.flight;
    setNumber('f-float', f.floatAltitudeM);
    setNumber('f-ascent', f.ascentRateMps);
    setNumber('f-float-time', f.floatDurationSec, 60);
    setNumber('f-descent', f.descentRateMps);
    setNumber('f-release', f.releaseAfterSec, 60);
    setNumber('r-hours', doc.solver.durationSec, 3600);
    const e = doc.ensemble;
    setNumber('e-members', e?.members ?? 1);
    setNumber('e-pos', e?.perturb?.positionM);
    setNumber('e-wind', e?.perturb?.windSigmaMps);
    setNumber('e-seed', e?.seed);
    $('wind-note').textContent = doc.description ?? '';
    this.updateCount();
  }

  /**
   * The scenario document from the form, or (scenario null) every problem of its fields, each
   * naming the field and quoting what was typed, for the banner. Nothing is shown here: the page
   * also reads the form silently, to tell whether the results on screen are still its scenario's.
   */
  read(): { scenario: Scenario; issues: [] } | { scenario: null; issues: Issue[] } {
    const issues: Issue[] = [];
    const num = (id: string) => readNumber(input(id), issues);
    // A site's fields move its marker only when valid: a bad one is found here, in its text.
    for (const box of $('site-list').querySelectorAll<HTMLInputElement>('input')) readNumber(box, issues);
    // The strip's point count is needed only when the strip is sampled.
    const useArea = input('area-use').checked;
    const points = useArea ? readNumber(input('area-points'), issues, { required: true }) : undefined;
    const base: Scenario = this.template ?? ({ solver: {}, flight: {}, launch: {} } as unknown as Scenario);
    const wind = this.winds.find((w) => w.id === this.windId);
    const start = fromLocalInput(readDateTime(input('t-start'), issues));
    const end = fromLocalInput(readDateTime(input('t-end'), issues));
    const everyMin = num('t-every');
    const times: Scenario['launch']['times'] = { start };
    if (end && end !== start) {
      times.end = end;
      if (everyMin !== undefined) times.everySec = everyMin * 60;
    }
    const launch: Scenario['launch'] = { times };
    if (this.sites.sites.length > 0)
      launch.sites = this.sites.sites.map((s) => ({
        id: s.id,
        ...(s.name ? { name: s.name } : {}),
        lon: s.lon,
        lat: s.lat,
      }));
    if (useArea) launch.area = { ...base.launch.area, bundled: 'by-border-strip', points: points ?? 40 };

    const flight: Scenario['flight'] = {};
    const set = <K extends keyof Scenario['flight']>(key: K, value: number | undefined) => {
      if (value !== undefined) flight[key] = value as Scenario['flight'][K];
    };
    // Read in the page's order, so that the banner lists problems as the form shows the fields.
    set('floatAltitudeM', num('f-float'));
    set('ascentRateMps', num('f-ascent'));
    set('floatDurationSec', minutes(num('f-float-time')));
    set('descentRateMps', num('f-descent'));
    set('releaseAfterSec', minutes(num('f-release')));
    if (base.flight.burstAltitudeM !== undefined) flight.burstAltitudeM = base.flight.burstAltitudeM;

    const hours = num('r-hours');
    const members = num('e-members');
    const perturb = { ...base.ensemble?.perturb };
    const positionM = num('e-pos');
    const windSigmaMps = num('e-wind');
    if (positionM !== undefined) perturb.positionM = positionM;
    else delete perturb.positionM;
    if (windSigmaMps !== undefined) perturb.windSigmaMps = windSigmaMps;
    else delete perturb.windSigmaMps;
    const ensemble: NonNullable<Scenario['ensemble']> = { members: members ?? 1, perturb };
    const seed = num('e-seed');
    if (seed !== undefined) ensemble.seed = seed;

    if (issues.length > 0) return { scenario: null, issues };
    const { $schema: _schema, ...rest } = base;
    return {
      scenario: {
        ...rest,
        ...(wind ? { wind: wind.source as Scenario['wind'] } : {}),
        launch,
        flight,
        solver: { ...base.solver, durationSec: Math.round((hours ?? 8) * 3600) },
        ensemble,
      },
      issues: [],
    };
  }

  /** The launch window in Vilnius local time, under the UTC fields. */
  private updateLocal(start: string, end: string): void {
    const local = (iso: string) => {
      const ms = Date.parse(iso);
      return `${localClock(ms, '')} (${vilniusOffset(ms)})`;
    };
    $('t-local').textContent = start
      ? `Vilnius local time: ${local(start)}${end ? ` to ${local(end)}` : ''}`
      : '';
  }

  /** "3 sites × 4 launch times × 50 = 600 members", live as the form changes. */
  private updateCount(): void {
    const sites = this.sites.sites.length + (input('area-use').checked ? (numberOf('area-points') ?? 0) : 0);
    const start = parseUtcDateTime(input('t-start').value) ?? '';
    const end = parseUtcDateTime(input('t-end').value) ?? '';
    this.updateLocal(start, end);
    const every = numberOf('t-every');
    let launches = 1;
    if (start && end && every) launches = launchTimeCount({ start, end, everySec: every * 60 });
    const members = numberOf('e-members');
    const count = members === undefined ? '?' : (sites * launches * members).toLocaleString('en');
    $('member-count').textContent = `${sites} site${sites === 1 ? '' : 's'} × ${launches} launch time${
      launches === 1 ? '' : 's'
    } × ${members ?? '?'} = ${count} members`;
  }
}

const minutes = (value: number | undefined) => (value === undefined ? undefined : Math.round(value * 60));
