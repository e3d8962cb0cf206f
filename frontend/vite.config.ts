// vite.config.ts: builds the browser client into dist/, which pairpadd serves.
import { defineConfig } from 'vitest/config';

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
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
  },
});
