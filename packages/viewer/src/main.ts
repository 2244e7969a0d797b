/// <reference lib="dom" />
/**
 * The page: wires the map, its layers, the form, the stream and the results together. Each piece
 * lives in its own module; this file only says what happens when.
 */
import type { RunSummary, Scenario } from '@balloon-sim/sim-core';
import { isoTime, memberSiteOf, StreamedTracks } from '@balloon-sim/sim-core/protocol';
import * as d3 from 'd3';
import { type Geography, getJson, type ScenarioListItem, type WindListItem, type Zones } from './api.js';
import { Backtrack } from './backtrack.js';
import { clearError, initBanner, showError, showFailure } from './banner.js';
import { BaseMap } from './basemap.js';
import { drawDensity } from './contours.js';
import { mirrorCoverageWarning } from './coverage-warning.js';
import { exportRun, type RunRecord } from './export.js';
import { ScenarioForm } from './form.js';
import { FrequencyLayer, frequencyLegend, trajectoryFrequency } from './frequency.js';
import { type GpuAvailability, GpuFallback, probeGpu, runOnGpu } from './gpu-run.js';
import { graticuleLabels } from './graticule-labels.js';
import { drawWindCoverage, type RunFacts, showRunHeader, startClock } from './header.js';
import { type MemberFacts, memberLines, noteEvents, showCard, zoneLines } from './hover.js';
import { trackLegend } from './legend.js';
import { MapView } from './map.js';
import { mapKey } from './map-key.js';
import { numberOrUndefined } from './numbers.js';
import { Playback } from './playback.js';
import { clearResults, clock, showResults } from './results.js';
import { scaleBar } from './scalebar.js';
import { readShareHash, shareHash } from './share.js';
import { MAX_TRACKS, SideView } from './side-view.js';
import { SiteStore, siteList, siteMarkers } from './sites.js';
import { StreamClient, type StreamHandler, streamUrl } from './stream.js';
import { parseUtcDateTime } from './time.js';
import { initTonight } from './tonight.js';
import { type ColourMode, TrackLayer } from './tracks.js';
import { WindLayer } from './wind-layer.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/** What the page shows in its status line (also read by the browser tests). */
type RunState = 'idle' | 'submitting' | 'queued' | 'running' | 'cancelling' | 'done' | 'cancelled' | 'failed';

function setStatus(state: RunState, text: string): void {
  const status = $('status');
  status.dataset.state = state;
  status.textContent = text;
  const busy = state === 'submitting' || state === 'queued' || state === 'running' || state === 'cancelling';
  $<HTMLButtonElement>('run').disabled = busy;
  $<HTMLButtonElement>('cancel').disabled = !busy || state === 'cancelling';
}

// ---- the map and its layers ----
initBanner();
// Tonight's briefing (tonight.ts): its own form and section, independent of the scenario form.
initTonight();
startClock($('clock'));
mapKey($('map-key'));
// Open where there is room for it below the other legends.
($('map-key-box') as HTMLDetailsElement).open = window.innerHeight >= 900;
const view = new MapView($('map-wrap'));
const basemap = new BaseMap(view);
const landingLayer = basemap.layerAbove('landings');
const launchRegionLayer = basemap.layerAbove('launch-regions');
const coverageLayer = basemap.layerAbove('wind-coverage-layer');
const backtrackAreasLayer = basemap.layerAbove('backtrack-areas');
scaleBar(view);
graticuleLabels(view);
const wind = new WindLayer(view);
wind.onMeta = () => {
  drawWindCoverage(coverageLayer, view, wind.coverage);
  updateRunHeader();
};
view.on('resize', () => drawWindCoverage(coverageLayer, view, wind.coverage));
const headsCanvas = $<HTMLCanvasElement>('track-heads');
const tracks = new TrackLayer(view.canvas, headsCanvas, {
  projection: (p) => view.projection(p),
  get transform() {
    return view.transform;
  },
  get pixelRatio() {
    return view.pixelRatio;
  },
});
const frequency = new FrequencyLayer(view, $<HTMLCanvasElement>('freq'), $<HTMLCanvasElement>('marks'));
/** The heads, probability-map and marker canvases take the size the map gives the trails canvas. */
function syncHeadsCanvas(): void {
  for (const canvas of [headsCanvas, $<HTMLCanvasElement>('freq'), $<HTMLCanvasElement>('marks')]) {
    canvas.width = view.canvas.width;
    canvas.height = view.canvas.height;
    canvas.style.width = view.canvas.style.width;
    canvas.style.height = view.canvas.style.height;
  }
  frequency.invalidate();
}
syncHeadsCanvas();
view.on('resize', syncHeadsCanvas);

