/**
 * The architecture, enforced in `npm test` (`npm run lint:deps`). docs/architecture.md explains it.
 *
 * Libraries form layers; each may import only the ones listed for it (so no library cycle can form):
 *
 *   domain, event-store, reference-data, access   import no other library
 *   shared                                        domain, event-store (the port)
 *   audit                                         domain, event-store, shared
 *   projections                                   domain, event-store, reference-data, shared
 *   commands                                      domain, event-store, reference-data, shared, audit
 *   queries, subscriptions                        domain, event-store, reference-data, shared, projections
 *
 * So the read side (queries, subscriptions, projections, audit, the CLI) never imports the write
 * side (commands); the domain is pure; the event-store port knows neither adapter.
 */
const LAYERS = {
  domain: [],
  'event-store': [],
  'reference-data': [],
  access: [],
  shared: ['domain', 'event-store'],
  audit: ['domain', 'event-store', 'shared'],
  projections: ['domain', 'event-store', 'reference-data', 'shared'],
  commands: ['domain', 'event-store', 'reference-data', 'shared', 'audit'],
  queries: ['domain', 'event-store', 'reference-data', 'shared', 'projections'],
  subscriptions: ['domain', 'event-store', 'reference-data', 'shared', 'projections'],
};

const layerRules = Object.entries(LAYERS).map(([lib, allowed]) => ({
  name: `${lib}-imports-only-its-layers`,
  comment: `libs/${lib} may import ${allowed.length ? allowed.map((a) => `libs/${a}`).join(', ') : 'no other library'}.`,
  severity: 'error',
  from: { path: `^libs/${lib}/` },
  to: { path: `^libs/(?!(?:${[lib, ...allowed].join('|')})/)` },
}));

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'unknown-library',
      comment: 'Every library has its place in LAYERS above.',
      severity: 'error',
      from: { path: '^libs/([^/]+)/' },
      to: { path: `^libs/(?!(?:${Object.keys(LAYERS).join('|')})/)` },
    },
    {
      name: 'cli-is-read-side',
      comment: 'The CLI reads the log and talks HTTP; it never imports the write side.',
      severity: 'error',
      from: { path: '^apps/cli/' },
      to: { path: '^libs/commands/' },
    },
    {
      name: 'port-knows-no-adapter',
      comment: 'The event-store port (and everything in it but the adapters) imports neither adapter.',
      severity: 'error',
      from: { path: '^libs/event-store/src/', pathNot: '^libs/event-store/src/(sqlite|eventstoredb|testing)/' },
      to: { path: '^libs/event-store/src/(sqlite|eventstoredb)/' },
    },
    {
      name: 'adapters-apart',
      comment: 'Neither adapter imports the other.',
      severity: 'error',
      from: { path: '^libs/event-store/src/sqlite/' },
      to: { path: '^libs/event-store/src/eventstoredb/' },
    },
    {
      name: 'adapters-apart-too',
      severity: 'error',
      from: { path: '^libs/event-store/src/eventstoredb/' },
      to: { path: '^libs/event-store/src/sqlite/' },
    },
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
      name: 'domain-imports-only-itself',
      comment: 'Outside its tests the domain imports only itself and immutable (its persistent maps).',
      severity: 'error',
      from: { path: '^libs/domain/', pathNot: ['\\.spec\\.ts$', '/testing/'] },
      to: { dependencyTypes: ['npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-no-pkg', 'npm-unknown'], pathNot: 'node_modules/immutable/' },
    },
    {
      name: 'domain-no-io',
      severity: 'error',
      from: { path: '^libs/domain/', pathNot: '\\.spec\\.ts$' },
      to: { dependencyTypes: ['core'], path: '^(fs|net|http|https|child_process|crypto|os|worker_threads|dgram|tls)$' },
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
