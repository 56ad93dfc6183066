/**
 * Parse options for a schema that is parsed once or rarely (the config file, a settings group's
 * defaults). zod compiles an object schema's parser on its first parse (`new Function`), which
 * pays only when the schema is parsed again and again, as request schemas are; for these it was
 * a large part of the daemon's start. The result, and every error message, is the same.
 */
export const ONE_SHOT_PARSE = { jitless: true } as const;
