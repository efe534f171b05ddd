// The part of the `ws` package (a dependency of @kubernetes/client-node) this project uses: the
// Kubernetes exec stream client (src/nodes/api-exec.ts) and the twin's exec server. @types/ws is not
// installed; this declares only what is called, matching ws 8.
declare module 'ws' {
  import type { EventEmitter } from 'node:events';
  import type { Agent, ClientRequest, IncomingMessage, OutgoingHttpHeaders } from 'node:http';
  import type { Duplex } from 'node:stream';
  import type { SecureContextOptions } from 'node:tls';

  interface ClientOptions extends SecureContextOptions {
    headers?: OutgoingHttpHeaders;
    agent?: Agent;
    rejectUnauthorized?: boolean;
    servername?: string;
    handshakeTimeout?: number;
    perMessageDeflate?: boolean;
    followRedirects?: boolean;
  }

  class WebSocket extends EventEmitter {
    static readonly CONNECTING: 0;
    static readonly OPEN: 1;
    static readonly CLOSING: 2;
    static readonly CLOSED: 3;
    constructor(address: string | URL, protocols?: string | string[], options?: ClientOptions);
    readonly protocol: string;
    readonly readyState: 0 | 1 | 2 | 3;
    send(data: Buffer | string, cb?: (err?: Error) => void): void;
    close(code?: number, reason?: string): void;
    terminate(): void;
    ping(data?: Buffer): void;
    on(event: 'open', listener: () => void): this;
    on(event: 'message', listener: (data: Buffer, isBinary: boolean) => void): this;
    on(event: 'close', listener: (code: number, reason: Buffer) => void): this;
    on(event: 'error', listener: (err: Error) => void): this;
    on(event: 'unexpected-response', listener: (req: ClientRequest, res: IncomingMessage) => void): this;
    on(event: string, listener: (...args: unknown[]) => void): this;
  }

  interface ServerOptions {
    noServer?: boolean;
    perMessageDeflate?: boolean;
    handleProtocols?: (protocols: Set<string>, request: IncomingMessage) => string | false;
  }

  class WebSocketServer extends EventEmitter {
    constructor(options: ServerOptions);
    handleUpgrade(
      request: IncomingMessage,
      socket: Duplex,
      head: Buffer,
      callback: (client: WebSocket, request: IncomingMessage) => void,
    ): void;
    close(cb?: (err?: Error) => void): void;
  }

  export { WebSocket, WebSocketServer, type ClientOptions, type ServerOptions };
  export default WebSocket;
}
