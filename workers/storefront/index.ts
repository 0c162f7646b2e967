import { Hono } from "hono";
import { errorBody, handleError } from "./errors.ts";
import { adminApi } from "./admin/index.ts";
import { api } from "./api/index.ts";
import type { AppEnv } from "./app-env.ts";
import { health } from "./health.ts";
import { pages } from "./pages/index.ts";

export { SkuSale } from "../../durable-objects/sku-sale/index.ts";

/**
 * The storefront Worker: every edge route in one place. Resources are split with
 * `app.route()`; errors become the API's one shape in `handleError`.
 */
const app = new Hono<AppEnv>();

app.route("/healthz", health);
app.route("/api", api);
app.route("/admin/api", adminApi);
app.route("/", pages);

app.notFound((c) => c.json(errorBody("not_found", `no route for ${c.req.method} ${c.req.path}`), 404));
app.onError(handleError);

export default app satisfies ExportedHandler<Env>;
