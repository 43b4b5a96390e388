# Tessera service image: build with the full toolchain, run with production dependencies only.
FROM node:20-slim AS build
WORKDIR /app
# better-sqlite3 ships prebuilt binaries for node 20 on linux x64/arm64; the toolchain is the fallback when none fits.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY projections projections
COPY src src
RUN npx tsc -p tsconfig.build.json && npm prune --omit=dev --no-audit --no-fund

FROM node:20-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=8080 DATA_DIR=/data
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
# The viewer serves its static files from the source tree (dist/src/viewer → src/viewer/public).
COPY --from=build /app/src/viewer/public src/viewer/public
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=5 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/v1/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# The heap bound of `npm start` (README "Run it"): V8 otherwise keeps the garbage of batch work reserved.
CMD ["node", "--max-old-space-size=640", "dist/src/main.js"]
