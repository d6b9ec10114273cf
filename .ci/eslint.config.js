// ESLint for the whole tree, run by `npm run lint` (and so by `npm test` and CI).
// Syntax-only rules on purpose, no type-aware linting: tsc already type-checks, and the lint
// step has to stay quick on a two-core CI machine. Formatting belongs to Prettier alone.
import js from "@eslint/js";
import { defineConfig } from "eslint/config";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

// Only strategy/store/ may reach a database: everything else talks to the ports, so importing
// the strategy, the admin API or the client never loads Prisma or a driver.
const databaseImport = String.raw`(^|/)store/prisma(/|$)|^@prisma/|^\.prisma(/|$)|^(better-sqlite3|pg|ioredis)(/|$)`;
// The same pattern in an esquery selector, whose regular expressions cannot contain "/".
const databaseImportSelector = `ImportExpression > Literal[value=/${databaseImport.replaceAll("/", String.raw`\x2F`)}/]`;
const databaseMessage = "only strategy/store/ may import Prisma, its generated client or a database driver; use the store ports";

export default defineConfig(
  {
    ignores: ["**/node_modules/", "**/dist/", "strategy/store/prisma/generated/", "bench/results/", "test/package/fixtures/build/", "data/", ".scratch/"],
  },
  {
    linterOptions: { reportUnusedDisableDirectives: "error" },
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      // tsc reports unused locals and parameters (noUnusedLocals/noUnusedParameters), with the
      // project's `_name` convention; a second report of the same thing only adds noise.
      "@typescript-eslint/no-unused-vars": "off",
      eqeqeq: ["error", "always"],
      // Key-text and header validators match control characters on purpose.
      "no-control-regex": "off",
      // `let x` declared above a closure that reads it and assigned further down states the
      // order things are built in; const would hide that the closure runs only later.
      "prefer-const": ["error", { ignoreReadBeforeAssign: true }],
    },
  },
  {
    // Tests and tools read untyped JSON bodies and globals the lib settings leave out: an `any`
    // there is a choice. The library itself stays without one.
    files: ["test/**", "bench/**", "prisma/tools/**"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
  {
    // The package test's CommonJS consumer: require() is what it checks.
    files: ["**/*.cjs"],
    languageOptions: { sourceType: "commonjs" },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  {
    // The classic hook rules only. The plugin's React Compiler rules assume an app the compiler
    // builds (the console is not) and run the compiler over every file: most of the lint time.
    files: ["admin-ui/**/*.{ts,tsx}"],
    plugins: { "react-hooks": reactHooks },
    languageOptions: { globals: { ...globals.browser } },
    rules: { "react-hooks/rules-of-hooks": "error", "react-hooks/exhaustive-deps": "error" },
  },
  {
    files: ["strategy/**/*.ts", "bin/**/*.ts", "admin-ui/**/*.{ts,tsx}"],
    ignores: ["strategy/store/**"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [{ regex: databaseImport, message: databaseMessage }] }],
      "no-restricted-syntax": ["error", { selector: databaseImportSelector, message: databaseMessage }],
    },
  },
);
