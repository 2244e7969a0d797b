/// <reference lib="dom" />
/**
 * Launch sites: the list the form edits and the markers on the map, kept in step. A site is added
 * from the form (keyboard) or by clicking the map in "add" mode, moved by dragging its marker or by
 * typing its coordinates, removed from the form.
 */
import * as d3 from 'd3';
import type { MapView } from './map.js';
import { checkNumber, ruleOf } from './numbers.js';

export interface Site {
  id: string;
  name?: string;
  lon: number;
  lat: number;
}

type Listener = (origin: 'map' | 'form' | 'load') => void;

export class SiteStore {
  sites: Site[] = [];
  private readonly listeners: Listener[] = [];

  onChange(listener: Listener): void {
    this.listeners.push(listener);
  }

  set(sites: Site[]): void {
    this.sites = sites.map((s) => ({ ...s }));
    this.emit('load');
  }

  /** Adds a site with a fresh id (site-1, site-2…). */
  add(lon: number, lat: number, origin: 'map' | 'form'): Site {
    let k = this.sites.length + 1;
    while (this.sites.some((s) => s.id === `site-${k}`)) k++;
    const site = { id: `site-${k}`, lon: round4(lon), lat: round4(lat) };
    this.sites.push(site);
    this.emit(origin);
    return site;
  }

  /** Moves a site: a point from the map is rounded (a pixel is ≈ 100 m), a typed one kept as typed. */
  move(index: number, lon: number, lat: number, origin: 'map' | 'form'): void {
    const site = this.sites[index];
    if (!site) return;
    site.lon = origin === 'map' ? round4(lon) : lon;
    site.lat = origin === 'map' ? round4(lat) : lat;
    this.emit(origin);
  }

  remove(index: number): void {
    this.sites.splice(index, 1);
    this.emit('form');
  }

  private emit(origin: 'map' | 'form' | 'load'): void {
    for (const listener of this.listeners) listener(origin);
  }
}

/** 1e-4° ≈ 10 m: finer than any launch position is known. */
const round4 = (x: number) => Math.round(x * 1e4) / 1e4;

/** The sites' markers on the map: a triangle and the id, draggable. */
export function siteMarkers(view: MapView, store: SiteStore): void {
  const layer = view.pins.append('g').attr('class', 'sites');
  const drag = d3
    .drag<SVGGElement, Site & { index: number }>()
    // The pointer itself is dragged (the datum has no x, y of its own).
    .subject((event: d3.D3DragEvent<SVGGElement, unknown, unknown>) => ({ x: event.x, y: event.y }))
    .on('start', function () {
      d3.select(this).classed('dragging', true);
    })
    .on('drag', function (event, d) {
      const p = view.toLonLat(event.x, event.y);
      if (!p) return;
      d.lon = p[0];
      d.lat = p[1];
      view.placePins(d3.select<SVGGElement, Site>(this));
    })
    .on('end', function (_event, d) {
      d3.select(this).classed('dragging', false);
      store.move(d.index, d.lon, d.lat, 'map');
    });
  const render = () => {
    const data = store.sites.map((s, index) => ({ ...s, index }));
    layer
      .selectAll<SVGGElement, Site & { index: number }>('g.site')
      .data(data, (d) => d.id)
      .join((enter) => {
        const g = enter.append('g').attr('class', 'pin site');
        g.append('path').attr('d', 'M0,-8L7,5H-7Z');
        g.append('text').attr('x', 9).attr('dy', '0.35em');
        g.append('title');
        return g;
      })
      .call(drag)
      .call((g) => g.select('text').text((d) => d.id))
      .call((g) =>
        g
          .select('title')
          .text((d) => `${d.name ?? d.id}: ${d.lon.toFixed(3)}, ${d.lat.toFixed(3)} (drag to move)`),
      );
    view.placePins(layer.selectAll<SVGGElement, Site>('g.site'));
  };
  store.onChange(render);
  render();
}

/**
 * The sites in the form: id, longitude and latitude fields, a Remove button each. Typing a valid
 * coordinate moves the marker (any number of decimals: the form checks the text when it runs, see
 * numbers.ts); the list is rebuilt on every other change.
 */
export function siteList(list: HTMLUListElement, store: SiteStore): void {
  let typing = false;
  const field = (
    label: string,
    name: string,
    path: string,
    value: number,
    bounds: { min: number; max: number },
    onInput: (v: number) => void,
  ) => {
    const wrap = document.createElement('label');
    wrap.className = 'coord';
    wrap.append(`${label} `);
    const box = document.createElement('input');
    box.type = 'text';
    box.inputMode = 'decimal';
    box.dataset.min = String(bounds.min);
    box.dataset.max = String(bounds.max);
    box.dataset.path = path;
    box.dataset.field = name;
    box.required = true;
    box.value = String(value);
    box.addEventListener('input', () => {
      const checked = checkNumber(box.value, ruleOf(box));
      if (!checked.ok || checked.value === undefined) return;
      typing = true;
      onInput(checked.value);
      typing = false;
    });
    wrap.append(box);
    return wrap;
  };
  const render = () => {
    if (typing) return;
    list.replaceChildren(
      ...store.sites.map((site, index) => {
        const li = document.createElement('li');
        const name = document.createElement('span');
        name.className = 'site-id';
        name.textContent = site.id;
        name.title = site.name ?? site.id;
        const remove = document.createElement('button');
        remove.type = 'button';
        remove.className = 'small';
        remove.textContent = 'Remove';
        remove.setAttribute('aria-label', `Remove site ${site.id}`);
        remove.addEventListener('click', () => {
          store.remove(index);
          // Keep the keyboard in the list: focus the next Remove button, or the Add button.
          const buttons = list.querySelectorAll<HTMLButtonElement>('button');
          (buttons[Math.min(index, buttons.length - 1)] ?? document.getElementById('site-add'))?.focus();
        });
        const path = `launch.sites[${index}]`;
        li.append(
          name,
          field('lon', `Site ${site.id} longitude`, `${path}.lon`, site.lon, { min: -180, max: 360 }, (lon) =>
            store.move(index, lon, store.sites[index].lat, 'form'),
          ),
          field('lat', `Site ${site.id} latitude`, `${path}.lat`, site.lat, { min: -90, max: 90 }, (lat) =>
            store.move(index, store.sites[index].lon, lat, 'form'),
          ),
          remove,
        );
        return li;
      }),
    );
  };
  store.onChange(render);
  render();
}
