/// <reference lib="dom" />
/**
 * Exports of a run. A finished run is fetched from the server (/api/runs/:id/geojson|csv, sim-core's
 * own writers); a run the server does not hold (cancelled, failed, or evicted from its store) is
 * written here from the frames and events the page received, in the same columns and shapes.
 */
import { memberLaunch, memberSite, type RunLayout } from './form.js';
import type { RunEvent } from './stream.js';

export interface RunRecord {
  runId: string | null;
  finished: boolean;
  layout: RunLayout;
  members: number;
  frames: { tSec: number; positions: Float32Array }[];
  events: RunEvent[];
}

const iso = (tSec: number) => new Date(tSec * 1000).toISOString();
// sim-core's rounding: 1e-6° (≈ 0.1 m) and 0.1 m.
const r6 = (x: number) => Math.round(x * 1e6) / 1e6;
const r1 = (x: number) => Math.round(x * 10) / 10;

function origin(run: RunRecord, member: number) {
  const { layout } = run;
  return {
    site: layout.siteIds[memberSite(layout, member)] ?? '',
    launch: iso(layout.launchTimesSec[memberLaunch(layout, member)] ?? Number.NaN),
    number: member % layout.membersPerLaunch,
  };
}

/** Same columns as sim-core's CSV_HEADER: a row per member and frame where it flies. */
export function csvOf(run: RunRecord): string {
  const lines = ['member,site,launch,ensemble_member,time,lon,lat,alt_m'];
  for (const frame of run.frames) {
    if (!frame) continue;
    const p = frame.positions;
    const time = iso(frame.tSec);
    for (let i = 0; i < p.length / 3; i++) {
      if (Number.isNaN(p[3 * i])) continue;
      const o = origin(run, i);
      lines.push(
        `${i},${o.site},${o.launch},${o.number},${time},${r6(p[3 * i])},${r6(p[3 * i + 1])},${r1(p[3 * i + 2])}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

/** An RFC 7946 FeatureCollection: a LineString per member (a time per vertex), then a Point per event. */
export function geoJsonOf(run: RunRecord): object {
  const tracks = Array.from({ length: run.members }, () => ({
    coords: [] as number[][],
    times: [] as string[],
  }));
  for (const frame of run.frames) {
    if (!frame) continue;
    const p = frame.positions;
    const time = iso(frame.tSec);
    for (let i = 0; i < run.members; i++) {
      if (Number.isNaN(p[3 * i])) continue;
      tracks[i].coords.push([r6(p[3 * i]), r6(p[3 * i + 1]), r1(p[3 * i + 2])]);
      tracks[i].times.push(time);
    }
  }
  const features: object[] = tracks.map((track, i) => ({
    type: 'Feature',
    geometry:
      track.coords.length >= 2
        ? { type: 'LineString', coordinates: track.coords }
        : track.coords.length === 1
          ? { type: 'Point', coordinates: track.coords[0] }
          : null,
    properties: { member: i, ...origin(run, i), times: track.times },
  }));
  for (const e of run.events) {
    const { lon, lat, altM, ...props } = e;
    features.push({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [lon, lat, altM] },
      properties: { event: props.kind, ...props },
    });
  }
  return { type: 'FeatureCollection', features };
}

function download(name: string, type: string, content: BlobPart): void {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Downloads the run as GeoJSON or CSV: from the server when it holds the run, else from the page. */
export async function exportRun(run: RunRecord, format: 'geojson' | 'csv'): Promise<'server' | 'page'> {
  const name = `balloon-run-${run.runId ?? 'partial'}.${format}`;
  if (run.runId && run.finished) {
    try {
      const response = await fetch(`api/runs/${run.runId}/${format}`);
      if (response.ok) {
        download(
          name,
          response.headers.get('content-type') ?? 'application/octet-stream',
          await response.blob(),
        );
        return 'server';
      }
    } catch {
      // Fall through: the page has every frame it drew.
    }
  }
  if (format === 'csv') download(name, 'text/csv', csvOf(run));
  else download(name, 'application/geo+json', JSON.stringify(geoJsonOf(run)));
  return 'page';
}