/**
 * One redraw per animation frame, however many frames or zoom events arrive in between. While a
 * zoom or pan gesture lasts, the tracks and the probability map draw quickly (a scaled bitmap,
 * tracks.ts, frequency.ts); at its end, in full.
 */
let drawQueued = false;
let gesture = false;
function drawSoon(): void {
  if (drawQueued) return;
  drawQueued = true;
  requestAnimationFrame(() => {
    drawQueued = false;
    tracks.draw({ quick: gesture });
    frequency.draw({ quick: gesture });
  });
}
view.on('zoom', () => {
  gesture = true;
  drawSoon();
});
view.on('zoomend', () => {
  gesture = false;
  drawSoon();
});
view.on('resize', () => {
  tracks.reproject();
  drawSoon();
  drawDensity(landingLayer, view, run?.summary?.landings.grid ?? null, 'landing-region');
});

// ---- the scenario form and launch sites ----
const sites = new SiteStore();
siteMarkers(view, sites);
siteList($<HTMLUListElement>('site-list'), sites);
const form = new ScenarioForm(sites);
const backtrack = new Backtrack(view, launchRegionLayer, {
  defaultTime: () => {
    // Three hours after the first launch: balloons reach the airports in 2–4 h.
    const start = Date.parse(`${$<HTMLInputElement>('t-start').value}:00Z`);
    return isoTime(((Number.isFinite(start) ? start : Date.now()) + 3 * 3600_000) / 1000);
  },
  wind: () => form.windSource,
  areasLayer: backtrackAreasLayer,
  zoomTo: (transform) => view.zoomTo(transform),
});

// ---- clicking the map: add a site or a detection ----
type ClickMode = 'none' | 'site' | 'detection';
let clickMode: ClickMode = 'none';
function setClickMode(mode: ClickMode): void {
  clickMode = mode;
  $('site-pick').setAttribute('aria-pressed', String(mode === 'site'));
  $('detection-pick').setAttribute('aria-pressed', String(mode === 'detection'));
  const hint = $('mode-hint');
  hint.hidden = mode === 'none';
  hint.textContent =
    mode === 'site'
      ? 'Click the map to add a launch site (Esc to stop)'
      : 'Click the map to add a radar detection (Esc to stop)';
  $('map-wrap').classList.toggle('picking', mode !== 'none');
}
$('site-pick').addEventListener('click', () => setClickMode(clickMode === 'site' ? 'none' : 'site'));
$('detection-pick').addEventListener('click', () =>
  setClickMode(clickMode === 'detection' ? 'none' : 'detection'),
);
document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape' && clickMode !== 'none') setClickMode('none');
});
$('site-add').addEventListener('click', () => {
  // From the keyboard: a site at the centre of the view, its fields focused for typing.
  const centre = view.toLonLat(view.width / 2, view.height / 2) ?? [25, 54];
  sites.add(centre[0], centre[1], 'form');
  $('site-list').querySelector<HTMLInputElement>('li:last-child input')?.focus();
});
view.overlay.on('click', (event: MouseEvent) => {
  if (clickMode === 'none' || event.defaultPrevented) return;
  const [x, y] = d3.pointer(event);
  const p = view.toLonLat(x, y);
  if (!p) return;
  if (clickMode === 'site') sites.add(p[0], p[1], 'map');
  else backtrack.add(p[0], p[1]);
});

