# eidgate: the broker in production mode, as a non-root user. Build: docker build -t eidgate .
# The start command and environment below are exercised as a process by test/container.test.ts; the image
# build itself is not (see the README, "Running in production").
FROM node:24-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# Runtime dependencies only; the TypeScript sources run as they are (Node 24 strips the types).
RUN npm ci --omit=dev --no-audit --no-fund --ignore-scripts && npm cache clean --force

FROM node:24-slim
ENV NODE_ENV=production EIDGATE_ENV=production HOST=0.0.0.0 PORT=8080 DATA_DIR=/var/lib/eidgate
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY bin ./bin
COPY src ./src
# The embedded store's directory (used only with EIDGATE_ALLOW_EMBEDDED_STORE=true), owned by the runtime user.
RUN mkdir -p /var/lib/eidgate && chown node:node /var/lib/eidgate
USER node
EXPOSE 8080
# Ready = the process serves and its database answers (/readyz); `docker compose ps` shows it.
HEALTHCHECK --interval=10s --timeout=3s --start-period=45s --retries=3 CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/readyz').then(r=>process.exit(r.status===200?0:1),()=>process.exit(1))"]
# Node as PID 1 handles SIGTERM itself (finishes in-flight requests, closes the store); compose adds an init.
CMD ["node", "src/main.ts"]
