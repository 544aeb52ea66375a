# One image for every service; the service is chosen by build argument (or SERVICE at run time):
#   docker build --build-arg SERVICE=ingest -t telemetry-ingest .
# Stage 1 installs dependencies and compiles TypeScript with SWC; stage 2 carries only what runs.
ARG NODE_VERSION=22-bookworm-slim

FROM node:${NODE_VERSION} AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY apps/ingest/package.json apps/ingest/
COPY apps/privacy/package.json apps/privacy/
COPY apps/processor/package.json apps/processor/
COPY apps/anomaly/package.json apps/anomaly/
COPY apps/api/package.json apps/api/
COPY libs/ libs/
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx swc apps libs --config-file .swcrc --out-dir dist --ignore "**/*.spec.ts,**/test/**,**/bench/**,apps/dashboard/**,libs/sdk/**" --quiet \
 && if [ -f apps/dashboard/package.json ]; then npm run -s build:dashboard || true; fi \
 && mkdir -p apps/dashboard/dist examples \
 && npm prune --omit=dev --no-audit --no-fund

FROM node:${NODE_VERSION} AS runtime
ARG SERVICE=ingest
ENV NODE_ENV=production SERVICE=${SERVICE}
WORKDIR /app
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY --from=build /app/package.json package.json
COPY --from=build /app/examples examples
COPY --from=build /app/apps/dashboard/dist apps/dashboard/dist
USER node
# Ports: ingest 4318, api 4000, workers' health/metrics 9101-9103.
EXPOSE 4318 4000 9101 9102 9103
CMD ["sh", "-c", "exec node dist/apps/${SERVICE}/src/main.js"]
