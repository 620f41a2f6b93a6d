/**
 * Certificates and fingerprints approved for a destination: approve, list,
 * get and revoke (`/v1/destinations/{id}/certificates|fingerprints`), like the
 * connection ones in `trust.ts`. Setup tests with `trust_certificates` /
 * `trust_fingerprints` approve what the destination presents.
 *
 * @module
 */

import { ApiError } from "../errors.ts";
import { created, done, type Handler, list, ok } from "../handler.ts";
import { paginate } from "../pagination.ts";
import { makeCertificate, makeFingerprint, type SandboxState } from "../state.ts";
import type { DestinationRecord, TrustItem } from "../types.ts";
import { objectBody } from "../validate.ts";
import { certificateJson, fingerprintJson } from "../views.ts";
import { approved, certificateBody, fingerprintBody, withSeq } from "./_trust.ts";

/**
 * Approve the certificate and/or host key the destination presents (what a
 * setup test run with `trust_certificates` / `trust_fingerprints` does).
 *
 * @example Trust a destination's certificate
 * ```ts
 * // trustPresented(state, state.destination("rapid_harbor"), { certificates: true });
 * ```
 */
export function trustPresented(
  state: SandboxState,
  d: DestinationRecord,
  trust: { certificates?: boolean; fingerprints?: boolean },
): void {
  const stored = state.trustOf(d.id);
  if (trust.certificates) {
    const cert = makeCertificate(`destination:${d.id}`);
    if (!stored.certificates.has(cert.hash)) stored.certificates.set(cert.hash, approved(state, cert));
  }
  if (trust.fingerprints) {
    const fp = makeFingerprint(`destination:${d.id}`);
    if (!stored.fingerprints.has(fp.hash)) stored.fingerprints.set(fp.hash, approved(state, fp));
  }
}

/**
 * Approve a certificate for a destination (also `POST /v1/certificates` with a
 * `destination_id`).
 *
 * @example Approve by hash
 * ```ts
 * // approveDestinationCertificate(state, "rapid_harbor", "c0ffee", "MIIB...");
 * ```
 */
export function approveDestinationCertificate(
  state: SandboxState,
  destinationId: string,
  hash: string,
  encoded: string,
): TrustItem {
  state.destination(destinationId);
  const cert = approved(state, {
    ...makeCertificate(`destination:${destinationId}:${hash}`),
    hash,
    publicKey: encoded.slice(0, 120),
  });
  state.trustOf(destinationId).certificates.set(hash, cert);
  return cert;
}

function missing(kind: "Certificate" | "Fingerprint", hash: string, destinationId: string): ApiError {
  return new ApiError(
    404,
    `NotFound_${kind}`,
    `${kind} with hash '${hash}' is not approved for destination '${destinationId}'`,
  );
}

/** GET /v1/destinations/{destinationId}/certificates. */
export const listCertificates: Handler = ({ state, params, query }) => {
  const d = state.destination(params.destinationId);
  const p = paginate(withSeq(state.trustOf(d.id).certificates), `dest-certs:${d.id}`, query);
  return list(
    p.items.map((x) => certificateJson(x.item, d.createdAt)),
    p.nextCursor,
    "Destination certificates retrieved successfully",
  );
};

/** POST /v1/destinations/{destinationId}/certificates. */
export const approveCertificate: Handler = ({ state, params, body: raw }) => {
  state.destination(params.destinationId);
  const { hash, encoded } = certificateBody(objectBody(raw, true));
  const cert = approveDestinationCertificate(state, params.destinationId, hash, encoded);
  return created(certificateJson(cert, state.now()), "The certificate has been approved.");
};

/** GET /v1/destinations/{destinationId}/certificates/{hash}. */
export const getCertificate: Handler = ({ state, params }) => {
  const d = state.destination(params.destinationId);
  const cert = state.trustOf(d.id).certificates.get(params.hash);
  if (!cert) throw missing("Certificate", params.hash, d.id);
  return ok(certificateJson(cert, d.createdAt), "Destination certificate details retrieved successfully");
};

/** DELETE /v1/destinations/{destinationId}/certificates/{hash}. */
export const revokeCertificate: Handler = ({ state, params }) => {
  const d = state.destination(params.destinationId);
  if (!state.trustOf(d.id).certificates.delete(params.hash)) throw missing("Certificate", params.hash, d.id);
  return done(`Certificate '${params.hash}' has been revoked for destination '${d.id}'`);
};

/** GET /v1/destinations/{destinationId}/fingerprints. */
export const listFingerprints: Handler = ({ state, params, query }) => {
  const d = state.destination(params.destinationId);
  const p = paginate(withSeq(state.trustOf(d.id).fingerprints), `dest-fingerprints:${d.id}`, query);
  return list(
    p.items.map((x) => fingerprintJson(x.item, d.createdAt)),
    p.nextCursor,
    "Destination fingerprints retrieved successfully",
  );
};

/** POST /v1/destinations/{destinationId}/fingerprints. */
export const approveFingerprint: Handler = ({ state, params, body: raw }) => {
  const d = state.destination(params.destinationId);
  const { hash, publicKey } = fingerprintBody(objectBody(raw, true));
  const fp = approved(state, { hash, publicKey });
  state.trustOf(d.id).fingerprints.set(hash, fp);
  return created(fingerprintJson(fp, state.now()), "The fingerprint has been approved.");
};

/** GET /v1/destinations/{destinationId}/fingerprints/{hash}. */
export const getFingerprint: Handler = ({ state, params }) => {
  const d = state.destination(params.destinationId);
  const fp = state.trustOf(d.id).fingerprints.get(params.hash);
  if (!fp) throw missing("Fingerprint", params.hash, d.id);
  return ok(fingerprintJson(fp, d.createdAt), "Destination fingerprint details retrieved successfully");
};

/** DELETE /v1/destinations/{destinationId}/fingerprints/{hash}. */
export const revokeFingerprint: Handler = ({ state, params }) => {
  const d = state.destination(params.destinationId);
  if (!state.trustOf(d.id).fingerprints.delete(params.hash)) throw missing("Fingerprint", params.hash, d.id);
  return done(`Fingerprint with hash = '${params.hash}' has been revoked for destination id = '${d.id}'`);
};
