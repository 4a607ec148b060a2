import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// `npm run dev`: hot reload on :5173, with the API of a server you run (`npm start`) behind it.
const api = process.env["OMNARA_API_URL"] ?? "http://127.0.0.1:8080";

export default defineConfig({
  plugins: [react()],
  server: {
    port: 5173,
    proxy: {
      // SSE (the live stream) goes through this proxy as well; it does not buffer responses.
      "/api": { target: api, changeOrigin: true },
      "/mcp": { target: api, changeOrigin: true },
    },
  },
  build: {
    target: "es2022",
    sourcemap: true,
    chunkSizeWarningLimit: 600,
  },
});
