// Lint config. Besides typescript-eslint's rules it holds the architecture:
// each layer may import only the layers below it, and only through their index.
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

/** Layers from the bottom up; a layer may import the ones listed as `may`. */
const layers = {
  diagnostics: [],
  spec: ['diagnostics'],
  compiler: ['diagnostics', 'spec', 'checks'],
  governance: ['diagnostics', 'spec', 'compiler', 'checks'],
  sqlparse: ['diagnostics'],
  checks: ['diagnostics', 'spec', 'warehouse'],
  loader: ['diagnostics', 'spec'],
  workspace: ['diagnostics', 'spec', 'compiler', 'checks', 'governance', 'sqlparse', 'loader'],
  examples: [],
  warehouse: ['diagnostics'],
  pgwire: ['diagnostics'],
  state: ['diagnostics', 'warehouse'],
  access: ['diagnostics', 'spec', 'compiler'],
  runner: ['diagnostics', 'spec', 'compiler', 'checks', 'governance', 'sqlparse', 'loader', 'workspace', 'warehouse', 'state', 'access'],
  gateway: ['diagnostics', 'spec', 'compiler', 'access', 'warehouse', 'state', 'runner'],
  incidents: ['diagnostics', 'spec', 'compiler'],
  alerts: ['diagnostics', 'spec', 'compiler', 'incidents', 'warehouse', 'state', 'runner'],
  server: ['diagnostics', 'spec', 'compiler', 'checks', 'governance', 'sqlparse', 'loader', 'workspace', 'warehouse', 'state', 'runner', 'access', 'gateway', 'pgwire', 'incidents', 'alerts'],
  cli: ['diagnostics', 'spec', 'compiler', 'checks', 'governance', 'sqlparse', 'loader', 'workspace', 'examples', 'warehouse', 'state', 'runner', 'server', 'access', 'gateway', 'incidents', 'alerts'],
};
const pureLayers = ['diagnostics', 'spec', 'compiler', 'governance', 'checks', 'access', 'incidents'];
const allLayers = Object.keys(layers);

const deepImport = {
  regex: '^(\\.\\./)+[a-z-]+/(?!index\\.js$)',
  message: 'Import another folder through its index.js, its public face.',
};

const layerRules = Object.entries(layers).map(([layer, may]) => {
  const forbidden = allLayers.filter((other) => other !== layer && !may.includes(other));
  const patterns = [
    deepImport,
    ...forbidden.map((other) => ({
      regex: `^(\\.\\./)+${other}(/|$)`,
      message: `${layer}/ must not import ${other}/: dependencies point one way (see docs/architecture.md).`,
    })),
  ];
  if (pureLayers.includes(layer)) {
    patterns.push({
      regex: '^(node:|fs$|path$|child_process$|@duckdb/)',
      message: `${layer}/ is pure (no I/O, no engines) so that the web app can reuse it.`,
    });
  }
  return {
    files: [`src/${layer}/**/*.ts`],
    ignores: ['src/**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns }] },
  };
});

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'bench/.peers/**', 'bench/.work/**', 'scratch/**', 'examples/**/data/**', 'coverage/**'] },
  {
    files: ['**/*.ts', '**/*.tsx'],
    extends: [tseslint.configs.strictTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      '@typescript-eslint/no-unnecessary-condition': ['error', { allowConstantLoopConditions: true }],
    },
  },
  ...layerRules,
  {
    // The web catalog talks to the server over HTTP only: it must not import server code.
    files: ['web/**/*.ts', 'web/**/*.tsx'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': ['error', { patterns: [{ regex: '^(\\.\\./)+(src|test|bench)/', message: 'web/ reaches the server through its HTTP API, not its modules.' }] }],
    },
  },
  {
    files: ['**/*.js'],
    extends: [tseslint.configs.disableTypeChecked],
  },
);
