import vue from "@vitejs/plugin-vue";
import { defineConfig } from "vite";

// Served by the API under /app/ (`make run`); `npm run dev` serves it on :5173 and calls
// the API at VITE_API_URL (set CORS_ORIGINS on the server, see docs/frontend.md).
export default defineConfig({
  base: "/app/",
  plugins: [vue()],
  // The client package is linked from ../clients/typescript: resolve it (and its
  // openapi-fetch) as if it were installed here.
  resolve: { preserveSymlinks: true, dedupe: ["openapi-fetch", "vue"] },
  build: { outDir: "dist", emptyOutDir: true, sourcemap: false },
  server: { host: "127.0.0.1", port: 5173, strictPort: true },
});
