/**
 * Setup tests (`POST /v1/connections/{id}/test`): the answer depends on the
 * connection's state. Certificate- and fingerprint-broken connections pass
 * once the presented certificate/host key is trusted (and it then shows in the
 * approved list); credential-broken ones keep failing until a new secret is
 * patched into the config; incomplete ones fail until the missing fields are
 * supplied.
 *
 * @module
 */

import { getService } from "./catalog.ts";
import type { SandboxState } from "./state.ts";
import type { ConnectionRecord } from "./types.ts";

/** One setup test result. */
export interface SetupTest {
  /** Test title. */
  title: string;
  /** PASSED | FAILED | WARNING | SKIPPED. */
  status: "PASSED" | "FAILED" | "WARNING" | "SKIPPED";
  /** Explanation. */
  message: string;
}

/** Trust flags of a test request. */
export interface TrustOptions {
  /** Trust the presented TLS certificate. */
  trustCertificates?: boolean;
  /** Trust the presented SSH host key. */
  trustFingerprints?: boolean;
}

/**
 * Run the setup tests of a connection and update its setup state.
 *
 * @example Using `runSetupTests`
 * ```ts
 * import { runSetupTests } from "./setup_tests.ts";
 * // const results = runSetupTests(state, connection, { trustCertificates: true });
 * ```
 */
export function runSetupTests(
  state: SandboxState,
  c: ConnectionRecord,
  trust: TrustOptions,
): SetupTest[] {
  const service = getService(c.service);
  const host = String(c.config.host ?? c.config.tunnel_host ?? c.config.bucket ?? c.service);
  const port = c.config.port !== undefined ? `:${c.config.port}` : "";
  const tests: SetupTest[] = [];
  let failed = false;
  const add = (title: string, pass: boolean, passMsg: string, failMsg: string) => {
    if (failed) {
      tests.push({ title, status: "SKIPPED", message: "Skipped because an earlier test failed" });
      return;
    }
    tests.push({ title, status: pass ? "PASSED" : "FAILED", message: pass ? passMsg : failMsg });
    if (!pass) failed = true;
  };

  // 1. configuration complete?
  if (c.setupState === "incomplete" && c.missingFields.length) {
    add(
      "Validating configuration",
      false,
      "",
      `Missing required field(s): ${c.missingFields.join(", ")}. PATCH the connection's config to supply them.`,
    );
  } else {
    add("Validating configuration", true, "All required fields are set", "");
  }

  // 2. SSH host key
  const tunnel = c.config.connection_type === "SshTunnel" || c.presentedFingerprint !== undefined;
  if (tunnel) {
    const fp = c.presentedFingerprint;
    const trusted = !fp || c.fingerprints.has(fp.hash) || trust.trustFingerprints === true;
    if (fp && trusted && !failed && !c.fingerprints.has(fp.hash)) {
      c.fingerprints.set(fp.hash, {
        ...fp,
        validatedDate: state.now(),
        validatedBy: state.account.userId,
      });
    }
    add(
      "Validating SSH tunnel host key",
      trusted,
      `Host key of ${c.config.tunnel_host ?? "the SSH tunnel"} is trusted`,
      `The SSH host key presented by ${
        c.config.tunnel_host ?? "the tunnel"
      } (fingerprint ${fp?.hash}) is not trusted. ` +
        `Re-run the test with "trust_fingerprints": true or approve it with POST /v1/connections/${c.id}/fingerprints.`,
    );
  }

  // 3. TLS certificate
  if (service?.network || c.presentedCertificate) {
    const cert = c.presentedCertificate;
    const trusted = !cert || c.certificates.has(cert.hash) || trust.trustCertificates === true;
    if (cert && trusted && !failed && !c.certificates.has(cert.hash)) {
      c.certificates.set(cert.hash, {
        ...cert,
        validatedDate: state.now(),
        validatedBy: state.account.userId,
      });
    }
    add(
      "Validating certificate",
      trusted,
      "The server certificate is trusted",
      `The certificate presented by ${host}${port} (${cert?.name}, SHA-256 ${cert?.sha256}) is not trusted. ` +
        `Re-run the test with "trust_certificates": true or approve it with POST /v1/connections/${c.id}/certificates.`,
    );
  }

  // 4. credentials / connecting
  const user = String(c.config.user ?? c.config.user_name ?? c.config.email ?? "fivetran");
  add(
    service?.connectTest ?? "Connecting to source",
    c.brokenReason !== "credentials",
    `Connected to ${host}${port}`,
    service?.schemaFormat === "schema_prefix"
      ? `FATAL: password authentication failed for user "${user}" at ${host}${port}. Update config.password and re-run the tests.`
      : `The source rejected the credentials (HTTP 401 Unauthorized). Update the connection's credentials and re-run the tests.`,
  );

  // 5. permissions (a warning when the connection carries one)
  if (!failed) {
    const warning = c.warnings.find((w) => w.code === "permissions");
    tests.push(
      warning
        ? { title: "Checking permissions", status: "WARNING", message: warning.message }
        : { title: "Checking permissions", status: "PASSED", message: "Fivetran can read the source" },
    );
  } else {
    tests.push({
      title: "Checking permissions",
      status: "SKIPPED",
      message: "Skipped because an earlier test failed",
    });
  }

  const before = c.setupState;
  if (failed) {
    if (c.setupState === "connected") {
      c.setupState = "broken";
      c.brokenReason ??= "credentials";
    }
  } else {
    c.setupState = "connected";
    c.brokenReason = undefined;
    c.missingFields = [];
    c.warnings = c.warnings.filter((w) => w.code !== "certificate_untrusted");
  }
  state.emitConnection(failed ? "connection_failure" : "connection_successful", c);
  if (c.setupState !== before) state.emitConnection("status", c, { setup_state: c.setupState });
  return tests;
}

/**
 * Setup tests of a destination: they pass (and mark it CONNECTED).
 *
 * @example Using `destinationTests`
 * ```ts
 * import { destinationTests } from "./setup_tests.ts";
 * const tests = destinationTests("snowflake");
 * ```
 */
export function destinationTests(service: string): SetupTest[] {
  return [
    { title: "Host Connection", status: "PASSED", message: `Connected to the ${service} warehouse` },
    { title: "Database Connection", status: "PASSED", message: "Logged in" },
    { title: "Permission Test", status: "PASSED", message: "Fivetran can create schemas" },
  ];
}
