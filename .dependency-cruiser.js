/**
 * The architecture, enforced in CI (`npm run lint:deps`):
 * - the domain is pure: no framework, no store, no other lib, no I/O modules;
 * - the event store knows nothing of the domain or the application;
 * - read models do not reach into the command side, and neither reaches into queries;
 * - no lib imports an app; no cycles.
 */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment: 'Deciders and events import nothing from frameworks, stores or I/O.',
      severity: 'error',
      from: { path: '^libs/domain/' },
      to: {
        path: ['node_modules/@nestjs', 'node_modules/@eventstore', 'node_modules/better-sqlite3', 'node_modules/rxjs', 'node_modules/@grpc', '^libs/(?!domain/)', '^apps/'],
      },
    },
    {
      name: 'domain-no-io',
      severity: 'error',
      from: { path: '^libs/domain/', pathNot: '\\.spec\\.ts$' },
      to: { dependencyTypes: ['core'], path: '^(fs|net|http|https|child_process|crypto|os|worker_threads|dgram|tls)$' },
    },
    {
      name: 'event-store-knows-no-domain',
      severity: 'error',
      from: { path: '^libs/event-store/' },
      to: { path: '^libs/(?!event-store/)' },
    },
    {
      name: 'projections-not-into-commands-or-queries',
      severity: 'error',
      from: { path: '^libs/projections/' },
      to: { path: '^libs/(commands|queries)/' },
    },
    {
      name: 'commands-not-into-read-side',
      severity: 'error',
      from: { path: '^libs/commands/' },
      to: { path: '^libs/(queries|projections)/' },
    },
    {
      name: 'libs-not-into-apps',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
    {
      name: 'production-code-not-into-test-support',
      severity: 'error',
      from: { path: '^(libs|apps)/', pathNot: ['\\.spec\\.ts$', '/testing/'] },
      to: { path: '/testing/' },
    },
    {
      name: 'web-talks-only-http',
      comment: 'The dashboard (apps/web) is a client of the public HTTP API: it imports no server code, and no server code imports it.',
      severity: 'error',
      from: { path: '^apps/web/' },
      to: { path: ['^libs/', '^apps/(?!web/)', 'node_modules/@nestjs', 'node_modules/@samverkan'] },
    },
    {
      name: 'server-not-into-web',
      severity: 'error',
      from: { path: '^(libs|apps/(?!web/))' },
      to: { path: '^apps/web/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['^dist/'] },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
