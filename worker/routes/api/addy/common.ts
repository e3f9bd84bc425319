/** Pieces every addy.io route module uses: query booleans and the documented error responses. */
import { z } from "zod";
import { Message, ValidationError } from "./schemas.js";

/** `true`/`false` (also `1`/`0`) in a query string. */
export const BoolParam = z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1");

/** 401: missing, unknown, expired or revoked token. */
export const unauthenticated = { description: "Missing, unknown, expired or revoked token", schema: Message };

/** 404 naming what was not found (another account's id is not found too). */
export const notFound = (what: string) => ({ description: `No such ${what} of this account`, schema: Message });

/** 422 with Laravel's `errors`. */
export const invalid = (what: string) => ({ description: what, schema: ValidationError });
