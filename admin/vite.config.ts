import { defineConfig } from 'vite';

// The console is built into admin/dist, which the NestJS server serves at `/` (API at `/api`).
// `npm run dev` serves it with hot reload on :5173 and proxies /api to the server on :3000.
// JSX goes through Vite's own transform (automatic runtime); @vitejs/plugin-react is left out
// because its optional Babel 8 peer conflicts with Jest's Babel 7 in one lockfile.
export default defineConfig({
  root: 'admin',
  base: '/',
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 4000,
    sourcemap: false,
    rollupOptions: {
      // MUI marks its modules "use client" (a React Server Components hint): meaningless in an SPA.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
  server: { host: '127.0.0.1', port: 5173, proxy: { '/api': 'http://127.0.0.1:3000' } },
});
