/** Absolute path of the offline schema-engine executable (set it as PRISMA_SCHEMA_ENGINE_BINARY). */
export declare const engineBinaryPath: string;
