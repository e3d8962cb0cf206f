// vite.config.ts: builds the browser client into dist/, which pairpadd serves.
import { defineConfig } from 'vitest/config';

/* For `vite` (dev) and `vite preview`: the API is same-origin in production,
 * so both proxy /api (REST and WebSocket) to a local pairpadd. */
const daemon = 'http://127.0.0.1:18500';
const apiProxy = { '/api': { target: daemon, ws: true, changeOrigin: false } };

/* The policy pairpadd sends; preview uses it too so that a violation shows
 * up before it reaches production. */
const csp = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "worker-src 'self' blob:",
  "connect-src 'self' ws: wss:",
  "img-src 'self' data:",
  "font-src 'self' data:",
].join('; ');

export default defineConfig({
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Monaco's main chunk is ~4 MB; it is cached forever under its hash.
    chunkSizeWarningLimit: 5000,
    assetsDir: 'assets',
  },
  worker: { format: 'es' },
  server: { proxy: apiProxy },
  preview: { proxy: apiProxy, headers: { 'Content-Security-Policy': csp } },
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
  },
});
