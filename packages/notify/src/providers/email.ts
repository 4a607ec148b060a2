import type { NotificationContent } from "@omnara/db/schema";
import nodemailer from "nodemailer";
import { failed, type Provider, type SendResult } from "./provider.ts";

export interface EmailOptions {
  /** smtp:// or smtps:// URL, with credentials if the server needs them. */
  url: string;
  from: string;
}

export function createEmailProvider(options: EmailOptions): Provider<"email"> {
  const transport = nodemailer.createTransport(options.url);
  return {
    channel: "email",
    send: async (target, content) => {
      try {
        await transport.sendMail({
          from: options.from,
          to: target.address,
          subject: content.title,
          text: text(content),
          headers: content.agentInstanceId ? { "X-Omnara-Instance-Id": content.agentInstanceId } : {},
        });
        return { ok: true };
      } catch (error) {
        return classify(error);
      }
    },
    close: async () => transport.close(),
  };
}

const text = (content: NotificationContent): string =>
  [content.body, "", content.url ? `Open it: ${content.url}` : "Open the Omnara dashboard to answer.", ""].join("\n");

function classify(error: unknown): SendResult {
  const responseCode =
    typeof error === "object" && error !== null && "responseCode" in error && typeof error.responseCode === "number"
      ? error.responseCode
      : undefined;
  const reason = `SMTP${responseCode ? ` ${responseCode}` : ""}: ${error instanceof Error ? error.message : String(error)}`;
  // 5xx is permanent (e.g. mailbox unknown); 4xx and connection errors are worth another try.
  if (responseCode !== undefined && responseCode >= 500) return failed("REJECTED", reason);
  return failed("TRANSIENT", reason);
}
