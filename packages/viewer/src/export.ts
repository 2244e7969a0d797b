/// <reference lib="dom" />
/**
 * Exports of a run. A finished run is fetched from the server (/api/runs/:id/geojson|csv); a run the
 * server does not hold (cancelled, failed, evicted from its store, or computed on the page's GPU)
 * is written here from the frames and events the page received. Both are sim-core's own writers on
 * the same tracks, so the page's file is, byte for byte, the one `balloon-sim run --out` writes.
 */
import { CSV_HEADER, csvChunks, geoJson } from '@balloon-sim/sim-core';
import type { TrackSet } from '@balloon-sim/sim-core/protocol';

export interface RunRecord {
  runId: string | null;
  finished: boolean;
  /** The run's tracks as received (sim-core StreamedTracks); null until the server accepts it. */
  tracks: TrackSet | null;
  /** Where the page computed the run itself (its GPU): the server holds nothing of it to fetch. */
  computedOn?: string;
}

/** The CSV the page writes for a run: sim-core's csvChunks, its header alone when nothing came. */
export function csvOf(run: RunRecord): string {
  return run.tracks ? [...csvChunks(run.tracks)].join('') : CSV_HEADER;
}

/** The GeoJSON the page writes for a run: sim-core's geoJson, as `balloon-sim run --out` writes it. */
export function geoJsonOf(run: RunRecord): string {
  const collection = run.tracks ? geoJson(run.tracks) : { type: 'FeatureCollection', features: [] };
  return `${JSON.stringify(collection)}\n`;
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
  if (run.runId && run.finished && !run.computedOn) {
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
  else download(name, 'application/geo+json', geoJsonOf(run));
  return 'page';
}
