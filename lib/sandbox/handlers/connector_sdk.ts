/**
 * Connector SDK packages: `code.zip` uploads as `multipart/form-data` with a
 * `file` part (as go-fivetran sends them), their SHA-256, the connection that
 * uses a package (a `connector_sdk` connection whose `config.package_id` is
 * the package's id; one at a time, as the spec says), and the download of the
 * stored file as `application/octet-stream`. A package a connection uses
 * can't be deleted (409).
 *
 * @module
 */

import { ApiError, conflict, invalidInput } from "../errors.ts";
import { created, done, type Handler, type HandlerResult, list, ok } from "../handler.ts";
import { MultipartBody, type UploadedFile } from "../multipart.ts";
import { paginate } from "../pagination.ts";
import type { SdkPackageRecord } from "../platform_types.ts";
import type { SandboxState } from "../state.ts";
import { iso } from "../views.ts";

/** The first bytes of every ZIP file ("PK\x03\x04"), or of an empty one ("PK\x05\x06"). */
const ZIP_MAGIC = [[0x50, 0x4b, 0x03, 0x04], [0x50, 0x4b, 0x05, 0x06]];

function upload(body: unknown): UploadedFile {
  if (!(body instanceof MultipartBody)) {
    throw new ApiError(
      415,
      "UnsupportedMediaType",
      "Upload the package as multipart/form-data with the ZIP file in a part named 'file'",
    );
  }
  const file = body.files.get("file");
  if (!file) throw invalidInput("Missing file parameter: send the ZIP file in a multipart part named 'file'");
  if (file.bytes.length === 0) throw invalidInput("Invalid package file: the file is empty");
  if (!ZIP_MAGIC.some((m) => m.every((b, i) => file.bytes[i] === b))) {
    throw invalidInput("Invalid package file: expected a ZIP file (made by `fivetran package`)");
  }
  return file;
}

function packageJson(state: SandboxState, p: SdkPackageRecord): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: p.id,
    created_by: p.createdBy,
    last_updated_by: p.lastUpdatedBy,
    created_at: iso(p.createdAt),
    updated_at: iso(p.updatedAt),
    file_sha256_hash: p.sha256,
  };
  const c = state.platform.packageConnection(p.id);
  if (c) out.connection_id = c.id;
  return out;
}

/** GET /v1/connector-sdk/packages. */
export const listSdkPackages: Handler = ({ state, query }) => {
  const page = paginate(state.platform.sdkPackages.all(), "sdk-packages", query);
  return list(
    page.items.map((p) => packageJson(state, p)),
    page.nextCursor,
    "Connector SDK packages retrieved successfully",
  );
};

/** POST /v1/connector-sdk/packages (multipart upload of code.zip). */
export const createSdkPackage: Handler = ({ state, body }) => {
  const file = upload(body);
  const now = state.now();
  const p = state.platform.sdkPackages.add({
    seq: state.nextSeq(),
    id: state.newId(),
    file: file.bytes,
    fileName: file.name || "code.zip",
    sha256: file.sha256,
    createdBy: state.account.userId,
    lastUpdatedBy: state.account.userId,
    createdAt: now,
    updatedAt: now,
  });
  return created(packageJson(state, p), "Package created successfully");
};

/** GET /v1/connector-sdk/packages/{package_id}. */
export const sdkPackageDetails: Handler = ({ state, params }) =>
  ok(
    packageJson(state, state.platform.sdkPackage(params.package_id)),
    "Connector SDK package details retrieved successfully",
  );

/** PATCH /v1/connector-sdk/packages/{package_id} (a new version of the code). */
export const updateSdkPackage: Handler = ({ state, params, body }) => {
  const p = state.platform.sdkPackage(params.package_id);
  const file = upload(body);
  p.file = file.bytes;
  p.fileName = file.name || p.fileName;
  p.sha256 = file.sha256;
  p.lastUpdatedBy = state.account.userId;
  p.updatedAt = state.now();
  return ok(packageJson(state, p), "Package updated successfully");
};

/** DELETE /v1/connector-sdk/packages/{package_id} (409 while a connection uses it). */
export const deleteSdkPackage: Handler = ({ state, params }) => {
  const p = state.platform.sdkPackage(params.package_id);
  const c = state.platform.packageConnection(p.id);
  if (c) {
    throw conflict(
      `Package '${p.id}' is used by connection '${c.id}'; delete the connection or point it elsewhere first`,
    );
  }
  state.platform.sdkPackages.remove(p.id);
  return done(`Package with id '${p.id}' has been deleted`);
};

/** GET /v1/connector-sdk/packages/{package_id}/download (the stored ZIP, as octet-stream). */
export const downloadSdkPackage: Handler = ({ state, params }): HandlerResult => {
  const p = state.platform.sdkPackage(params.package_id);
  return {
    status: 200,
    body: {},
    raw: { bytes: p.file, contentType: "application/octet-stream", fileName: "code.zip" },
  };
};