// ---- zoom buttons ----
$('zoom-in').addEventListener('click', () => view.zoomBy(1.6));
$('zoom-out').addEventListener('click', () => view.zoomBy(1 / 1.6));
$('zoom-reset').addEventListener('click', () => view.resetZoom());

// ---- the run ----
interface Run extends RunRecord, MemberFacts {
  scenario: Scenario;
  members: number;
  /** Frames and their events as the stream brings them (sim-core's StreamedTracks); null until accepted. */
  tracks: StreamedTracks | null;
  summary: RunSummary | null;
  /** When the server accepted it (the page's clock), for the run header. */
  acceptedMs: number | null;
  warnings: string[];
}
let run: Run | null = null;

/** The run header and its warnings (header.ts) for the run on screen. */
function updateRunHeader(): void {
  if (!run || run.members === 0) {
    showRunHeader(null);
    mirrorCoverageWarning();
    return;
  }
  const facts: RunFacts = {
    scenario: run.scenario,
    members: run.members,
    acceptedMs: run.acceptedMs,
    warnings: run.warnings,
    summary: run.summary,
    windDescription: wind.description,
    ...(run.computedOn ? { computedOn: run.computedOn } : {}),
  };
  showRunHeader(facts);
  mirrorCoverageWarning();
}

/**
 * Results on screen belong to the scenario that was run. Once the form describes another (a field
 * typed, a site moved on the map, another bundled scenario or wind) they are marked — a note on the
 * map and above the table, the tracks and landing regions dimmed — until the form is back to that
 * scenario or a new run starts: an earlier scenario's answer must not pass for this one's. A form
 * that does not read (a bad field) is not that scenario either. A run the server refused shows
 * nothing, so nothing is marked (it was accepted once it has members).
 */
function markStale(): void {
  const stale =
    run !== null && run.members > 0 && JSON.stringify(form.read().scenario) !== JSON.stringify(run.scenario);
  $('results').classList.toggle('stale', stale);
  $('map-wrap').classList.toggle('stale', stale);
  $('results-stale').hidden = !stale;
  $('map-stale').hidden = !stale;
  // The back-track traces through the form's wind.
  backtrack.markStale();
}
for (const type of ['input', 'change']) $('scenario-form').addEventListener(type, markStale);
// Sites dragged or added on the map change no form field.
sites.onChange(markStale);

const sideView = new SideView(document.getElementById('side-view') as unknown as SVGSVGElement);

const playback = new Playback(
  (index) => {
    tracks.shown = index;
    sideView.setCursor(tracks.timeOf(index));
    // The wind layer at the time shown, at the run's float altitude.
    wind.follow(tracks.timeOf(index), run?.scenario.flight.floatAltitudeM);
    drawSoon();
  },
  (index) => {
    const t = tracks.timeOf(index);
    return Number.isFinite(t) ? clock(isoTime(t)) : '--';
  },
);

