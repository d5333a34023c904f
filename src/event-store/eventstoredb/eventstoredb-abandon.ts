import type { Readable } from 'node:stream';

/**
 * A client read or subscription: a Transform at run time, though its declared events leave out the Writable side's
 * `pipe`, which is how the call feeding it is found.
 */
interface ClientStream {
  once(event: string | symbol, listener: (...args: never[]) => void): unknown;
  destroy(): unknown;
}

/**
 * Makes a client read or subscription stoppable for good. The client pipes a gRPC call into the stream it returns;
 * cancelling the call is not enough when the server has already finished it: the call's unread responses keep it
 * from ever ending, and `client.dispose()` waits for every call to end. So the call is cancelled *and* destroyed.
 */
export function abandoner(read: ClientStream, cancel: () => Promise<void>): () => void {
  let call: Readable | undefined;
  read.once('pipe', (source: Readable) => (call = source));
  let abandoned = false;
  return () => {
    if (abandoned) return;
    abandoned = true;
    void cancel().catch(() => undefined);
    call?.destroy();
    read.destroy();
  };
}
