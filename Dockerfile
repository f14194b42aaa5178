# syntax=docker/dockerfile:1
# Brygga's production image (docs/operations.md): the compiled server (npm run build)
# with production dependencies only, run as the unprivileged `node` user, fit for a
# read-only root file system (only /tmp must be writable: the SAML SP's first key pair
# is made with the openssl command in a temporary directory).
#
#   docker build -t brygga .
#   docker run --read-only --tmpfs /tmp -e DATABASE_URL=… -e DATABASE_API_URL=… \
#     -e PUBLIC_URL=https://… -e IDENTITY_KEY_ENCRYPTION_KEY=… -p 4000:4000 brygga
#
# The scheduler runs from the same image: `node scripts/scheduler.js` (deploy/compose.yaml).

ARG NODE_IMAGE=node:20-bookworm-slim

# --- build: every dependency, the generated Prisma client, the IDE, tsc into dist/ ---
FROM ${NODE_IMAGE} AS build
WORKDIR /src
# npm ci runs `prepare` (the Prisma client, the IDE's build), which needs the sources;
# install scripts run only for the packages package.json allows (allowScripts).
COPY . .
RUN npm ci --no-audit --no-fund && npm run build

# --- dependencies: production only, no install scripts (the embedded PostgreSQL's
# binaries are for `npm start`; production always has DATABASE_URL) ---
FROM ${NODE_IMAGE} AS dependencies
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

# --- runtime ---
FROM ${NODE_IMAGE} AS runtime
# openssl: the SP signing certificate is made with it (src/identity/certificates.ts).
# libxml2-utils: xmllint validates GetCarePlans requests against the national contract's
# schemas (src/patient-portal).
RUN apt-get update \
  && apt-get install -y --no-install-recommends openssl libxml2-utils \
  && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=4000 \
    NODE_OPTIONS="--max-semi-space-size=64 --expose-gc"
WORKDIR /app
COPY --from=dependencies --chown=root:root /app/node_modules ./node_modules
# graphql-js as the build's npm ci patched it (patches/: its executor's objects), which
# the production install, made without scripts, leaves as published.
COPY --from=build --chown=root:root /src/node_modules/graphql ./node_modules/graphql
# plugin-prisma likewise (patches/: it exports the adapter the kept query plans need).
COPY --from=build --chown=root:root /src/node_modules/@pothos/plugin-prisma ./node_modules/@pothos/plugin-prisma
# Pothos' core and selection-mapper likewise (patches/: per-request caches that die with
# the request instead of outliving it in a WeakMap).
COPY --from=build --chown=root:root /src/node_modules/@pothos/core ./node_modules/@pothos/core
COPY --from=build --chown=root:root /src/node_modules/@pothos/selection-mapper ./node_modules/@pothos/selection-mapper
COPY --from=build --chown=root:root /src/package.json ./package.json
COPY --from=build --chown=root:root /src/dist ./dist
# Relative paths in the configuration (TRUSTED_DOCUMENTS_FILE) resolve inside dist/.
WORKDIR /app/dist
USER node
EXPOSE 4000
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
STOPSIGNAL SIGTERM
# Traces: the preload starts OpenTelemetry when OTEL_EXPORTER_OTLP_ENDPOINT is set, else nothing.
CMD ["node", "--enable-source-maps", "--import", "./src/tracing/instrumentation.js", "src/main.js"]
