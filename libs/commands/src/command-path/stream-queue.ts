/**
 * Orders this process's commands on one stream, one after another, so that sixteen clients
 * writing to one municipality do not spend their retries on each other. It is a throughput
 * measure only: no rule rests on it. Another instance writes to the same stream without asking
 * it, and correctness comes from the store: every append names the stream's expected revision
 * and checks the revision of every other stream its decision read, atomically.
 */
export class StreamQueue {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(stream: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(stream) ?? Promise.resolve();
    let release!: () => void;
    const current = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => current);
    this.tails.set(stream, tail);
    await previous;
    try {
      return await work();
    } finally {
      release();
      if (this.tails.get(stream) === tail) this.tails.delete(stream);
    }
  }

  get size(): number {
    return this.tails.size;
  }
}
