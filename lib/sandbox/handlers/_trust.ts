/**
 * What the connection (`trust.ts`) and destination (`destination_trust.ts`)
 * certificate and fingerprint operations share: approval stamps, list rows
 * and the approve requests' bodies.
 *
 * @module
 */

import type { SandboxState } from "../state.ts";
import type { TrustItem } from "../types.ts";
import { type Body, field } from "../validate.ts";

/** Stored items as list rows, numbered in the order they were approved. */
export function withSeq(items: Map<string, TrustItem>): { seq: number; item: TrustItem }[] {
  return [...items.values()].map((item, i) => ({ seq: i + 1, item }));
}

/** An item approved now by the account's approver. */
export function approved(state: SandboxState, item: TrustItem): TrustItem {
  return { ...item, validatedDate: state.now(), validatedBy: state.approverName() };
}

/** The `hash` and `encoded_cert` of a certificate approval (400 when missing or empty). */
export function certificateBody(body: Body): { hash: string; encoded: string } {
  const hash = field<string>(body, "hash", "string", { required: true, nonEmpty: true })!;
  const encoded = field<string>(body, "encoded_cert", "string", { required: true, nonEmpty: true })!;
  return { hash, encoded };
}

/** The `hash` and `public_key` of a fingerprint approval (400 when missing or empty). */
export function fingerprintBody(body: Body): { hash: string; publicKey: string } {
  const hash = field<string>(body, "hash", "string", { required: true, nonEmpty: true })!;
  const publicKey = field<string>(body, "public_key", "string", { required: true, nonEmpty: true })!;
  return { hash, publicKey };
}
