// Import rules checked in `npm test` (`npm run deps`): no import cycle anywhere, and no module imports a layer
// above its own. The layers are written down in README.md ("Where each part lives"); keep the two in step.
//
// A layer may import the layers listed before it and never one listed after it. Folders on one line are
// siblings: neither imports the other. Tests (`*.test.ts`, `*.test-suite.ts`, `tests/e2e`, `tests/golden`)
// sit above everything and may import any layer; nothing but a test imports a test.

/** Ranks, lowest first; each entry is one folder (a path regex) or several siblings. */
const LAYERS = [
  [{ name: 'shared', path: '^src/shared/' }],
  [{ name: 'model', path: '^src/model/' }],
  [{ name: 'catalog', path: '^src/catalog/' }],
  [{ name: 'registry', path: '^src/registry/' }],
  [{ name: 'records', path: '^src/records/' }],
  [
    { name: 'engine', path: '^src/engine/' },
    { name: 'storage', path: '^src/storage/' },
  ],
  [{ name: 'push', path: '^src/push/' }],
  // Only what runs at a center: the protocol simulators are in src/simulate/<protocol>/.
  [{ name: 'collectors', path: '^collectors/' }],
  [{ name: 'agent', path: '^src/agent/' }],
  [
    { name: 'report', path: '^src/report/' },
    { name: 'console', path: '^src/console/' },
  ],
  [{ name: 'hub', path: '^src/hub/' }],
  [{ name: 'simulate', path: '^src/simulate/' }],
  [
    { name: 'grafana', path: '^grafana/' },
    { name: 'docs', path: '^src/docs/' },
  ],
  // Alert rules link to the dashboards (fixed uids) and share their thresholds.
  [{ name: 'alerting', path: '^alerting/' }],
  [{ name: 'harnesses', path: '^tests/support/' }],
  [{ name: 'bench', path: '^src/bench/' }],
  [{ name: 'demo', path: '^src/demo/' }],
  [{ name: 'cli', path: '^src/cli/' }],
  [{ name: 'bin', path: '^bin/' }],
];

const TESTS = '\\.test\\.ts$|\\.test-suite\\.ts$|^tests/(e2e|golden)/|^tests/run-tests\\.ts$';

/** One rule per layer: it may not import a layer of a higher rank, nor a sibling. */
function layerRules() {
  const rules = [];
  LAYERS.forEach((rank, r) => {
    for (const layer of rank) {
      const above = [...LAYERS.slice(r + 1).flat(), ...rank.filter((l) => l !== layer)];
      if (above.length === 0) continue;
      rules.push({
        name: `layer-${layer.name}`,
        comment: `${layer.name} may import only the layers below it (see README "Where each part lives")`,
        severity: 'error',
        from: { path: layer.path, pathNot: TESTS },
        to: { path: above.map((l) => `(${l.path})`).join('|') },
      });
    }
  });
  return rules;
}

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'import cycles tie modules that should stand alone; move the shared part down a layer',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-test-imports',
      comment: 'only tests import tests',
      severity: 'error',
      from: { pathNot: TESTS },
      to: { path: TESTS },
    },
    {
      name: 'no-unlayered',
      comment: 'every source file belongs to a layer: add its folder to LAYERS in .dependency-cruiser.cjs',
      severity: 'error',
      from: {
        path: '\\.(ts|js)$',
        pathNot: [
          TESTS,
          '^eslint\\.config\\.js$',
          '^\\.dependency-cruiser\\.cjs$',
          ...LAYERS.flat().map((l) => l.path),
        ],
      },
      to: {},
    },
    ...layerRules(),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|var|test-artifacts)/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
