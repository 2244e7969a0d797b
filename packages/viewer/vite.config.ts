import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/**
 * The viewer is two pages: index.html (the application) and bench.html (the canvas frame-time
 * benchmark, run by bench/frame-time.ts). The server serves dist/ at `/`; during development
 * `npx vite` proxies `/api` (HTTP and the WebSocket) to a server on BALLOON_SIM_API (default
 * http://127.0.0.1:8080, where `node packages/server/dist/main.js` listens).
 */
export default defineConfig({
  root: here('.'),
  // Relative asset URLs, so the built page works wherever the server mounts it.
  base: './',
  build: {
    outDir: here('dist'),
    emptyOutDir: true,
    target: 'es2022',
    rollupOptions: { input: { index: here('index.html'), bench: here('bench.html') } },
  },
  server: {
    proxy: {
      '/api': {
        target: process.env.BALLOON_SIM_API ?? 'http://127.0.0.1:8080',
        ws: true,
        changeOrigin: true,
      },
    },
  },
});
