/**
 * Certificates and fingerprints: approve, list, get and revoke, per
 * connection and through the account-level `POST /v1/certificates`.
 *
 * @module
 */

import { invalidInput, notFound } from "../errors.ts";
import { created, done, type Handler, list, ok } from "../handler.ts";
import { approveDestinationCertificate } from "./destination_trust.ts";
import { approved, certificateBody, fingerprintBody, withSeq } from "./_trust.ts";
import { paginate } from "../pagination.ts";
import { makeCertificate, type SandboxState } from "../state.ts";
import type { ConnectionRecord, TrustItem } from "../types.ts";
import { field, objectBody } from "../validate.ts";
import { certificateJson, fingerprintJson } from "../views.ts";

function approveCertificate(
  state: SandboxState,
  c: ConnectionRecord,
  hash: string,
  encoded: string,
): TrustItem {
  const base = c.presentedCertificate?.hash === hash
    ? c.presentedCertificate
    : { ...makeCertificate(`${c.id}:${hash}`), hash, publicKey: encoded.slice(0, 120) };
  const cert = approved(state, base);
  c.certificates.set(hash, cert);
  return cert;
}

/** GET /v1/connections/{connectionId}/certificates. */
export const listCertificates: Handler = ({ state, params, query }) => {
  const c = state.connection(params.connectionId);
  const page = paginate(withSeq(c.certificates), `certs:${c.id}`, query);
  return list(page.items.map((x) => certificateJson(x.item, c.createdAt)), page.nextCursor);
};

/** POST /v1/connections/{connectionId}/certificates. */
export const approveConnectionCertificate: Handler = ({ state, params, body: raw }) => {
  const c = state.connection(params.connectionId);
  const { hash, encoded } = certificateBody(objectBody(raw, true));
  const cert = approveCertificate(state, c, hash, encoded);
  return created(certificateJson(cert, state.now()), "The certificate has been approved.");
};

/** GET /v1/connections/{connectionId}/certificates/{hash}. */
export const getCertificate: Handler = ({ state, params }) => {
  const c = state.connection(params.connectionId);
  const cert = c.certificates.get(params.hash);
  if (!cert) throw notFound("Certificate", params.hash);
  return ok(certificateJson(cert, c.createdAt));
};

/** DELETE /v1/connections/{connectionId}/certificates/{hash}. */
export const revokeCertificate: Handler = ({ state, params }) => {
  const c = state.connection(params.connectionId);
  if (!c.certificates.delete(params.hash)) throw notFound("Certificate", params.hash);
  if (c.presentedCertificate?.hash === params.hash && c.setupState === "connected") {
    c.setupState = "broken";
    c.brokenReason = "certificate";
  }
  return done(`Certificate '${params.hash}' has been revoked`);
};

/** GET /v1/connections/{connectionId}/fingerprints. */
export const listFingerprints: Handler = ({ state, params, query }) => {
  const c = state.connection(params.connectionId);
  const page = paginate(withSeq(c.fingerprints), `fingerprints:${c.id}`, query);
  return list(page.items.map((x) => fingerprintJson(x.item, c.createdAt)), page.nextCursor);
};

/** POST /v1/connections/{connectionId}/fingerprints. */
export const approveFingerprint: Handler = ({ state, params, body: raw }) => {
  const c = state.connection(params.connectionId);
  const { hash, publicKey } = fingerprintBody(objectBody(raw, true));
  const fp = approved(state, c.presentedFingerprint?.hash === hash ? c.presentedFingerprint : { hash, publicKey });
  c.fingerprints.set(hash, fp);
  return created(fingerprintJson(fp, state.now()), "The fingerprint has been approved.");
};

/** GET /v1/connections/{connectionId}/fingerprints/{hash}. */
export const getFingerprint: Handler = ({ state, params }) => {
  const c = state.connection(params.connectionId);
  const fp = c.fingerprints.get(params.hash);
  if (!fp) throw notFound("Fingerprint", params.hash);
  return ok(fingerprintJson(fp, c.createdAt));
};

/** DELETE /v1/connections/{connectionId}/fingerprints/{hash}. */
export const revokeFingerprint: Handler = ({ state, params }) => {
  const c = state.connection(params.connectionId);
  if (!c.fingerprints.delete(params.hash)) throw notFound("Fingerprint", params.hash);
  if (c.presentedFingerprint?.hash === params.hash && c.setupState === "connected") {
    c.setupState = "broken";
    c.brokenReason = "fingerprint";
  }
  return done(`Fingerprint '${params.hash}' has been revoked`);
};

/** POST /v1/certificates (account-level approval for a connection or destination). */
export const approveAccountCertificate: Handler = ({ state, body: raw }) => {
  const body = objectBody(raw, true);
  const { hash, encoded } = certificateBody(body);
  const connectionId = field<string>(body, "connection_id", "string");
  const destinationId = field<string>(body, "destination_id", "string");
  if (connectionId === undefined && destinationId === undefined) {
    throw invalidInput("Either connection_id or destination_id is required");
  }
  if (connectionId !== undefined) {
    approveCertificate(state, state.connection(connectionId), hash, encoded);
  } else {
    approveDestinationCertificate(state, destinationId!, hash, encoded);
  }
  return done("The certificate has been approved");
};
