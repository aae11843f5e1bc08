# syntax=docker/dockerfile:1
# SMART-OS image: `docker build -t smart-os .`, then `docker run -p 8000:8000 -v smartos:/data smart-os`.
# Configuration comes from the environment only (`docker run --rm smart-os --help` lists every setting);
# the database is migrated at every start. See docs/deploy.md.
ARG NODE_IMAGE=node:20-bookworm-slim

# Production dependencies only; better-sqlite3 is compiled here, so the runtime needs no compiler.
# (postinstall generates the Prisma clients only where their schema is: not here; they are compiled into dist/.)
FROM ${NODE_IMAGE} AS deps
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

# Everything else: the compiled server, the dashboard and the documentation site.
FROM ${NODE_IMAGE} AS build
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
COPY prisma ./prisma
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build:server && npm run build && npm run docs:build

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production HOST=0.0.0.0 PORT=8000 DATA_DIR=/data LOG_PRETTY=false
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/dist ./dist
COPY --from=build /app/prisma/sqlite ./prisma/sqlite
COPY --from=build /app/prisma/postgres ./prisma/postgres
COPY --from=build /app/dashboard/dist ./dashboard/dist
COPY --from=build /app/docs/.vitepress/dist ./docs/.vitepress/dist
# Any user id in group 0 may write the data folder (OpenShift runs images under a random uid in group 0).
RUN mkdir -p /data && chgrp -R 0 /data && chmod -R g=u /data
USER 10001:0
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/readyz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "--max-semi-space-size=64", "dist/server/main.js"]
