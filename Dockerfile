# Omnara for self-hosting: `omnara serve` from the package `npm pack` builds, on Node 20, as a
# non-root user. Postgres via DATABASE_URL (see compose.yaml); without it, embedded PGlite in /data.

# Build: the published CLI's tarball (its prepack builds the dashboard and the bundle).
FROM node:20-slim AS build
WORKDIR /src
COPY . .
RUN npm ci --no-audit --no-fund \
 && cd apps/cli \
 && npm pack --pack-destination /pkg

# Runtime: the tarball installed as a user would, nothing of the monorepo.
FROM node:20-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /pkg/ /pkg/
RUN npm install --omit=dev --no-audit --no-fund --no-package-lock /pkg/omnara-*.tgz \
 && rm -rf /pkg /root/.npm \
 && mkdir -p /data \
 && chown node:node /data
USER node
# Listen on every interface inside the container; keys (and PGlite, without DATABASE_URL) in /data.
ENV HOST=0.0.0.0 \
    PORT=8080 \
    OMNARA_DATA_DIR=/data
VOLUME /data
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8080/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "/app/node_modules/omnara/dist/main.js", "serve"]
