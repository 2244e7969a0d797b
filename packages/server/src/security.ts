/**
 * The server's edges towards browsers and the network: which Host and Origin headers it answers,
 * the security headers of every answer, and how many connections one address may hold.
 */
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyHelmetOptions } from '@fastify/helmet';
import type { Limits } from './options.js';

/** The host name of a Host header (`example.org:8080` → `example.org`), lower case; null if malformed. */
export function hostNameOf(header: string): string | null {
  try {
    const url = new URL(`http://${header}`);
    return url.host === header.toLowerCase().replace(/:80$/, '') ? url.hostname : null;
  } catch {
    return null;
  }
}

/** Names that always mean this machine: a DNS rebinding attack cannot make a browser send them. */
function isLoopback(name: string): boolean {
  return name === 'localhost' || name === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name);
}

/** A socket address as a URL host name: IPv4 as it is (also when mapped into IPv6), IPv6 in brackets. */
function addressAsHost(address: string | undefined): string | null {
  if (!address) return null;
  const v4 = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (v4) return v4[1];
  return address.includes(':') ? `[${address.toLowerCase()}]` : address;
}

/**
 * Why a Host header is refused, or null when it names this server: a loopback name, the address the
 * connection arrived on (what a client that typed the server's IP sends), or a configured name.
 * Anything else is what a page of another site sends after DNS rebinding (its name resolved to this
 * server), so it is refused. A request without Host (HTTP/1.0) comes from no browser and passes.
 */
export function hostRefusal(
  header: string | undefined,
  localAddress: string | undefined,
  allowedHosts: Set<string>,
): string | null {
  if (header === undefined) return null;
  const name = hostNameOf(header);
  if (name !== null && (isLoopback(name) || allowedHosts.has(name) || name === addressAsHost(localAddress)))
    return null;
  return `Host ${JSON.stringify(header.slice(0, 100))} is not a name of this server: add it to allowedHosts (ALLOWED_HOSTS=name,…)`;
}

/**
 * Why an Origin header is refused, or null when the page may use the stream: no Origin (not a
 * browser page), the server's own origin (scheme http or https, the host and port of the Host
 * header), or a configured origin.
 */
export function originRefusal(
  origin: string | undefined,
  host: string | undefined,
  allowedOrigins: Set<string>,
): string | null {
  if (origin === undefined) return null;
  let url: URL | null = null;
  try {
    url = new URL(origin);
  } catch {}
  if (url && (url.protocol === 'http:' || url.protocol === 'https:')) {
    if (allowedOrigins.has(url.origin)) return null;
    // Parsed with the origin's scheme, so that a default port compares equal written or not.
    let own: string | null = null;
    try {
      own = host === undefined ? null : new URL(`${url.protocol}//${host}`).host;
    } catch {}
    if (own !== null && own === url.host) return null;
  }
  return `Origin ${JSON.stringify(origin.slice(0, 100))} may not open this stream: only this server's own pages and allowedOrigins (ALLOWED_ORIGINS=http://host:port,…) may`;
}

/**
 * Security headers of every answer (@fastify/helmet): the viewer loads only its own scripts, styles
 * and data (Vite builds it to files, nothing inline), connects only to its own server (`'self'`
 * covers the WebSocket of the same host and port), is framed by no page, sends no Referer, and its
 * files are never sniffed as another type. No upgrade to https and no HSTS: the server speaks plain
 * http (a TLS proxy in front sets its own).
 */
export const helmetOptions: FastifyHelmetOptions = {
  global: true,
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      // The viewer's favicon is `data:,` (no request, so no 404 in the console).
      imgSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      fontSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
  },
  frameguard: { action: 'deny' },
  referrerPolicy: { policy: 'no-referrer' },
  strictTransportSecurity: false,
};

/** An answer written straight to a socket that the HTTP parser never gets to: too many connections. */
function refusalResponse(limit: number): string {
  const body = JSON.stringify({
    error: `too many connections from this client: limit maxConnectionsPerClient = ${limit}`,
  });
  return [
    'HTTP/1.1 429 Too Many Requests',
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
    '',
    body,
  ].join('\r\n');
}

/**
 * Caps the open connections of each client address at `maxConnectionsPerClient`. A connection over
 * the cap gets a 429 at once and is closed; requests that arrive on it anyway are never handled
 * (`refused` tells the request hook so). Returns `refused`.
 */
export function capConnections(
  server: Server,
  limits: Pick<Limits, 'maxConnectionsPerClient'>,
): (socket: Socket) => boolean {
  const open = new Map<string, number>();
  const refusedSockets = new WeakSet<Socket>();
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress;
    if (address === undefined) return;
    const count = open.get(address) ?? 0;
    if (count >= limits.maxConnectionsPerClient) {
      refusedSockets.add(socket);
      socket.on('error', () => {});
      socket.end(refusalResponse(limits.maxConnectionsPerClient));
      // A client that keeps its side open does not keep the socket: it goes a second after the answer.
      const timer = setTimeout(() => socket.destroy(), 1000);
      timer.unref();
      socket.once('close', () => clearTimeout(timer));
      return;
    }
    open.set(address, count + 1);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left > 0) open.set(address, left);
      else open.delete(address);
    });
  });
  return (socket) => refusedSockets.has(socket);
}