/** What a run tells the page, from the server's stream or from a run on this browser's GPU (gpu-run.ts). */
const handler: StreamHandler = {
  accepted(info) {
    if (!run) return;
    run.runId = info.runId;
    run.members = info.members;
    run.layout = info.layout;
    run.acceptedMs = Date.now();
    run.warnings = info.warnings ?? [];
    updateRunHeader();
    run.tracks = new StreamedTracks();
    run.tracks.accepted(info);
    const siteOf = Uint32Array.from({ length: info.members }, (_, i) => memberSiteOf(info.layout, i));
    tracks.reset(info.members, siteOf);
    run.launchTSec = new Float64Array(info.members).fill(Number.NaN);
    setStatus(
      info.queued ? 'queued' : 'running',
      `${info.queued ? 'Queued' : 'Running'}: ${info.members.toLocaleString('en')} members, ${info.frames} frames`,
    );
    if (info.warnings?.length) $('warnings').replaceChildren(...info.warnings.map(listItem));
    updateTrackLegend();
    // The form may have changed while the run was submitted.
    markStale();
  },
  progress(fraction) {
    $<HTMLProgressElement>('progress').value = fraction;
    if (run && $('status').dataset.state === 'queued')
      setStatus('running', `Running: ${run.members} members`);
  },
  frame(index, tSec, positions) {
    if (!run) return;
    run.tracks?.frame(index, tSec, positions);
    tracks.addFrame(index, tSec, positions);
    playback.frames(tracks.frameCount);
  },
  events(message) {
    if (!run) return;
    run.tracks?.events(message);
    for (const e of message.events)
      if (e.kind === 'launch' || e.kind === 'burst' || e.kind === 'landing')
        frequency.markers[e.kind].push({ lon: e.lon, lat: e.lat });
    tracks.addMarkers(noteEvents(run, message.events));
    drawSoon();
  },
  summary(summary) {
    if (!run) return;
    run.summary = summary;
    showResults(summary);
    updateRunHeader();
    drawDensity(landingLayer, view, summary.landings.grid, 'landing-region');
    updateTrackLegend();
  },
  done() {
    if (run) run.finished = true;
    showFrequency();
    $('export-row').hidden = false;
    $<HTMLProgressElement>('progress').value = 1;
    setStatus('done', `Done: ${run?.members.toLocaleString('en') ?? ''} members`);
  },
  cancelled() {
    showFrequency();
    setStatus('cancelled', `Cancelled after ${tracks.frameCount} frames`);
    $('results-empty').textContent =
      'Cancelled: the run stopped before its summary. The frames received can be replayed and exported.';
    $('export-row').hidden = tracks.frameCount === 0;
  },
  error(message, issues) {
    // A cancel that crossed the run's end on the wire: nothing went wrong.
    if (/^no run to cancel/.test(message)) return;
    setStatus('failed', 'Failed');
    showError('The server refused or stopped the run', message, issues);
  },
};
const stream = new StreamClient(streamUrl(), handler);

// ---- computing on this browser's GPU (gpu-run.ts), when it has one ----
let gpu: GpuAvailability = { ok: false, reason: 'not looked for yet' };
/** The GPU run going, to cancel it; null when none. */
let gpuRun: AbortController | null = null;
void probeGpu().then((found) => {
  gpu = found;
  form.setGpu(found);
});

/** The probability map and the side view of the frames received, with the map's legend. */
function showFrequency(): void {
  sideView.setTracks(tracks);
  sideView.setCursor(tracks.timeOf(Math.min(tracks.shown, tracks.frameCount - 1)));
  $('side-section').hidden = sideView.drawn === 0;
  $('side-caption').textContent = `Side view: altitude against time (UTC) of ${
    tracks.members > MAX_TRACKS
      ? `${sideView.drawn} tracks sampled evenly from ${tracks.members.toLocaleString('en')}`
      : `the ${sideView.drawn} tracks`
  }; the bands are the zones' vertical limits (a track in a band is at that zone's altitudes, not necessarily inside it); the yellow line is the replay time`;
  frequency.grid = trajectoryFrequency(tracks.members, tracks.frameCount, (m, f) => tracks.position(m, f));
  frequency.invalidate();
  $('freq-legend').hidden = frequency.grid === null;
  frequencyLegend($('freq-legend'), frequency, drawSoon);
  drawSoon();
}

function listItem(text: string): HTMLLIElement {
  const li = document.createElement('li');
  li.textContent = text;
  return li;
}

