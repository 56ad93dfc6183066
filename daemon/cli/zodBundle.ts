/** dist/cliZod.js: zod for the CLI's commands that check settings (see esbuild.mjs). */
export * from 'zod';
