# syntax=docker/dockerfile:1
# Stilts gateway image: build the workspace, keep production dependencies only, run as `node`.

FROM node:20-bookworm-slim AS build
WORKDIR /app
ENV NX_NO_CLOUD=true NX_DAEMON=false CI=true
# The whole context (see .dockerignore): npm workspaces need every workspace's package.json,
# and copying them one by one breaks each time a workspace is added.
COPY . .
RUN npm ci --no-audit --no-fund \
 && npm run build \
 && npm prune --omit=dev --no-audit --no-fund \
 && rm -rf .nx

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    STILTS_HOME=/app/.stilts
WORKDIR /app
COPY --from=build /app /app
# Local state (generated credentials; the embedded database when DATABASE_URL is unset) is the
# only thing the process writes.
RUN mkdir -p /app/.stilts && chown node:node /app/.stilts && chmod 700 /app/.stilts
USER node
EXPOSE 8080
# main.js handles SIGTERM itself: stop accepting, drain, flush the call ledger, exit 0.
# A smaller young generation (8 MB semi-spaces, as npm start) keeps peak RSS down: docs/performance.md.
CMD ["node", "--max-semi-space-size=8", "apps/server/dist/main.js"]
