import { defineConfig } from 'vite';
import solid from 'vite-plugin-solid';

// `npm run dev`: hot reload on http://127.0.0.1:5173 against a server on :8000 (SMARTOS_URL to change it).
const backend = process.env.SMARTOS_URL ?? 'http://127.0.0.1:8000';

export default defineConfig({
  root: import.meta.dirname,
  plugins: [solid()],
  server: {
    host: '127.0.0.1',
    // Host is kept as it is: the server accepts GraphQL sockets only from pages of the host they ask.
    proxy: { '/graphql': { target: backend, ws: true }, '/export.csv': backend, '/export.ndjson': backend },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
  },
});
