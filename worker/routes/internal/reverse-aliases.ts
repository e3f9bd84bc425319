/**
 * `POST /internal/v1/reverse-aliases` (bridge-signed): issue token-form reverse aliases for correspondents
 * whose plain form does not fit (`encode`) and look token-form addresses up (`decode`), in one call made
 * at the end of DATA, so the bridge's transforms stay pure.
 */
import { Hono } from "hono";
import { ReverseAliasesRequest, type ReverseAliasesResponse } from "../../../common/internal-api.js";
import { nowSeconds } from "../../db-errors.js";
import { issueTokens, lookupTokens } from "../../outbound/reverse-aliases.js";
import type { AppEnv } from "../../types.js";
import { parseBody } from "../../validate.js";

export const reverseAliasRoutes = new Hono<AppEnv>()
  .post("/", async (c) => {
    const req = await parseBody(c, ReverseAliasesRequest);
    const body: ReverseAliasesResponse = {
      encoded: await issueTokens(c.var.db, req.encode, nowSeconds()),
      decoded: await lookupTokens(c.var.db, req.decode),
    };
    return c.json(body);
  });
