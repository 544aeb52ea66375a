import { defineConfig } from 'vite';

// The API (apps/api) serves this build at / on its own port, so the app calls /graphql on its own
// origin. In development (npm run dev:dashboard) Vite proxies /graphql, HTTP and WebSocket, to it.
const apiTarget = `http://127.0.0.1:${process.env['API_PORT'] ?? '4000'}`;

export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: true,
  },
  server: {
    port: 5173,
    proxy: { '/graphql': { target: apiTarget, ws: true, changeOrigin: true } },
  },
});
