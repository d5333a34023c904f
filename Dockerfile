# Docket's container image: the compiled service on the current Node.js LTS (24), production dependencies only,
# running as the unprivileged `node` user. CI on the development machines runs the same code on Node.js 20.
ARG NODE_IMAGE=node:24-bookworm-slim

# Build: compile TypeScript and better-sqlite3 (from source, for this Node.js), then drop the development packages.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

# Run: no compiler, no sources, no development packages.
FROM ${NODE_IMAGE}
WORKDIR /app
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 DATA_DIR=/data
COPY --from=build --chown=root:root /app/package.json ./
COPY --from=build --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/dist ./dist
COPY --chown=root:root config ./config
# The standalone verifier, which `export-evidence` puts in every evidence pack.
COPY --chown=root:root tools ./tools
RUN mkdir -p /data && chown node:node /data
# The code belongs to root and is read-only to the service; only /data is its to write.
USER node
VOLUME /data
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 CMD ["node", "-e", "fetch('http://127.0.0.1:'+process.env.PORT+'/api/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# SIGTERM drains the requests in flight, ends the feed's connections and closes the store (README, Operations).
STOPSIGNAL SIGTERM
# A larger young generation halves the scavenges under load (see README, benchmarks); keep in step with `npm start`.
CMD ["node", "--max-semi-space-size=32", "dist/main.js"]
