import { randomBytes, randomInt } from "node:crypto";
import {
  OmnaraError,
  type OperationArgs,
  type OperationOutput,
  type publicOperations,
  type userOperations,
} from "@omnara/contracts";
import { type BusEvent, schema } from "@omnara/db";
import { and, eq, gt } from "drizzle-orm";
import { recordAudit } from "../audit/audit.ts";
import type { Caller, CoreDeps } from "../deps.ts";
import { iso } from "../serialize.ts";
import { waitForEvent } from "../wait-for-event.ts";
import { createApiKey } from "./api-keys.ts";
import { hashToken } from "./tokens.ts";

const { cliLogins, users } = schema;
/** Long enough to open a browser and sign in, short enough that a stray code soon stops mattering. */
const LOGIN_TTL_MS = 10 * 60_000;
// No 0/O, 1/I/L, 5/S, 2/Z, 8/B: the code is read off one screen and typed on another.
const USER_CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679";

type Row = typeof cliLogins.$inferSelect;
type Status = "pending" | "approved" | "denied" | "expired";
type CliLoginView = OperationOutput<typeof userOperations.confirmCliLogin>;

const newUserCode = (): string =>
  Array.from({ length: 8 }, () => USER_CODE_ALPHABET[randomInt(USER_CODE_ALPHABET.length)]).join("");
const shown = (code: string): string => `${code.slice(0, 4)}-${code.slice(4)}`;

const statusOf = (row: Row, now: Date): Status => {
  if (row.status === "DENIED") return "denied";
  if (row.status === "APPROVED" || row.status === "CONSUMED") return "approved";
  return row.expiresAt <= now ? "expired" : "pending";
};

const view = (row: Row, userCode: string, now: Date): CliLoginView => ({
  user_code: shown(userCode),
  client_name: row.clientName,
  kind: row.kind,
  status: statusOf(row, now),
  created_at: iso(row.createdAt),
  expires_at: iso(row.expiresAt),
});

export async function startCliLogin(
  deps: CoreDeps,
  input: OperationArgs<typeof publicOperations.startCliLogin>,
): Promise<OperationOutput<typeof publicOperations.startCliLogin>> {
  const now = deps.now();
  const deviceCode = randomBytes(32).toString("base64url");
  const userCode = newUserCode();
  const expiresAt = new Date(now.getTime() + LOGIN_TTL_MS);
  await deps.db.insert(cliLogins).values({
    deviceCodeHash: hashToken(deviceCode),
    userCodeHash: hashToken(userCode),
    clientName: input.client_name,
    kind: input.kind,
    createdAt: now,
    expiresAt,
  });
  return {
    user_code: shown(userCode),
    device_code: deviceCode,
    verification_path: `/cli-login?code=${shown(userCode)}`,
    expires_at: iso(expiresAt),
  };
}

async function findByUserCode(deps: CoreDeps, userCode: string): Promise<Row> {
  const [row] = await deps.db
    .select()
    .from(cliLogins)
    .where(eq(cliLogins.userCodeHash, hashToken(userCode)));
  if (!row)
    throw new OmnaraError(
      "NOT_FOUND",
      "No sign-in has this code. Check the code your terminal shows, or run `omnara login` again.",
    );
  return row;
}

export async function describeCliLogin(
  deps: CoreDeps,
  _caller: Caller,
  input: OperationArgs<typeof userOperations.describeCliLogin>,
): Promise<CliLoginView> {
  return view(await findByUserCode(deps, input.user_code), input.user_code, deps.now());
}

