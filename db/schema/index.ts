/** The whole database schema; import from here, never from the files. */
export * from "./users.js";
export * from "./domains.js";
export * from "./aliases.js";
export * from "./deliveries.js";
export * from "./outbox.js";
export * from "./limits.js";
export * from "./auth.js";
export * from "./newsletter.js";
export * from "./status.js";
export * from "./outbound.js";
export * from "./plans.js";
