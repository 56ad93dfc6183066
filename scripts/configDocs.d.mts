/** Renders docs/configuration.md from the parsed package.json. */
export function renderConfigurationDocs(pkg: unknown): string;
export const configurationDocsPath: string;
