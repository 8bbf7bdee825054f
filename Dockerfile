# syntax=docker/dockerfile:1
# Build: compile TypeScript, build the dashboard (dist/web), then keep only production dependencies.
# (better-sqlite3 13 ships its Node-API binaries prebuilt, so no compiler is needed.)
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev

# Run: no compilers, no sources, an unprivileged user.
FROM node:24-bookworm-slim
ENV NODE_ENV=production \
    PORT=3000 \
    SAMVERKAN_DATA_DIR=/var/lib/samverkan
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
# dist holds the compiled service and the built dashboard (dist/web), which the service serves at /.
COPY --from=build /app/dist ./dist
# /var/lib/samverkan-audit-key: where instances sharing one log may share their audit signing key (SAMVERKAN_AUDIT_KEY_DIR).
RUN mkdir -p /var/lib/samverkan /var/lib/samverkan-audit-key && chown node:node /var/lib/samverkan /var/lib/samverkan-audit-key
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
CMD ["node", "dist/apps/api/src/main.js"]
