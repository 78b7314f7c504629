import { resolve } from "node:path";
import vue from "@vitejs/plugin-vue";
import { defineConfig } from "vite";

// Two entry pages in one build: the staff console and the residents' pages. Every asset is
// bundled into dist/assets (no CDN, no external fonts); the gateway serves dist as is.
export default defineConfig({
  plugins: [vue()],
  base: "/",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
    rollupOptions: {
      input: {
        console: resolve(import.meta.dirname, "console/index.html"),
        resident: resolve(import.meta.dirname, "resident/index.html"),
      },
    },
  },
  server: {
    // `npm run dev` next to a running `deploy/dev up`: the APIs and Keycloak through its gateway.
    proxy: { "/api": "http://127.0.0.1:8080", "/auth": "http://127.0.0.1:8080" },
  },
});
