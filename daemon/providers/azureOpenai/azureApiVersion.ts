/**
 * Azure's current GA data-plane version of Chat Completions. Its own file, without the SDK, so
 * that the settings (and the CLI, which reads them) do not load the openai package.
 */
export const AZURE_DEFAULT_API_VERSION = '2024-10-21';
