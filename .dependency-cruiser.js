/** Boundaries checked by a machine (STYLE.md): a rule that breaks fails `npm run lint`. */
module.exports = {
  forbidden: [
    {
      name: 'pure-core',
      comment: 'projections/ is the pure core: no Nest, no I/O, nothing from src/.',
      severity: 'error',
      from: { path: '^projections/' },
      to: { path: ['^src/', '@nestjs', 'better-sqlite3', 'mongodb', '@eventstore', '^node:fs', '^fs$', '^node:net', '^net$', '^node:http', '^http$'] },
    },
    {
      name: 'adapters-behind-ports',
      comment: 'Vendor drivers are used only inside their adapter folders.',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/(event-store|read-store)/(sqlite|eventstoredb|mongodb)/', '^src/privacy/key-store/(sqlite|mongodb)/', '^src/destinations/store/(sqlite|mongodb)/', '^src/common/sqlite'] },
      to: { path: ['node_modules/(better-sqlite3|mongodb|@eventstore/db-client)/'] },
    },
    {
      name: 'slice-faces',
      comment:
        'A slice (src/<slice>/, projections/<module>/) meets others at its public face: its index.ts, or a *.module.ts ' +
        'or *.port.ts. Reaching into another slice\'s files couples to what it may change freely. Specs may reach in.',
      severity: 'error',
      from: { path: '^(src|projections)/([^/]+)/', pathNot: '\\.spec\\.ts$' },
      to: {
        path: '^(src|projections)/([^/]+)/',
        pathNot: ['^$1/$2/', '/index\\.ts$', '\\.module\\.ts$', '\\.port\\.ts$'],
      },
    },
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
