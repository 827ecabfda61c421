import { defineConfig } from 'vite';

// Relative base: the built app can be served from any path (vite preview, a static server).
export default defineConfig({
  base: './',
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 2000,
    rollupOptions: {
      // @polkadot/x-global has a /*#__PURE__*/ that rollup cannot place: harmless, and noisy.
      onwarn(w, warn) { if (w.code !== 'INVALID_ANNOTATION') warn(w); },
    },
  },
  esbuild: { target: 'es2022' },
  optimizeDeps: { esbuildOptions: { target: 'es2022' } },
});
