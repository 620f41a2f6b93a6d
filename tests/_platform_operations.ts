// The platform operations (external logging, secrets managers, agents, private links, system keys, Connector SDK
// packages, HVR, transformation projects, the transformation lifecycle) whose answers
// tests/sandbox_contract_platform_test.ts checks against the spec; the main contract test leaves them to it.
import { PLATFORM_HANDLERS } from "../lib/sandbox/handlers/platform.ts";

/** operationIds covered by the platform contract test. */
export const PLATFORM_OPERATIONS: ReadonlySet<string> = new Set(Object.keys(PLATFORM_HANDLERS));
