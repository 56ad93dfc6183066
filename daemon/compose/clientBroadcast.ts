import type { NotificationType } from 'vscode-jsonrpc/node';
import type { DaemonServer } from '../server/daemonServer';

/**
 * Notifications to every connected client. The parts that send them (alerts, the queue worker,
 * batches) are built before the server; until the server is attached no client can be connected,
 * so there is nobody to tell and a notification is dropped.
 */
export class ClientBroadcast {
  private server: DaemonServer | undefined;

  attach(server: DaemonServer): void {
    this.server = server;
  }

  send<P extends object>(type: NotificationType<P>, params: P): void {
    this.server?.broadcast(type, params);
  }
}
