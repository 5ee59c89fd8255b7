# Veiviser as a container: the same steps as test/production-install.test.ts (npm ci, npm run
# build, npm prune --omit=dev), then only the compiled server and its runtime dependencies.
#
#   docker build -t veiviser .
#   docker run -p 3978:3978 --env-file .env -v veiviser-data:/app/data veiviser
#
# NODE_ENV=production is set in the image: Bot Framework credentials are required (see the
# README's Configuration table). The Node major follows package.json's engines (>=20.19) and the
# machine the suite runs on; pass --build-arg NODE_VERSION=22 to move once the suite passes there.
ARG NODE_VERSION=20

# --- build: all dependencies, compile, bundle the tab, then drop the devDependencies ----------
FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
# NODE_ENV must not be production here: npm ci would then leave out the devDependencies the
# build needs (typescript, tsx, esbuild).
ENV NODE_ENV=development
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

# --- runtime: dist/, node_modules/ (runtime only) and package.json ("type": "module") ---------
FROM node:${NODE_VERSION}-bookworm-slim
ENV NODE_ENV=production \
    PORT=3978 \
    VEIVISER_DATA_DIR=/app/data
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The lowdb data directory, owned by the unprivileged user; mount a volume here for one instance,
# or set DATABASE_URL (PostgreSQL) and leave it empty.
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 3978
# /healthz: the process is alive (readiness, /readyz, is for the load balancer). Slim images have
# no curl; Node's own fetch does it.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3978)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# The server handles SIGTERM itself (finishes, releases the data directory's lock, exits 0).
CMD ["node", "--enable-source-maps", "dist/src/index.js"]
