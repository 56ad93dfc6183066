import { ChatChunkNotification, type ToolCallDelta } from '../../protocol';

/** Builds the JSON body of one `chat/chunk` notification from a chunk's parts. */
export type ChunkBody = (delta: string, seq: number, toolCall?: ToolCallDelta) => string;

/**
 * The bodies of one stream's `chat/chunk` notifications: byte for byte what vscode-jsonrpc's
 * `sendNotification(ChatChunkNotification.type, { requestId, seq, delta, toolCall })` serializes,
 * with the part every chunk of the request shares serialized once, and no params object per
 * chunk. It is on the way to the first token (issue #23, docs/performance.md "Third pass").
 */
export function chunkBodies(requestId: string): ChunkBody {
  const method = JSON.stringify(ChatChunkNotification.method);
  const head = `{"jsonrpc":"2.0","method":${method},"params":{"requestId":${JSON.stringify(requestId)},"seq":`;
  return (delta, seq, toolCall) => {
    const tail = toolCall ? `,"toolCall":${JSON.stringify(toolCall)}}}` : '}}';
    return `${head}${seq},"delta":${JSON.stringify(delta)}${tail}`;
  };
}
