import { defineConfig, defaultClientConditions } from 'vite';
import react from '@vitejs/plugin-react';

// The server serves the built dashboard at /admin/ (apps/admin/dist); `npm run dev -w
// @stilts/admin` serves it with hot reload and forwards the admin API to a gateway on :8080.
export default defineConfig({
  base: '/admin/',
  plugins: [react()],
  resolve: {
    // Workspace packages straight from their TypeScript sources (no build needed in dev).
    conditions: ['@stilts/source', ...defaultClientConditions],
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 1_000,
  },
  server: {
    port: 5173,
    proxy: { '/admin/api': { target: 'http://127.0.0.1:8080', changeOrigin: false } },
  },
});
