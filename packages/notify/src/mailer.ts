import nodemailer from "nodemailer";

export interface Mail {
  to: string;
  subject: string;
  text: string;
}

/** Plain mail over the notifications' SMTP server (password-reset links, for one). */
export function createMailer(options: { url: string; from: string }): {
  send(mail: Mail): Promise<void>;
  close(): void;
} {
  const transport = nodemailer.createTransport(options.url);
  return {
    send: async (mail) => {
      await transport.sendMail({ from: options.from, ...mail });
    },
    close: () => transport.close(),
  };
}
