// How the two contract tests split the route table: the platform operations (external logging, secrets managers,
// agents, private links, system keys, Connector SDK packages, HVR, transformation projects, the transformation
// lifecycle) are checked against the spec by tests/sandbox_contract_platform_test.ts, all the others by
// tests/sandbox_contract_test.ts. tests/sandbox_contract_coverage_test.ts proves the two halves make up the spec's
// 169 operations.
import { PLATFORM_HANDLERS } from "../lib/sandbox/handlers/platform.ts";
import { ROUTES } from "../lib/sandbox/routes.ts";

/** operationIds covered by the platform contract test. */
export const PLATFORM_OPERATIONS: ReadonlySet<string> = new Set(Object.keys(PLATFORM_HANDLERS));

/** operationIds covered by the main contract test: every route that is not a platform operation. */
export const MAIN_OPERATIONS: ReadonlySet<string> = new Set(
  ROUTES.map((r) => r.operationId).filter((op) => !PLATFORM_OPERATIONS.has(op)),
);
