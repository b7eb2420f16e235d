import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// The built app goes into the Python package, so `pip install` ships it and nothing is
// fetched at run time. The server serves index.html for every page route and the
// hashed files under /assets/.
export default defineConfig({
  plugins: [react()],
  base: "/",
  build: {
    outDir: "../src/journeyline/web/static/app",
    emptyOutDir: true,
    assetsDir: "assets",
    sourcemap: false,
    chunkSizeWarningLimit: 600,
  },
  // `npm run dev` serves the sources and sends API calls to a running `journeyline serve`
  // (JOURNEYLINE_API, default http://127.0.0.1:8000).
  server: {
    proxy: {
      "/api": process.env.JOURNEYLINE_API ?? "http://127.0.0.1:8000",
      "/signin": process.env.JOURNEYLINE_API ?? "http://127.0.0.1:8000",
    },
  },
});
