// Lint that catches async bugs: floating and misused promises, non-exhaustive switches.
import tseslint from 'typescript-eslint';

/**
 * One owner per table (backend/src): only database/ and `*.repository.ts` files reach the
 * database, and a module's entities are imported only inside that module (entities may
 * reference each other for foreign keys; database/entities.ts lists them all).
 */
const DATABASE_HANDLES = {
  name: 'typeorm',
  importNames: ['DataSource', 'EntityManager', 'Repository', 'QueryRunner', 'QueryBuilder', 'SelectQueryBuilder'],
  message: 'Only database/ and *.repository.ts touch the database: call the owning module’s repository, pass a Tx.',
};
const RAW_DATABASE_CALLS = {
  selector:
    'CallExpression[callee.property.name=/^(query|getRepository|createQueryBuilder|transaction|createQueryRunner)$/]',
  message: 'SQL and repositories belong in the owning module’s *.repository.ts (transactions: UnitOfWork).',
};
const NOT_A_REPOSITORY = ['backend/src/database/**', 'backend/src/**/*.repository.ts'];
const NOT_AN_ENTITY = ['backend/src/database/**', 'backend/src/**/*.entity.ts'];
/** A file n folders below backend/src/<module>/ leaves its module with n+1 "../". */
const ownerRules = [1, 2, 3].map((depth) => {
  const up = '../'.repeat(depth);
  return {
    files: [`backend/src/*/${'*/'.repeat(depth - 1)}*.ts`],
    ignores: NOT_AN_ENTITY,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [DATABASE_HANDLES],
          patterns: [
            {
              group: [`${up}**/*.entity`, `${up}**/*.entity.js`],
              message: 'Another module’s entity: use that module’s repository or service (or a port it declares).',
            },
          ],
        },
      ],
    },
  };
});

export default tseslint.config(
  { ignores: ['**/dist/**', '**/.next/**', '**/node_modules/**', 'review-ui/next-env.d.ts', '**/*.mjs'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // node:test's test() and describe() return promises the runner itself awaits.
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite'] },
          ],
        },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  ...ownerRules,
  {
    // Entities may reference other modules' entities (foreign keys) but still never hold a database handle.
    files: ['backend/src/**/*.entity.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [DATABASE_HANDLES] }] },
  },
  {
    files: ['backend/src/**/*.ts'],
    ignores: NOT_A_REPOSITORY,
    rules: { 'no-restricted-syntax': ['error', RAW_DATABASE_CALLS] },
  },
  {
    // The repositories may use the handles; the entity rule still applies to them.
    files: ['backend/src/**/*.repository.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [{ group: ['../**/*.entity'], message: 'A repository owns only its own module’s tables.' }],
        },
      ],
    },
  },
);
