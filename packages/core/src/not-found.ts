import { OmnaraError } from "@omnara/contracts";

export const notFound = (what: string): OmnaraError =>
  new OmnaraError("NOT_FOUND", `${what} was not found, or it belongs to another account.`);
