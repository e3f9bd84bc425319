/**
 * addy.io's failed-delivery routes: list (paginated), read, delete, download. Messages are not stored,
 * so download is always 404.
 */
import { z } from "zod";
import { deleteFailedDelivery, getFailedDelivery, listFailedDeliveries } from "../../../accounts/failed-deliveries.js";
import { ApiError } from "../../../errors.js";
import { type ApiBuilder, noContent } from "../define.js";
import { notFound, unauthenticated } from "./common.js";
import { pageEnvelope } from "./pagination.js";
import { failedDeliveryJson } from "./serializers.js";
import { FailedDelivery, dataOf, paginated } from "./schemas.js";

/** Registers the failed-delivery routes. */
export function failedDeliveryRoutes(api: ApiBuilder): void {
  const tag = "Failed deliveries";
  api.route({
    method: "get", path: "/api/v1/failed-deliveries", operationId: "listFailedDeliveries", tag, auth: "token",
    query: z.object({
      filter: z.object({ email_type: z.enum(["inbound", "outbound", "inbound_quarantined"]).optional() }).optional(),
      page: z.object({ number: z.coerce.number().int().min(1).optional(), size: z.coerce.number().int().min(1).max(100).optional() }).optional(),
    }),
    summary: "Failed deliveries, newest first",
    responses: { 200: { description: "One page", schema: paginated(FailedDelivery) }, 401: unauthenticated },
  }, async (c, { query }) => {
    const page = query.page?.number ?? 1;
    const size = query.page?.size ?? 100;
    const result = await listFailedDeliveries(c.var.db, c.var.apiCaller.userId, { kind: query.filter?.email_type, page, size });
    return c.json({ data: result.items.map(failedDeliveryJson), ...pageEnvelope(c, page, size, result.total, result.items.length) });
  });

  api.route({
    method: "get", path: "/api/v1/failed-deliveries/{id}", operationId: "getFailedDelivery", tag, auth: "token", summary: "One failed delivery",
    responses: { 200: { description: "The failed delivery", schema: dataOf(FailedDelivery) }, 401: unauthenticated, 404: notFound("failed delivery") },
  }, async (c, { id }) => c.json({ data: failedDeliveryJson(await getFailedDelivery(c.var.db, c.var.apiCaller.userId, id)) }));

  api.route({
    method: "delete", path: "/api/v1/failed-deliveries/{id}", operationId: "deleteFailedDelivery", tag, auth: "token", summary: "Delete a failed delivery",
    responses: { 204: { description: "Deleted" }, 401: unauthenticated, 404: notFound("failed delivery") },
  }, async (c, { id }) => { await deleteFailedDelivery(c.var.db, c.var.apiCaller.userId, id); return noContent(c); });

  api.route({
    method: "get", path: "/api/v1/failed-deliveries/{id}/download", operationId: "downloadFailedDelivery", tag, auth: "token",
    summary: "The undelivered message as .eml (never stored here: always 404)",
    responses: { 401: unauthenticated, 404: notFound("stored message") },
  }, async (c, { id }) => {
    await getFailedDelivery(c.var.db, c.var.apiCaller.userId, id);
    throw new ApiError("NOT_FOUND", "The message of this failed delivery is not stored.");
  });
}
