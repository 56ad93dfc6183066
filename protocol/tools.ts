/** A tool the model may call; `inputSchema` is a JSON Schema object. */
export interface ToolDefinition {
  name: string;
  description?: string;
  inputSchema: Record<string, unknown>;
}

/** `required`: some tool must be called; `{ name }`: that one. */
export type ToolChoice = 'auto' | 'none' | 'required' | { name: string };

/** The JSON Schema the answer must follow; checked with zod, repaired once, then refused. */
export interface ResponseSchema {
  name: string;
  description?: string;
  schema: Record<string, unknown>;
}

export type ReasoningEffort = 'low' | 'medium' | 'high';

/** A complete tool call in a result. */
export interface ToolCall {
  id: string;
  name: string;
  input: Record<string, unknown>;
  /** Opaque; a client replaying the call in a later request sends it back on the tool_use part. */
  signature?: string;
}

/** A piece of a streamed tool call: the first piece of each call carries its id and name. */
export interface ToolCallDelta {
  /** Which call of this answer, from 0. */
  index: number;
  id?: string;
  name?: string;
  /** More of the arguments' JSON text. */
  argumentsDelta: string;
}
