import type { RequestHandler, Response } from "express";

/**
 * One rule for request bodies on every surface: JSON in UTF-8, sent as is. Anything else is a
 * 415 the client can act on, decided from the headers before a byte of the body is read.
 * Compressed bodies are refused rather than inflated: no client of ours compresses requests,
 * and inflating would let a small upload expand past the size limits.
 */
export type RefuseBody = (res: Response, message: string) => void;

const IDENTITY = new Set(["", "identity"]);
const UTF8 = new Set(["utf-8", "utf8"]);

export function refuseForeignBodies(refuse: RefuseBody): RequestHandler {
  return (req, res, next) => {
    const encoding = (req.headers["content-encoding"] ?? "").trim().toLowerCase();
    if (!IDENTITY.has(encoding)) {
      return refuse(res, `Content-Encoding '${encoding.slice(0, 40)}' is not supported; send the body uncompressed.`);
    }
    const charset = /;\s*charset\s*=\s*"?([^";\s]*)/i.exec(req.headers["content-type"] ?? "")?.[1]?.toLowerCase();
    if (charset !== undefined && !UTF8.has(charset)) {
      return refuse(res, `charset '${charset.slice(0, 40)}' is not supported; send JSON in UTF-8.`);
    }
    next();
  };
}