/** Records the user's decision; the CLI's waiting poll wakes through the bus. */
export async function confirmCliLogin(
  deps: CoreDeps,
  caller: Caller,
  input: OperationArgs<typeof userOperations.confirmCliLogin>,
): Promise<CliLoginView> {
  const now = deps.now();
  const decided = await deps.db.transaction(async (tx) => {
    const [row] = await tx
      .update(cliLogins)
      .set({ status: input.approve ? "APPROVED" : "DENIED", userId: caller.userId, decidedAt: now })
      .where(
        and(
          eq(cliLogins.userCodeHash, hashToken(input.user_code)),
          eq(cliLogins.status, "PENDING"),
          gt(cliLogins.expiresAt, now),
        ),
      )
      .returning();
    if (row) {
      await recordAudit(tx, {
        actor: caller,
        ownerId: caller.userId,
        action: input.approve ? "cli_login.approve" : "cli_login.deny",
        target: { type: "cli_login", id: row.id },
        detail: { client_name: row.clientName },
        at: now,
      });
    }
    return row;
  });
  if (!decided) {
    const existing = await findByUserCode(deps, input.user_code);
    const status = statusOf(existing, now);
    throw new OmnaraError(
      "CONFLICT",
      status === "expired"
        ? "This code has expired. Run `omnara login` again for a new one."
        : `This sign-in was already ${status}.`,
    );
  }
  const event: BusEvent = { type: "cliLogin", userId: "", agentInstanceId: decided.id };
  await deps.bus.publish([event]);
  return view(decided, input.user_code, now);
}

type PollOutput = OperationOutput<typeof publicOperations.pollCliLogin>;
const noKey = (status: Status): PollOutput => ({ status, api_key: null, key_name: null, email: null });

/**
 * Waits for the user's decision, woken by the bus rather than by polling (subscribe first, then
 * read, so a decision stored in between still wakes it). An approved sign-in is consumed here:
 * the key is minted for the confirming user and returned once.
 */
export async function pollCliLogin(
  deps: CoreDeps,
  input: OperationArgs<typeof publicOperations.pollCliLogin>,
  signal?: AbortSignal,
): Promise<PollOutput> {
  const deviceCodeHash = hashToken(input.device_code);
  const [initial] = await deps.db.select().from(cliLogins).where(eq(cliLogins.deviceCodeHash, deviceCodeHash));
  if (!initial) throw new OmnaraError("NOT_FOUND", "Unknown or already used device code. Run `omnara login` again.");

  const deadline = Math.min(Date.now() + input.timeout_seconds * 1000, initial.expiresAt.getTime());
  const outcome = await waitForEvent({
    bus: deps.bus,
    topic: { agentInstanceId: initial.id },
    wakesOn: (event) => event.type === "cliLogin",
    check: async () => {
      const [row] = await deps.db.select().from(cliLogins).where(eq(cliLogins.id, initial.id));
      if (!row || row.status === "CONSUMED") {
        throw new OmnaraError("NOT_FOUND", "This sign-in has already handed out its key. Run `omnara login` again.");
      }
      const status = statusOf(row, deps.now());
      if (status === "approved") return consume(deps, row);
      return status === "pending" ? undefined : noKey(status);
    },
    deadline,
    signal,
  });
  return outcome ?? noKey("pending");
}

async function consume(deps: CoreDeps, row: Row): Promise<PollOutput> {
  // Marking it consumed first makes two concurrent polls mint one key, not two.
  const [claimed] = await deps.db
    .update(cliLogins)
    .set({ status: "CONSUMED" })
    .where(and(eq(cliLogins.id, row.id), eq(cliLogins.status, "APPROVED")))
    .returning();
  if (!claimed?.userId)
    throw new OmnaraError("NOT_FOUND", "This sign-in has already handed out its key. Run `omnara login` again.");
  const name = claimed.kind === "machine" ? `Machine ${claimed.clientName}` : `CLI on ${claimed.clientName}`;
  const key = await createApiKey(deps, { userId: claimed.userId }, { name: name.slice(0, 200) }, claimed.kind);
  await deps.db.update(cliLogins).set({ apiKeyId: key.id }).where(eq(cliLogins.id, row.id));
  const [user] = await deps.db.select({ email: users.email }).from(users).where(eq(users.id, claimed.userId));
  return { status: "approved", api_key: key.api_key, key_name: key.name, email: user?.email ?? null };
}
