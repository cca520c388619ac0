# syntax=docker/dockerfile:1
# One build for the three services; each is a target of its own, built from the repository root:
#   docker build --target cloud-gateway .   (or local-store, dingtalk-sim; docker-compose.yml names them)
FROM node:24-bookworm-slim AS build
WORKDIR /repo
# better-sqlite3 compiles from source; the toolchain stays in this stage only.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
# Every workspace manifest first, so `npm ci` is cached until a dependency changes.
COPY package.json package-lock.json ./
COPY apps/cloud-gateway/package.json apps/cloud-gateway/
COPY apps/local-store/package.json apps/local-store/
COPY apps/dingtalk-sim/package.json apps/dingtalk-sim/
COPY apps/system-e2e/package.json apps/system-e2e/
COPY libs/contracts/package.json libs/contracts/
COPY libs/dingtalk-client/package.json libs/dingtalk-client/
COPY libs/service-kit/package.json libs/service-kit/
COPY libs/webhook-signing/package.json libs/webhook-signing/
COPY libs/prisma-migrate/package.json libs/prisma-migrate/
COPY libs/local-client/package.json libs/local-client/
COPY libs/testkit/package.json libs/testkit/
RUN npm ci --ignore-scripts && npm rebuild better-sqlite3
COPY . .
RUN npm run prisma:generate && npm run build && npm prune --omit=dev --ignore-scripts

# What every service image shares: the pruned repository with the bundles, owned by `node`.
FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production HOST=0.0.0.0
WORKDIR /app
COPY --from=build --chown=node:node /repo /app

FROM runtime AS cloud-gateway
ENV PORT=3100 CLOUD_DATABASE_URL=file:/data/cloud-gateway.db
RUN mkdir -p /data && chown node:node /data
VOLUME /data
USER node
EXPOSE 3100
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:3100/healthz').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# The bundle from `npm run build` on plain node, with the heap settings of tools/build/bundle.ts.
CMD ["node", "--max-old-space-size=160", "--max-semi-space-size=4", "--heap-growing-percent=50", "apps/cloud-gateway/dist/main.js"]

FROM runtime AS local-store
ENV PORT=3000
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:3000/healthz').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "--max-old-space-size=160", "--max-semi-space-size=4", "--heap-growing-percent=50", "apps/local-store/dist/main.js"]

FROM runtime AS dingtalk-sim
ENV PORT=3200 SIM_HOST=0.0.0.0
USER node
EXPOSE 3200
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:3200/_sim/clock').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "--max-old-space-size=160", "--max-semi-space-size=4", "--heap-growing-percent=50", "apps/dingtalk-sim/dist/main.js"]