$<HTMLFormElement>('scenario-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const { scenario, issues } = form.read();
  if (!scenario) {
    // In the page's banner, every problem at once: the form has novalidate, so no browser popup.
    showError('The scenario cannot run: fix these fields', '', issues);
    return;
  }
  clearError();
  $('compute-fallback').hidden = true;
  beginRun(scenario);
  if (form.computeOn === 'gpu' && gpu.ok) {
    setStatus('submitting', "Preparing the run on this browser's GPU…");
    const controller = new AbortController();
    gpuRun = controller;
    try {
      // An adapter gives one device in its life: each run asks for a fresh one.
      const fresh = await probeGpu();
      if (!fresh.ok) throw new GpuFallback(fresh.reason);
      run!.computedOn = `this browser's GPU (${fresh.name})`;
      // The status line says where the run is computed, beside the run header's "computed on".
      const onGpu: StreamHandler = {
        ...handler,
        accepted(info) {
          handler.accepted(info);
          setStatus('running', `Running on this browser's GPU: ${info.members.toLocaleString('en')} members`);
        },
        done() {
          handler.done();
          setStatus('done', `Done on this browser's GPU: ${run?.members.toLocaleString('en') ?? ''} members`);
        },
      };
      await runOnGpu(scenario, onGpu, { adapter: fresh.adapter, signal: controller.signal });
      return;
    } catch (error) {
      // The server runs it instead, and the page says why: the CPU path is the reference.
      const reason =
        error instanceof GpuFallback ? error.reason : error instanceof Error ? error.message : String(error);
      $('compute-fallback').textContent = `Computed on the server instead of this browser's GPU: ${reason}.`;
      $('compute-fallback').hidden = false;
      beginRun(scenario);
    } finally {
      if (gpuRun === controller) gpuRun = null;
    }
  }
  setStatus('submitting', 'Submitting…');
  try {
    await stream.run(scenario);
  } catch (error) {
    setStatus('failed', 'Failed');
    showFailure('Cannot reach the server', error);
  }
});

/** A new run on screen: results, tracks and layers of the last one cleared. */
function beginRun(scenario: Scenario): void {
  clearResults();
  $('export-row').hidden = true;
  drawDensity(landingLayer, view, null, 'landing-region');
  run = {
    runId: null,
    finished: false,
    scenario,
    layout: null,
    members: 0,
    tracks: null,
    summary: null,
    launchTSec: new Float64Array(0),
    end: new Map(),
    acceptedMs: null,
    warnings: [],
  };
  updateRunHeader();
  markStale();
  tracks.reset(0, []);
  frequency.clear();
  $('freq-legend').hidden = true;
  sideView.setTracks(null);
  $('side-section').hidden = true;
  playback.reset();
  drawSoon();
  $<HTMLProgressElement>('progress').value = 0;
}

// ---- briefing out: a link to the scenario, and the printed page ----
$('share').addEventListener('click', () => {
  const { scenario, issues } = form.read();
  if (!scenario) {
    showError('The scenario cannot be shared: fix these fields', '', issues);
    return;
  }
  const hash = shareHash({ template: $<HTMLSelectElement>('template').value, scenario });
  // Replaced, not pushed: Back should leave the page, not step through shared versions.
  window.history.replaceState(null, '', hash);
  const box = $<HTMLInputElement>('share-link');
  box.value = window.location.href;
  $('share-box').hidden = false;
  box.focus();
  box.select();
  // Copied where the browser allows it (a secure context); the field is there to copy by hand.
  navigator.clipboard?.writeText(box.value).catch(() => {});
});
$('print').addEventListener('click', () => window.print());

$('cancel').addEventListener('click', () => {
  if (gpuRun) gpuRun.abort(new Error('cancelled'));
  else stream.cancel();
  setStatus('cancelling', 'Cancelling…');
});

for (const format of ['geojson', 'csv'] as const)
  $(`export-${format}`).addEventListener('click', async () => {
    if (!run) return;
    try {
      await exportRun(run, format);
    } catch (error) {
      showFailure('Export', error);
    }
  });

// ---- colours and legend ----
for (const radio of document.querySelectorAll<HTMLInputElement>('input[name="colour"]'))
  radio.addEventListener('change', () => {
    tracks.mode = radio.value as ColourMode;
    updateTrackLegend();
    drawSoon();
  });

function updateTrackLegend(): void {
  trackLegend(
    $('track-legend'),
    tracks.mode,
    run?.layout?.sites.map((s) => s.id) ?? sites.sites.map((s) => s.id),
  );
}

