// Type-level checks of the typed client (`deno check tests` runs them; nothing here is executed): each line marked
// `@ts-expect-error` is a mistake the types must reject — if one stops being an error, `deno check` fails on the
// unused directive. The unmarked calls must type-check.
import { isOperationError, type ItemOf, type OperationOf, type TypedAtlas } from "../mod.ts";

export async function mistakes(api: TypedAtlas): Promise<void> {
  // A wrong path.
  // @ts-expect-error: no such path in the definition
  await api.GET("/v1/connection/{connectionId}", { params: { path: { connectionId: "a" } } });
  // @ts-expect-error: the old connectors paths are gone from the definition
  await api.GET("/v1/connectors/{connectorId}", { params: { path: { connectorId: "a" } } });
  // A method the path does not have.
  // @ts-expect-error: there is no DELETE /v1/account/info
  await api.DELETE("/v1/account/info");

  // A missing path parameter: no init, an empty path, the wrong parameter name.
  // @ts-expect-error: connectionId is required
  await api.GET("/v1/connections/{connectionId}");
  // @ts-expect-error: connectionId is required
  await api.GET("/v1/connections/{connectionId}", { params: { path: {} } });
  // @ts-expect-error: it is connectionId, not connection_id
  await api.GET("/v1/connections/{connectionId}", { params: { path: { connection_id: "a" } } });

  // A misspelled body field, at the top and inside a service's config.
  await api.PATCH("/v1/connections/{connectionId}", {
    params: { path: { connectionId: "a" } },
    // @ts-expect-error: it is paused, not pasued
    body: { pasued: true },
  });
  await api.POST("/v1/connections", {
    body: {
      group_id: "g",
      service: "postgres",
      // @ts-expect-error: postgres's config has host, not hots
      config: { hots: "db.example.com", schema_prefix: "shop" },
    },
  });

  // A wrong value type: a string for a boolean, a string for an integer, a value outside an enum.
  await api.PATCH("/v1/connections/{connectionId}", {
    params: { path: { connectionId: "a" } },
    // @ts-expect-error: paused is a boolean
    body: { paused: "yes" },
  });
  await api.POST("/v1/connections", {
    body: {
      group_id: "g",
      service: "postgres",
      // @ts-expect-error: port is an integer
      config: { host: "db", port: true, schema_prefix: "shop" },
    },
  });
  await api.POST("/v1/connections/{connectionId}/sync", {
    params: { path: { connectionId: "a" } },
    // @ts-expect-error: force is a boolean
    body: { force: 1 },
  });
  // @ts-expect-error: a path parameter is a string
  await api.GET("/v1/groups/{groupId}", { params: { path: { groupId: 42 } } });
  // @ts-expect-error: a create needs its body
  await api.POST("/v1/connections");
  // @ts-expect-error: GET takes no body
  await api.GET("/v1/groups", { body: { name: "x" } });
  // @ts-expect-error: an unknown service is not a create body
  await api.POST("/v1/connections", { body: { group_id: "g", service: "postgress", config: {} } });

  // The answers are typed: data fields exist, misspelled ones do not.
  const { data } = await api.GET("/v1/connections/{connectionId}", { params: { path: { connectionId: "a" } } });
  const state: string | undefined = data?.status?.setup_state;
  // @ts-expect-error: the answer has no setup_status at the top
  data?.setup_status;
  // paginate() is typed by the list operation, and only list operations are accepted.
  for await (const c of api.paginate("/v1/groups/{groupId}/connections", { params: { path: { groupId: "g" } } })) {
    const id: string = c.id;
    // @ts-expect-error: a connection has no name
    c.name;
    void id;
  }
  // @ts-expect-error: a single connection is not a list
  api.paginate("/v1/connections/{connectionId}", { params: { path: { connectionId: "a" } } });
  const item: ItemOf<OperationOf<"/v1/groups", "get">> = { id: "g", name: "n", created_at: "2024-01-01T00:00:00Z" };
  void state;
  void item;

  // Typed errors: the statuses the operation declares, and only operations that exist.
  const error: unknown = undefined;
  if (isOperationError(error, "GET /v1/connections/{connectionId}")) {
    const declared: 401 | 404 | 405 | 406 = error.status;
    // @ts-expect-error: a 409 is not declared for this operation
    const conflict: 409 = error.status;
    void declared;
    void conflict;
  }
  // @ts-expect-error: no such operation
  isOperationError(error, "GET /v1/nope");
}
