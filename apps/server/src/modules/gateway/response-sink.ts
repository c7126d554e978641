/**
 * Where the gateway writes its answer. The HTTP layer implements it over the raw response, so
 * the attempt loop never touches Fastify or Nest objects and can be tested without them.
 */
export interface ResponseSink {
  /** Sends a complete JSON answer. */
  sendJson(status: number, headers: Readonly<Record<string, string>>, body: string): void;
  /** Starts a `text/event-stream` answer; `trailers` names the trailers `end` will send. */
  startStream(headers: Readonly<Record<string, string>>, trailers: readonly string[]): void;
  /** Writes stream data; resolves when the socket can take more (backpressure). */
  write(data: string): Promise<void> | void;
  /** Ends the stream, with trailer values. */
  end(trailers?: Readonly<Record<string, string>>): void;
}