// ---- hover: a track's member, or the zones under the pointer ----
let hoverQueued = false;
let lastPointer: [number, number] | null = null;
view.overlay.on('pointermove', (event: PointerEvent) => {
  lastPointer = d3.pointer(event);
  if (hoverQueued) return;
  hoverQueued = true;
  requestAnimationFrame(() => {
    hoverQueued = false;
    if (lastPointer) hover(lastPointer[0], lastPointer[1]);
  });
});
view.overlay.on('pointerleave', () => {
  lastPointer = null;
  $('tooltip').hidden = true;
  if (tracks.highlight !== -1) {
    tracks.highlight = -1;
    drawSoon();
  }
});

function hover(x: number, y: number): void {
  const hit = run && tracks.members > 0 ? tracks.pick(x, y) : null;
  if (tracks.highlight !== (hit?.member ?? -1)) {
    tracks.highlight = hit?.member ?? -1;
    drawSoon();
  }
  const p = view.toLonLat(x, y);
  const lines =
    hit && run
      ? memberLines(run, tracks, hit.member, hit.frame)
      : p
        ? zoneLines(basemap.zonesAt(p[0], p[1]))
        : [];
  showCard($('tooltip'), lines, x, y, view.width, view.height);
}

// ---- loading what the server bundles ----
async function start(): Promise<void> {
  setStatus('idle', 'Loading map…');
  try {
    const [geography, zones] = await Promise.all([
      getJson<Geography>('api/geography'),
      getJson<Zones>('api/zones'),
    ]);
    basemap.setGeography(geography);
    basemap.setZones(zones);
    sideView.setZones(basemap.zoneProperties);
  } catch (error) {
    showFailure('Cannot load the map', error);
  }
  try {
    const [scenarios, winds] = await Promise.all([
      getJson<ScenarioListItem[]>('api/scenarios'),
      getJson<WindListItem[]>('api/winds'),
    ]);
    form.setWinds(winds);
    const select = $<HTMLSelectElement>('template');
    select.replaceChildren(
      ...scenarios.map((s) => {
        const option = document.createElement('option');
        option.value = s.id;
        option.textContent = s.available ? s.name : `${s.name} (wind data missing)`;
        option.disabled = !s.available;
        return option;
      }),
    );
    const initial =
      scenarios.find((s) => s.id === 'default' && s.available) ?? scenarios.find((s) => s.available);
    const shared = readShareHash(window.location.hash);
    if (shared instanceof Error) showError('Cannot open the shared link', shared.message);
    if (shared && !(shared instanceof Error)) {
      // The link's scenario in the form, on the wind it names (a bundled one, by its source).
      if (scenarios.some((s) => s.id === shared.template)) select.value = shared.template;
      form.load(shared.scenario, shared.template);
      const windOf = winds.find((w) => JSON.stringify(w.source) === JSON.stringify(shared.scenario.wind));
      if (windOf) $<HTMLSelectElement>('wind').value = windOf.id;
      markStale();
      await showWind();
    } else if (initial) {
      select.value = initial.id;
      await loadTemplate(initial.id);
    }
    select.addEventListener('change', () => void loadTemplate(select.value));
    $<HTMLSelectElement>('wind').addEventListener('change', () => void showWind());
    setStatus('idle', 'Ready');
  } catch (error) {
    setStatus('failed', 'Not ready');
    showFailure('Cannot load the bundled scenarios', error);
  }
  updateTrackLegend();
}

async function loadTemplate(id: string): Promise<void> {
  try {
    const doc = await getJson<Scenario>(`api/scenarios/${encodeURIComponent(id)}`);
    form.load(doc, id);
    // Filled by code, the form fired no input event.
    markStale();
    updateTrackLegend();
    await showWind();
  } catch (error) {
    showFailure(`Cannot load scenario ${id}`, error);
  }
}

/** The wind layer on the chosen wind, at the level nearest the float altitude, at the first launch. */
function showWind(): Promise<void> {
  const altM = numberOrUndefined($<HTMLInputElement>('f-float')) ?? Number.NaN;
  const startSec = Date.parse(parseUtcDateTime($<HTMLInputElement>('t-start').value) ?? '') / 1000;
  return wind.setWind(
    form.windId,
    Number.isFinite(altM) ? altM : undefined,
    Number.isFinite(startSec) ? startSec : undefined,
  );
}

void start();
